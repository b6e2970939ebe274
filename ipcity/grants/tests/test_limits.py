"""Budgets and limits at the moment of commitment: budget, per-beneficiary annual cap, quota, one
reward per IP right and item, and the credit check before payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.choices import ApplicationStatus, GrantStatus
from ipcity.grants.models import Budget, Grant, Payment
from ipcity.grants.tests.conftest import (
    CLI,
    approve_after_publicity,
    dec,
    draft,
    set_budget,
    to_publicity,
    web,
)
from ipcity.protection import services as protection_services

pytestmark = pytest.mark.django_db


def _fees(amount: str) -> dict[str, object]:
    return {"foreign_related": True, "judicial_litigation": True, "won": True, "service_fees": amount}


def test_budget_is_never_exceeded(personas, fixed_clock) -> None:
    set_budget("foreign_litigation", "250000")
    first = to_publicity(personas, draft(personas, facts=_fees("300000"), right_id="(2024)鲁02民初1号"))
    second = to_publicity(personas, draft(personas, user=personas.enterprise_b, facts=_fees("300000")))
    approve_after_publicity(personas, first, fixed_clock)  # 150,000 of 250,000
    with pytest.raises(Refused, match=r"预算不足.*余额 100,000\.00 元"):
        services.approve_application(second, actor=web(personas.admin))
    second.refresh_from_db()
    assert second.status == ApplicationStatus.PUBLICITY
    services.set_budget("foreign_litigation", 2024, Decimal("300000"), actor=web(personas.admin))
    grant = services.approve_application(second, actor=web(personas.admin))
    assert grant.amount == Decimal("150000.00")
    assert sum(g.amount for g in Grant.objects.filter(item_code="foreign_litigation")) == Decimal("300000.00")


def test_budget_cannot_be_lowered_below_committed(personas, fixed_clock) -> None:
    set_budget("foreign_litigation", "500000")
    approve_after_publicity(personas, to_publicity(personas, draft(personas)), fixed_clock)
    with pytest.raises(Refused, match="不能低于已核定金额"):
        services.set_budget("foreign_litigation", 2024, Decimal("100000"), actor=CLI)
    assert Budget.objects.get(item_code="foreign_litigation", year=2024).amount == Decimal("500000")
    services.set_budget("foreign_litigation", 2024, Decimal("150000"), actor=CLI)
    event = AuditEvent.objects.filter(action="grant_budget.update").latest("at")
    assert event.before == {"amount": "500000.00"} or event.before == {"amount": "500000"}
    assert event.after == {"amount": "150000"}


def test_annual_cap_shared_across_applications_adds_up_exactly(personas, budgets, fixed_clock) -> None:
    # 二(一)4: at most 1,000,000 元 per enterprise per year.
    one = to_publicity(personas, draft(personas, facts=_fees("1800000"), right_id="案1"))
    two = to_publicity(personas, draft(personas, facts=_fees("400000"), right_id="案2"))
    three = to_publicity(personas, draft(personas, facts=_fees("100000"), right_id="案3"))
    assert two.amount == Decimal("200000.00")  # published before the first was approved
    assert approve_after_publicity(personas, one, fixed_clock).amount == Decimal("900000.00")
    grant = services.approve_application(two, actor=web(personas.admin))
    assert grant.amount == Decimal("100000.00")  # only the remainder of the annual cap
    two.refresh_from_db()
    last = two.steps.last()
    assert last is not None and "公示金额 200,000.00 元" in last.comment
    with pytest.raises(Refused, match="已达年度上限"):
        services.approve_application(three, actor=web(personas.admin))
    total = sum(
        g.amount for g in Grant.objects.filter(organisation=personas.org_a, item_code="foreign_litigation")
    )
    assert total == Decimal("1000000.00")
    # Another enterprise is not affected by org_a's cap.
    other = to_publicity(personas, draft(personas, user=personas.enterprise_b, facts=_fees("100000")))
    assert approve_after_publicity(personas, other, fixed_clock).amount == Decimal("50000.00")


def test_same_right_is_never_rewarded_twice_under_the_same_item(personas, budgets, fixed_clock) -> None:
    first = to_publicity(personas, draft(personas, right_id="（2024）鲁02民初88号"))
    second = to_publicity(
        personas, draft(personas, right_id="(2024)鲁02民初88号")
    )  # same case, other spelling
    approve_after_publicity(personas, first, fixed_clock)
    with pytest.raises(Refused, match="已在本项目获得奖补"):
        services.approve_application(second, actor=web(personas.admin))
    # The database refuses it too, whatever the caller does.
    grant = Grant.objects.get(application=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(
            item_code=grant.item_code,
            organisation=grant.organisation,
            budget_year=2024,
            decisive_date=grant.decisive_date,
            amount=Decimal("1"),
            right_key=grant.right_key,
            application=second,
            decision={},
            committed_on=fixed_clock.day,
            committed_by="test",
        )


def test_quota_over_the_plan_period_binds_at_approval(personas, budgets, fixed_clock) -> None:
    # 专利留烟重点项目: at most 5 over the plan period (2022–2024).
    facts = {"project_relocated": True, "key_industry": True}
    apps = [
        to_publicity(
            personas,
            draft(personas, item="patent_retention_project", facts=facts, right_id=f"留烟项目{i}"),
            decided=Decimal("100000"),
        )
        for i in range(6)
    ]
    for app in apps[:5]:
        approve_after_publicity(personas, app, fixed_clock)
    with pytest.raises(Refused, match="方案期内名额 5 个已满"):
        services.approve_application(apps[5], actor=web(personas.admin))
    assert Grant.objects.filter(item_code="patent_retention_project").count() == 5


def test_credit_record_blocks_payment_with_a_reason(personas, budgets, fixed_clock) -> None:
    grant = approve_after_publicity(personas, to_publicity(personas, draft(personas)), fixed_clock)
    record = protection_services.add_credit_record(
        personas.org_a, actor=CLI, source="国家知识产权局 2024 年第 3 号公告", start=fixed_clock.day
    )
    assert (
        services.record_payment(grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="PZ")
        is None
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.COMMITTED
    assert "信用核查未通过" in grant.payment_blocked and "第 3 号公告" in grant.payment_blocked
    assert not Payment.objects.exists()
    assert AuditEvent.objects.filter(action="grant.payment_blocked", object_id=str(grant.pk)).exists()
    # Removed from the list: payment goes through.
    protection_services.end_credit_record(record, actor=CLI, end=fixed_clock.day)
    fixed_clock.advance(1)
    payment = services.record_payment(
        grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="PZ"
    )
    assert payment is not None
    grant.refresh_from_db()
    assert grant.payment_blocked == ""


def test_credit_repair_lifts_the_payment_block(personas, budgets, fixed_clock) -> None:
    """Issue 14: a 严重失信 record blocks a pending payment; its 信用修复, reviewed by the city office
    in protection, lifts the block; each step audited."""
    grant = approve_after_publicity(personas, to_publicity(personas, draft(personas)), fixed_clock)
    record = protection_services.add_credit_record(
        personas.org_a, actor=CLI, source="国家知识产权局 2024 年第 5 号公告", start=fixed_clock.day
    )
    assert (
        services.record_payment(grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="P1")
        is None
    )
    assert AuditEvent.objects.filter(action="grant.payment_blocked", object_id=str(grant.pk)).exists()
    protection_services.request_credit_repair(
        record, actor=web(personas.enterprise_a), reason="已履行处罚决定"
    )
    # Under review the record still blocks.
    assert (
        services.record_payment(grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="P2")
        is None
    )
    protection_services.review_credit_repair(
        record, actor=web(personas.admin), decision="approved", comment="整改到位，准予修复"
    )
    assert AuditEvent.objects.filter(
        action="credit_record.review_repair.approved", object_id=str(record.pk)
    ).exists()
    payment = services.record_payment(
        grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="P3"
    )
    assert payment is not None
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PAID and grant.payment_blocked == ""


def test_other_credit_records_do_not_block(personas, budgets, fixed_clock) -> None:
    grant = approve_after_publicity(personas, to_publicity(personas, draft(personas)), fixed_clock)
    protection_services.add_credit_record(
        personas.org_a, actor=CLI, source="经营异常名录", start=fixed_clock.day, kind="other"
    )
    assert (
        services.record_payment(grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="P")
        is not None
    )


def test_blacklisted_applicant_is_ineligible_at_submission(personas, budgets, fixed_clock) -> None:
    protection_services.add_credit_record(
        personas.org_a, actor=CLI, source="严重失信名单", start=dt.date(2024, 1, 1)
    )
    app = draft(personas)
    assert app.eligible is False
    assert any("严重失信" in r for r in dec(app)["reasons"])


def test_payment_date_checks(personas, budgets, fixed_clock) -> None:
    grant = approve_after_publicity(personas, to_publicity(personas, draft(personas)), fixed_clock)
    with pytest.raises(Refused, match="不能晚于今天"):
        services.record_payment(
            grant, actor=CLI, paid_on=fixed_clock.day + dt.timedelta(days=1), reference="P"
        )
    with pytest.raises(Refused, match="不能早于核定日期"):
        services.record_payment(
            grant, actor=CLI, paid_on=fixed_clock.day - dt.timedelta(days=30), reference="P"
        )
