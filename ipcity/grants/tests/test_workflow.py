"""The application workflow through its services: submission → district → city → (experts) →
publicity → approval → payment; return for revision, rejection, objections; SLA clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.core.models import AuditEvent, Notification
from ipcity.core.workdays import add_working_days
from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.choices import ApplicationStatus, GrantStatus, ReviewDecision
from ipcity.grants.models import Application, Grant, Payment, WorkflowStep
from ipcity.grants.tests.conftest import (
    EXPERT_FIELD,
    add_expert,
    after,
    approve_after_publicity,
    dec,
    draft,
    ensure_experts,
    set_budget,
    to_publicity,
    web,
)

pytestmark = pytest.mark.django_db


def test_fast_item_from_draft_to_payment(personas, budgets, fixed_clock) -> None:
    app = draft(personas)
    assert app.status == ApplicationStatus.DRAFT
    # The applicant sees the amount and why before submitting.
    assert app.eligible is True and app.amount == Decimal("150000.00")
    assert "二(一)4" in dec(app)["explanation"]
    assert dec(app)["facts"]["blacklisted"] is False  # supplied by the platform, not the applicant

    services.submit_application(app, actor=web(personas.enterprise_a))
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.submitted_on == fixed_clock.day
    assert app.sla_due == add_working_days(fixed_clock.day, 60)
    assert Notification.objects.filter(recipient=personas.district_a, url__contains=str(app.pk)).exists()
    assert not Notification.objects.filter(recipient=personas.district_b).exists()

    services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.CITY_REVIEW
    services.review_in_city(app, actor=web(personas.admin), decision=ReviewDecision.PASS)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PUBLICITY
    assert app.publicity_start == fixed_clock.day
    assert app.publicity_end == add_working_days(fixed_clock.day, 5)

    with pytest.raises(Refused, match="期满后"):
        services.approve_application(app, actor=web(personas.admin))
    grant = approve_after_publicity(personas, app, fixed_clock)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED
    assert grant.amount == Decimal("150000.00") and grant.budget_year == 2024
    assert grant.decision["amount"] == "150000.00"

    payment = services.record_payment(
        grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="PZ-1"
    )
    assert payment is not None and payment.region == personas.org_a.region
    app.refresh_from_db()
    grant.refresh_from_db()
    assert app.status == ApplicationStatus.PAID and grant.status == GrantStatus.PAID
    steps = list(WorkflowStep.objects.filter(application=app).values_list("to_status", flat=True))
    assert steps == ["draft", "submitted", "city_review", "publicity", "approved", "paid"]
    actions = set(
        AuditEvent.objects.filter(object_id=str(app.pk), object_type="grants.application").values_list(
            "action", flat=True
        )
    )
    # One audit event per action; a review's is named by its decision.
    assert actions == {
        "grant_application.create",
        "grant_application.material.add",
        "grant_application.submit",
        "grant_application.district_review.pass",
        "grant_application.city_review.pass",
        "grant_application.approve",
        "grant_application.pay",
    }
    pay = AuditEvent.objects.get(action="grant_application.pay", object_id=str(app.pk))
    assert pay.before == {"status": "approved"} and pay.after is not None
    assert (pay.after["status"], pay.after["grant"], pay.after["reference"]) == ("paid", grant.pk, "PZ-1")
    approve = AuditEvent.objects.get(action="grant_application.approve", object_id=str(app.pk))
    assert approve.before is not None and approve.after is not None
    assert (approve.before["status"], approve.after["status"]) == ("publicity", "approved")
    assert approve.after["grant"] == grant.pk and approve.before["amount"] == "150000.00"
    with pytest.raises(Refused, match="不能重复付款"):
        services.record_payment(grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="PZ-2")
    assert Payment.objects.count() == 1


def test_return_for_revision_restarts_the_clock_and_needs_a_reason(personas, budgets, fixed_clock) -> None:
    app = draft(personas)
    services.submit_application(app, actor=web(personas.enterprise_a))
    with pytest.raises(Refused, match="退回修改需要填写意见"):
        services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.RETURN)
    services.review_in_district(
        app, actor=web(personas.district_a), decision=ReviewDecision.RETURN, comment="请补充律师费发票"
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RETURNED
    assert Notification.objects.filter(
        recipient=personas.enterprise_a, body__contains="请补充律师费发票"
    ).exists()
    fixed_clock.advance(14)
    services.update_application(
        app,
        actor=web(personas.enterprise_a),
        decisive_date=app.decisive_date,
        facts={**app.facts, "service_fees": "360000"},
    )
    services.submit_application(app, actor=web(personas.enterprise_a))
    app.refresh_from_db()
    assert app.submitted_on == fixed_clock.day
    assert app.sla_due == add_working_days(fixed_clock.day, 60)
    assert app.amount == Decimal("180000.00")
    assert WorkflowStep.objects.filter(application=app, to_status="submitted").count() == 2


def test_rejection_is_final_and_transitions_are_checked(personas, budgets) -> None:
    app = draft(personas)
    with pytest.raises(Refused, match="不在区市初审阶段"):
        services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    services.submit_application(app, actor=web(personas.enterprise_a))
    services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    services.review_in_city(
        app, actor=web(personas.admin), decision=ReviewDecision.REJECT, comment="非涉外纠纷"
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED
    with pytest.raises(Refused):
        services.submit_application(app, actor=web(personas.enterprise_a))
    with pytest.raises(Refused):
        services.withdraw_application(app, actor=web(personas.enterprise_a))


def test_submission_refused_when_ineligible_or_without_material(personas, budgets) -> None:
    app = draft(personas, facts={**_lit(), "won": False})
    assert app.eligible is False
    with pytest.raises(Refused, match=r"不符合条件.*胜诉"):
        services.submit_application(app, actor=web(personas.enterprise_a))
    bare = draft(personas, material=False)
    with pytest.raises(
        Refused, match="尚缺申报材料：生效裁判文书、服务合同、服务费用支付凭证和发票、营业执照"
    ):
        services.submit_application(bare, actor=web(personas.enterprise_a))
    assert Application.objects.get(pk=bare.pk).status == ApplicationStatus.DRAFT


def test_exempt_items_are_not_applied_for(personas) -> None:
    with pytest.raises(Refused, match="免申即享"):
        services.create_application(
            personas.org_a,
            "china_patent_award",
            actor=web(personas.enterprise_a),
            decisive_date=dt.date(2024, 1, 5),
            facts={"award_level": "patent_gold"},
        )


def test_future_decisive_date_and_bad_patent_number_refused(personas, fixed_clock) -> None:
    with pytest.raises(Refused, match="不能晚于今天"):
        draft(personas, on=fixed_clock.day + dt.timedelta(days=1))
    with pytest.raises(Refused, match="校验位"):
        draft(personas, right_id="ZL200710308494.1")
    app = draft(personas, right_id="ZL 2007 1 0308494 X")
    assert app.right_id == "200710308494.X"


def test_city_sets_the_amount_where_the_office_decides(personas, budgets, fixed_clock) -> None:
    facts = {
        "recognition_level": "provincial",
        "recognition_kind": "standardised_market",
        "newly_recognised": True,
    }
    app = draft(personas, item="standardised_market", facts=facts)
    assert app.eligible and app.amount is None and app.ceiling == Decimal("100000.00")
    services.submit_application(app, actor=web(personas.enterprise_a))
    services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    with pytest.raises(Refused, match="请填写审定金额"):
        services.review_in_city(app, actor=web(personas.admin), decision=ReviewDecision.PASS)
    # Above the cap: the engine caps it and says so.
    services.review_in_city(
        app, actor=web(personas.admin), decision=ReviewDecision.PASS, decided_amount=Decimal("120000")
    )
    app.refresh_from_db()
    assert app.amount == Decimal("100000.00")
    assert "超过上限" in dec(app)["explanation"] or "按 100,000.00 元" in dec(app)["explanation"]
    grant = approve_after_publicity(personas, app, fixed_clock)
    assert grant.amount == Decimal("100000.00")


def test_merit_item_goes_through_expert_review(personas, budgets, fixed_clock) -> None:
    app = draft(personas, item="city_advantage_enterprise", facts={})
    services.submit_application(app, actor=web(personas.enterprise_a))
    services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    services.review_in_city(app, actor=web(personas.admin), decision=ReviewDecision.PASS)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.EXPERT_REVIEW
    experts = ensure_experts(3)
    conflicted = add_expert("回避专家", employer=personas.org_a, employer_name="")
    admin = web(personas.admin)
    with pytest.raises(Refused, match="可抽取的专家不足"):  # the one of the applicant is kept out
        services.assign_experts(app, actor=admin, field=EXPERT_FIELD, count=4)
    assignments = services.assign_experts(app, actor=admin, field=EXPERT_FIELD, count=2)
    assert {a.expert for a in assignments} < set(experts)
    services.record_score(assignments[0], actor=web(personas.admin), score=Decimal("90"))
    with pytest.raises(Refused, match="专家不足"):
        services.conclude_expert_review(
            app, actor=web(personas.admin), decision=ReviewDecision.PASS, decided_amount=Decimal("150000")
        )
    (third,) = services.assign_experts(app, actor=admin, field=EXPERT_FIELD, count=1)  # a new one
    assert {a.expert for a in app.assignments.all()} == set(experts) and conflicted not in {third.expert}
    with pytest.raises(Refused, match="尚有专家未评分"):
        services.conclude_expert_review(
            app, actor=web(personas.admin), decision=ReviewDecision.PASS, decided_amount=Decimal("150000")
        )
    services.record_score(assignments[1], actor=web(personas.admin), score=Decimal("80"))
    services.record_score(third, actor=web(personas.admin), score=Decimal("70"))
    with pytest.raises(Refused, match="请填写审定金额"):
        services.conclude_expert_review(app, actor=web(personas.admin), decision=ReviewDecision.PASS)
    services.conclude_expert_review(
        app, actor=web(personas.admin), decision=ReviewDecision.PASS, decided_amount=Decimal("150000")
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PUBLICITY and app.amount == Decimal("150000.00")
    assert WorkflowStep.objects.filter(application=app, comment__contains="平均分 80.00").exists()
    assert "专家评审" in dec(app)["explanation"]


def test_objection_upheld_ends_the_application(personas, budgets, fixed_clock) -> None:
    app = to_publicity(personas, draft(personas))
    with pytest.raises(Refused, match="异议人"):
        services.record_objection(
            app, actor=web(personas.admin), received_on=fixed_clock.day, submitter="", content=""
        )
    objection = services.record_objection(
        app,
        actor=web(personas.admin),
        received_on=fixed_clock.day,
        submitter="某律师事务所",
        content="该案未胜诉",
    )
    fixed_clock.set(after(app.publicity_end, 1))
    with pytest.raises(Refused, match="未处理的公示异议"):
        services.approve_application(app, actor=web(personas.admin))
    services.resolve_objection(objection, actor=web(personas.admin), upheld=True, resolution="经核实二审改判")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED
    assert not Grant.objects.filter(application=app).exists()


def test_dismissed_objection_lets_approval_proceed(personas, budgets, fixed_clock) -> None:
    app = to_publicity(personas, draft(personas))
    objection = services.record_objection(
        app, actor=web(personas.admin), received_on=fixed_clock.day, submitter="匿名", content="金额过高"
    )
    services.resolve_objection(
        objection, actor=web(personas.admin), upheld=False, resolution="按规定比例计算，无误"
    )
    grant = approve_after_publicity(personas, app, fixed_clock)
    assert grant.amount == Decimal("150000.00")


def test_late_objection_is_refused(personas, budgets, fixed_clock) -> None:
    app = to_publicity(personas, draft(personas))
    fixed_clock.set(after(app.publicity_end, 2))
    with pytest.raises(Refused, match="逾期"):
        services.record_objection(
            app, actor=web(personas.admin), received_on=fixed_clock.day, submitter="甲", content="异议"
        )


def test_sla_overdue_is_reported(personas, budgets, fixed_clock) -> None:
    from ipcity.grants.selectors import sla_state

    app = draft(personas)
    services.submit_application(app, actor=web(personas.enterprise_a))
    app.refresh_from_db()
    state = sla_state(app, fixed_clock.day)
    assert state is not None and state.remaining == 60 and not state.overdue
    late = after(app.sla_due, 1)
    state = sla_state(app, late)
    assert state is not None and state.overdue and state.remaining is not None and state.remaining < 0
    assert "已超期" in state.text


def test_sla_of_a_closed_application_says_so_without_a_count(personas, budgets, fixed_clock) -> None:
    from ipcity.grants.selectors import sla_state

    app = draft(personas)
    services.submit_application(app, actor=web(personas.enterprise_a))
    services.withdraw_application(app, actor=web(personas.enterprise_a), comment="不再申请")
    app.refresh_from_db()
    state = sla_state(app, fixed_clock.day)
    assert state is not None and state.remaining is None
    assert state.text == f"已办结（期限 {app.sla_due.isoformat()}）"  # type: ignore[union-attr]


def test_sla_beyond_the_calendar_is_explained_not_guessed(personas, budgets, fixed_clock) -> None:
    fixed_clock.set(dt.date(2026, 11, 27))
    app = draft(personas, on=dt.date(2026, 11, 20))
    services.submit_application(app, actor=web(personas.enterprise_a))
    app.refresh_from_db()
    assert app.sla_due is None and "工作日历" in app.sla_note


def test_sla_is_computed_once_the_office_enters_the_next_year(
    personas, budgets, fixed_clock, django_capture_on_commit_callbacks
) -> None:
    from ipcity.core.services import import_calendar_year
    from ipcity.grants.selectors import sla_state

    fixed_clock.set(dt.date(2026, 12, 10))
    waiting = draft(personas, on=dt.date(2026, 12, 1))
    services.submit_application(waiting, actor=web(personas.enterprise_a))
    waiting.refresh_from_db()
    assert waiting.sla_due is None
    assert waiting.sla_note == (
        "无法计算兑现期限：2026-12-10 之后第 60 个工作日超出工作日历范围（工作日历尚未录入 2027 年）"
    )
    # The city office enters 2027 on the calendar page (a made-up table: the notice was not out yet).
    with django_capture_on_commit_callbacks(execute=True):
        import_calendar_year(
            2027,
            [(1, ["2027-01-01 至 2027-01-03", "放假", "元旦"]), (2, ["2027-02-06 至 2027-02-12", "放假", "春节"]),
             (3, ["2027-02-13", "调休上班", "春节"])],
            actor=web(personas.admin),
            notice="国务院办公厅关于2027年部分节假日安排的通知",
            published=dt.date(2026, 11, 1),
        )  # fmt: skip
    # The application submitted before 2027 was entered gets its deadline then, audited.
    waiting.refresh_from_db()
    assert waiting.sla_due == dt.date(2027, 3, 11) and waiting.sla_note == ""
    event = AuditEvent.objects.get(action="grant_application.deadline", object_id=str(waiting.pk))
    assert event.before == {
        "sla_due": None,
        "sla_note": "无法计算兑现期限：2026-12-10 之后第 60 个工作日超出工作日历范围（工作日历尚未录入 2027 年）",
    }
    assert event.after == {"sla_due": "2027-03-11", "sla_note": ""}
    app = draft(personas, on=dt.date(2026, 12, 2))
    services.submit_application(app, actor=web(personas.enterprise_a))
    app.refresh_from_db()
    # Hand count from Thursday 10 December 2026: 15 working days left in December, 25 from 4 January to
    # 5 February, the adjusted Saturday 13 February, then 18 from 15 February: Thursday 11 March 2027.
    assert app.sla_due == dt.date(2027, 3, 11) and app.sla_note == ""
    state = sla_state(app, fixed_clock.day)
    assert state is not None and state.remaining == 60


def _lit() -> dict[str, object]:
    from ipcity.grants.tests.conftest import LITIGATION_FACTS

    return dict(LITIGATION_FACTS)


def test_set_budget_for_the_other_year_does_not_help(personas, fixed_clock) -> None:
    set_budget("foreign_litigation", "1000000", year=2023)
    app = to_publicity(personas, draft(personas))
    fixed_clock.set(after(app.publicity_end, 1))
    with pytest.raises(Refused, match="尚未设置 2024 年度预算"):
        services.approve_application(app, actor=web(personas.admin))


def test_reviews_act_only_in_their_own_stage(personas, budgets, fixed_clock) -> None:
    """A district officer cannot return or reject an application the city (or the experts, or the
    公示) has taken over, nor can the city review one the district has not seen."""
    app = draft(personas)
    services.submit_application(app, actor=web(personas.enterprise_a))
    with pytest.raises(Refused, match="不在市级审核阶段"):
        services.review_in_city(
            app, actor=web(personas.admin), decision=ReviewDecision.REJECT, comment="越级"
        )
    services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    for decision in (ReviewDecision.REJECT, ReviewDecision.RETURN):
        with pytest.raises(Refused, match="不在区市初审阶段"):
            services.review_in_district(
                app, actor=web(personas.district_a), decision=decision, comment="晚了"
            )
    services.review_in_city(app, actor=web(personas.admin), decision=ReviewDecision.PASS)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PUBLICITY
    with pytest.raises(Refused, match="不在区市初审阶段"):
        services.review_in_district(
            app, actor=web(personas.district_a), decision=ReviewDecision.REJECT, comment="公示期间"
        )
    with pytest.raises(Refused, match="不在市级审核阶段"):
        services.review_in_city(
            app, actor=web(personas.admin), decision=ReviewDecision.REJECT, comment="公示期间"
        )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PUBLICITY
