"""免申即享: detection from the registry, idempotence, 意愿确认, approval, payment and the credit check."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from ipcity.core.models import AuditEvent, Notification
from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.choices import EntitlementStatus
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Entitlement, Grant
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import CLI, dec, web
from ipcity.protection import services as protection_services
from ipcity.registry.services import upsert_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(personas):
    """One event for each detector, plus records that must not produce an entitlement."""
    a, b = personas.org_a, personas.org_b
    upsert_organisation(actor=CLI, name=a.name, values={"size": "small"})
    upsert_organisation(actor=CLI, name=b.name, values={"size": "large"})
    pa1, pa2, pa3 = reg.patent(a, 1), reg.patent(a, 2), reg.patent(a, 3, kind="utility_model")
    pb1 = reg.patent(b, 11)
    reg.award(a, pa1, award="china_patent", level="gold")
    reg.award(b, pb1, award="shandong_patent", level="first")
    reg.award(a, pa2, award="city_patent", level="second")
    reg.award(a, pa2, award="china_patent", level="silver", year=2023)  # another year
    reg.madrid(a)
    reg.gi(b, "测试苹果")
    reg.gi(None, "无主粉丝")  # holder not linked: reported, not created
    reg.pledge(a, [pa1], number="Y2024980000001", registered=dt.date(2024, 3, 1))
    reg.pledge(b, [pb1], number="Y2024980000002", registered=dt.date(2024, 4, 1))  # large enterprise
    reg.pledge(a, [pa3], number="Y2024980000003", registered=dt.date(2024, 5, 1))  # utility model only
    mark = reg.madrid(a, number="1700001", registered=dt.date(2020, 1, 1))
    reg.pledge(b, [], number="Y2024980000004", registered=dt.date(2024, 2, 1), amount="2000000",
               rate="3.600", trademarks=[mark])  # fmt: skip
    reg.tag(b, "ip_advantage_province", 2024)
    return personas


EXPECTED = {
    "china_patent_award": Decimal("1000000.00"),
    "shandong_patent_award": Decimal("300000.00"),
    "city_patent_award": None,  # 金额待市局确定
    "madrid_trademark": Decimal("20000.00"),
    "gi_registration": Decimal("100000.00"),
    # 10,000,000 × 60% × 3.45% (Feb 2024 one-year LPR) × 305 days ÷ 360 = 175,375.00
    "patent_pledge_interest": Decimal("175375.00"),
    # first trademark pledge of 2024: interest 2,000,000 × 3.6% × 334 ÷ 360 = 66,800.00 (≤ 100,000)
    "first_trademark_pledge": Decimal("66800.00"),
    "recognised_advantage_enterprise": Decimal("100000.00"),
}


def test_detection_finds_each_kind_of_event_with_amounts(registry) -> None:
    report = run_detection(2024, actor=CLI)
    found = {e.item_code: e for e in Entitlement.objects.all()}
    assert {code: e.amount for code, e in found.items()} == EXPECTED
    assert len(report.created) == len(EXPECTED)
    pledge = found["patent_pledge_interest"]
    assert pledge.organisation == registry.org_a and pledge.confirm_facts == [
        "loan_principal",
        "interest_paid",
    ]
    assert "3.45%" in dec(pledge)["explanation"]
    assert found["city_patent_award"].eligible is True and found["city_patent_award"].amount is None
    # Not created, each with its reason.
    reasons = {c.event_label: r for c, r in report.ineligible}
    assert any("Y2024980000002" in label and "中小微" in r for label, r in reasons.items())
    assert any("Y2024980000003" in label and "发明专利" in r for label, r in reasons.items())
    assert any("无主粉丝" in s.event_label and "未关联" in s.reason for s in report.skipped)
    assert "ecommerce_platform" in report.not_detectable
    # Organisations are told.
    assert Notification.objects.filter(recipient=registry.enterprise_a, title__contains="免申即享").exists()
    event = AuditEvent.objects.get(action="grant_entitlement.detect")
    assert (event.after or {})["新建"] == len(EXPECTED)


def test_running_twice_creates_nothing_new(registry) -> None:
    first = run_detection(2024, actor=CLI)
    second = run_detection(2024, actor=CLI)
    assert second.created == [] and second.existing == len(first.created)
    assert Entitlement.objects.count() == len(EXPECTED)


def test_dry_run_writes_nothing(registry) -> None:
    report = run_detection(2024, actor=CLI, dry_run=True)
    assert len(report.would_create) == len(EXPECTED)
    assert Entitlement.objects.count() == 0
    assert not AuditEvent.objects.filter(action="grant_entitlement.detect").exists()


def test_other_years_are_separate(registry) -> None:
    run_detection(2023, actor=CLI)
    assert list(Entitlement.objects.values_list("item_code", "amount")) == [
        ("china_patent_award", Decimal("500000.00"))
    ]


def test_confirm_approve_pay(registry, budgets, fixed_clock) -> None:
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get(item_code="madrid_trademark")
    with pytest.raises(Refused, match="不能核定"):
        services.approve_entitlement(ent, actor=web(registry.admin))
    services.confirm_entitlement(ent, actor=web(registry.enterprise_a), accept=True)
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.CONFIRMED and ent.confirmed_by == registry.enterprise_a.username
    grant = services.approve_entitlement(ent, actor=web(registry.admin))
    assert grant.amount == Decimal("20000.00") and grant.right_key == "MADRID1654321"
    payment = services.record_payment(
        grant, actor=web(registry.admin), paid_on=fixed_clock.day, reference="MS-1"
    )
    assert payment is not None
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.PAID
    steps = list(ent.steps.values_list("to_status", flat=True))
    assert steps == ["pending", "confirmed", "approved", "paid"]


def test_confirmation_corrects_estimated_facts(registry, budgets) -> None:
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get(item_code="patent_pledge_interest")
    with pytest.raises(Refused, match="只能确认这些事实"):
        services.confirm_entitlement(ent, actor=web(registry.enterprise_a), accept=True, facts={"sme": True})
    services.confirm_entitlement(
        ent,
        actor=web(registry.enterprise_a),
        accept=True,
        facts={"interest_paid": "100000", "loan_principal": "10000000"},
    )
    ent.refresh_from_db()
    # The subsidy never exceeds the interest actually paid.
    assert ent.amount == Decimal("100000.00")


def test_decline(registry) -> None:
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get(item_code="gi_registration")
    services.confirm_entitlement(ent, actor=web(registry.enterprise_b), accept=False, comment="已另行申报")
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.DECLINED
    with pytest.raises(Refused):
        services.confirm_entitlement(ent, actor=web(registry.enterprise_b), accept=True)


def test_office_sets_amount_the_plan_leaves_open(registry, budgets) -> None:
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get(item_code="city_patent_award")
    services.confirm_entitlement(ent, actor=web(registry.enterprise_a), accept=True)
    with pytest.raises(Refused, match="请填写审定金额"):
        services.approve_entitlement(ent, actor=web(registry.admin))
    grant = services.approve_entitlement(ent, actor=web(registry.admin), decided_amount=Decimal("50000"))
    assert grant.amount == Decimal("50000.00")
    other = Entitlement.objects.get(item_code="madrid_trademark")
    services.confirm_entitlement(other, actor=web(registry.enterprise_a), accept=True)
    with pytest.raises(Refused, match="按公式计算"):
        services.approve_entitlement(other, actor=web(registry.admin), decided_amount=Decimal("1"))


def test_credit_check_blocks_entitlement_payment(registry, budgets, fixed_clock) -> None:
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get(item_code="recognised_advantage_enterprise")
    services.confirm_entitlement(ent, actor=web(registry.enterprise_b), accept=True)
    grant = services.approve_entitlement(ent, actor=web(registry.admin))
    protection_services.add_credit_record(
        registry.org_b, actor=CLI, source="严重失信主体名单（测试）", start=fixed_clock.day
    )
    assert (
        services.record_payment(grant, actor=web(registry.admin), paid_on=fixed_clock.day, reference="X")
        is None
    )
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.APPROVED
    assert "严重失信" in Grant.objects.get(pk=grant.pk).payment_blocked


def test_blacklisted_organisation_gets_no_entitlement(registry) -> None:
    protection_services.add_credit_record(
        registry.org_b, actor=CLI, source="严重失信主体名单（测试）", start=dt.date(2024, 1, 1)
    )
    report = run_detection(2024, actor=CLI)
    assert not Entitlement.objects.filter(organisation=registry.org_b).exists()
    assert any("严重失信" in r for c, r in report.ineligible if c.organisation == registry.org_b)


def test_an_organisation_of_another_kind_gets_no_entitlement(registry) -> None:
    """A service agency recognised as an advantage organisation: the item is for enterprises."""
    reg.tag(registry.org_agency, "ip_advantage_province", 2024)
    report = run_detection(2024, actor=CLI)
    assert not Entitlement.objects.filter(organisation=registry.org_agency).exists()
    reasons = [r for c, r in report.ineligible if c.organisation == registry.org_agency]
    assert reasons == [
        "国家级、省级知识产权优势（示范）企业认定奖励的惠及对象为获得国家级、省级知识产权优势企业或"
        "示范企业认定的本市企业，服务机构类单位不在其列"
    ]
    assert Entitlement.objects.filter(
        organisation=registry.org_b, item_code="recognised_advantage_enterprise"
    )


def test_cli_runs_twice_and_reports(registry) -> None:
    out = io.StringIO()
    call_command("grants", "entitlements", "--year", "2024", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert f"新建 {len(EXPECTED)} 项" in text and "不符合条件" in text
    out = io.StringIO()
    call_command("grants", "entitlements", "--year", "2024", "--json", stdout=out, stderr=io.StringIO())
    data = json.loads(out.getvalue())
    assert data["counts"]["新建"] == 0 and data["counts"]["已存在"] == len(EXPECTED)
    out = io.StringIO()
    call_command("grants", "entitlements", "--year", "2024", "--dry-run", stdout=out, stderr=io.StringIO())
    assert "将新建 0 项" in out.getvalue()


def test_cli_refuses_a_future_year(registry) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未来年度") as info:
        call_command("grants", "entitlements", "--year", "2030", stdout=io.StringIO(), stderr=io.StringIO())
    assert info.value.returncode == 2
