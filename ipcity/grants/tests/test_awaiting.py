"""What waits for each role (the desk's grants selectors): applications and entitlements that wait for
the user's action, agreeing with the workflow's allowed_actions; budgets running low; the SLA text of an
application whose clock is not running."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ipcity.grants import selectors, services
from ipcity.grants.choices import ObjectionStatus, ReviewDecision
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Application, Entitlement
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import (
    CLI,
    approve_after_publicity,
    draft,
    give_payee_accounts,
    set_budget,
    to_publicity,
    web,
)
from ipcity.grants.workflows import APPLICATION_WORKFLOW

pytestmark = pytest.mark.django_db

# Actions that go with a task rather than being one (editing before submitting), that may be taken
# but do not wait for anyone (withdrawing, recording an objection received).
NOT_WAITING = {"edit", "withdraw", "record_objection"}


def waits_for(app: Application, user) -> bool:
    actions = set(APPLICATION_WORKFLOW.allowed_actions(app, user)) - NOT_WAITING
    if not app.objections.filter(status=ObjectionStatus.OPEN).exists():
        actions.discard("resolve_objection")  # offered all through publicity, a task only when open
    return bool(actions)


@pytest.fixture
def applications(personas, budgets, fixed_clock) -> dict[str, Application]:
    """One application in each status (both enterprises), the clock where some publicity is over."""
    ent_a, ent_b = personas.enterprise_a, personas.enterprise_b
    apps = {"draft": draft(personas), "draft_b": draft(personas, user=ent_b)}
    apps["submitted"] = draft(personas)
    services.submit_application(apps["submitted"], actor=web(ent_a))
    apps["submitted_b"] = draft(personas, user=ent_b)
    services.submit_application(apps["submitted_b"], actor=web(ent_b))
    apps["returned"] = draft(personas)
    services.submit_application(apps["returned"], actor=web(ent_a))
    services.review_in_district(
        apps["returned"], actor=web(personas.district_a), decision=ReviewDecision.RETURN, comment="请补充发票"
    )
    apps["city_review"] = draft(personas)
    services.submit_application(apps["city_review"], actor=web(ent_a))
    services.review_in_district(
        apps["city_review"], actor=web(personas.district_a), decision=ReviewDecision.PASS
    )
    apps["expert_review"] = draft(personas, item="city_advantage_enterprise", facts={})
    services.submit_application(apps["expert_review"], actor=web(ent_a))
    services.review_in_district(
        apps["expert_review"], actor=web(personas.district_a), decision=ReviewDecision.PASS
    )
    services.review_in_city(apps["expert_review"], actor=web(personas.admin), decision=ReviewDecision.PASS)
    apps["paid"] = to_publicity(personas, draft(personas))
    grant = approve_after_publicity(personas, apps["paid"], fixed_clock)
    services.record_payment(grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="PZ-1")
    apps["approved"] = to_publicity(personas, draft(personas))
    approve_after_publicity(personas, apps["approved"], fixed_clock)
    apps["publicity_over"] = to_publicity(personas, draft(personas))
    apps["rejected"] = draft(personas)
    services.submit_application(apps["rejected"], actor=web(ent_a))
    services.review_in_district(
        apps["rejected"], actor=web(personas.district_a), decision=ReviewDecision.REJECT, comment="不符合"
    )
    apps["withdrawn"] = draft(personas)
    services.withdraw_application(apps["withdrawn"], actor=web(ent_a))
    fixed_clock.advance(14)  # the publicity above is over; the two below run on
    apps["publicity"] = to_publicity(personas, draft(personas))
    apps["objection"] = to_publicity(personas, draft(personas))
    services.record_objection(
        apps["objection"],
        actor=web(personas.admin),
        received_on=fixed_clock.day,
        submitter="甲",
        content="异议",
    )
    for app in apps.values():
        app.refresh_from_db()
    return apps


def test_what_waits_for_each_role_is_what_it_may_do_now(personas, applications, fixed_clock) -> None:
    expected = {
        "admin": {"city_review", "expert_review", "approved", "publicity_over", "objection"},
        "district_a": {"submitted"},
        "district_b": {"submitted_b"},
        "enterprise_a": {"draft", "returned"},
        "enterprise_b": {"draft_b"},
        "liaison": set(),
        "agency": set(),
    }
    names = {app.pk: name for name, app in applications.items()}
    for persona, wanted in expected.items():
        user = getattr(personas, persona)
        awaiting = {names[a.pk] for a in selectors.applications_awaiting(user, fixed_clock.day)}
        assert awaiting == wanted, persona
        by_actions = {name for name, app in applications.items() if waits_for(app, user)}
        assert awaiting == by_actions, persona  # the same as the actions the pages offer
        assert selectors.applications_awaiting(user).count() == len(wanted)  # clock.today() by default


def test_the_most_urgent_deadline_comes_first_and_returns_carry_their_reason(
    personas, budgets, fixed_clock
) -> None:
    first = draft(personas)
    services.submit_application(first, actor=web(personas.enterprise_a))
    fixed_clock.advance(7)
    second = draft(personas)
    services.submit_application(second, actor=web(personas.enterprise_a))
    assert list(selectors.applications_awaiting(personas.district_a)) == [first, second]
    services.review_in_district(
        first, actor=web(personas.district_a), decision=ReviewDecision.RETURN, comment="请补充律师费发票"
    )
    (returned,) = [a for a in selectors.applications_awaiting(personas.enterprise_a) if a.pk == first.pk]
    assert [step.comment for step in returned.returns] == ["请补充律师费发票"]  # type: ignore[attr-defined]
    # The clock stopped: the text says so, never "剩余 None 个工作日".
    state = selectors.sla_state(returned)
    assert state is not None and state.text == "退回修改中，重新提交后重新起算"


def test_entitlements_wait_for_the_organisation_then_the_city(personas, fixed_clock) -> None:
    reg.madrid(personas.org_a)
    reg.madrid(personas.org_b, number="1654322")
    run_detection(2024, actor=CLI)
    mine = Entitlement.objects.get(organisation=personas.org_a)
    assert list(selectors.entitlements_awaiting(personas.enterprise_a)) == [mine]
    assert [e.organisation for e in selectors.entitlements_awaiting(personas.enterprise_b)] == [
        personas.org_b
    ]
    for user in (personas.admin, personas.district_a, personas.liaison, personas.agency):
        assert list(selectors.entitlements_awaiting(user)) == []
    services.confirm_entitlement(mine, actor=web(personas.enterprise_a), accept=True)
    assert list(selectors.entitlements_awaiting(personas.enterprise_a)) == []
    assert list(selectors.entitlements_in_progress(personas.enterprise_a)) == [mine]
    assert list(selectors.entitlements_awaiting(personas.admin)) == [mine]


def test_a_budget_runs_low_when_at_most_a_tenth_is_left(personas, fixed_clock) -> None:
    facts = {
        "recognition_level": "provincial",
        "recognition_kind": "standardised_market",
        "newly_recognised": True,
    }
    set_budget("standardised_market", "100000")
    give_payee_accounts(personas.org_a)  # submitting needs the 一企一档's 收款账户
    app = to_publicity(
        personas, draft(personas, item="standardised_market", facts=facts), decided=Decimal("90000")
    )
    approve_after_publicity(personas, app, fixed_clock)
    year = fixed_clock.day.year
    # 10,000 of 100,000 left: exactly a tenth.
    assert [(line.item_code, line.remaining) for line in selectors.budgets_running_low(year)] == [
        ("standardised_market", Decimal("10000.00"))
    ]
    set_budget("standardised_market", "100001")  # 10,001 left of 100,001: more than a tenth
    assert selectors.budgets_running_low(year) == []
    assert selectors.budgets_running_low(year + 1) == []
