"""permissions.allowed_actions is what the pages offer and what the services accept. Each workflow
status is reached with the real services; in it, for every persona, each action is tried through its
service (and undone): a listed action is accepted, any other refused. The detail page shows a form
for exactly the listed actions, and whoever cannot see the page has none."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse

from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.grants import clock, services
from ipcity.grants.choices import Action, ReviewDecision
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Application, Entitlement, Expert, Grant, Objection
from ipcity.grants.permissions import allowed_actions
from ipcity.grants.services import WorkflowError
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import CLI, Clock, after, draft, ensure_experts, pdf_upload, web
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

A = Action
PERSONAS = ("admin", "district_a", "district_b", "liaison", "enterprise_a", "enterprise_b", "agency")

# Who may do what in each status (the merit item of 测试甲公司, in 芝罘区 like district_a). A persona
# not named may do nothing; the command line may do everything the status allows.
APPLICATION_EXPECTED: dict[str, dict[str, set[Action]]] = {
    "草稿": {"enterprise_a": {A.EDIT, A.SUBMIT, A.WITHDRAW}},
    "已撤回": {},
    "待区市初审": {"enterprise_a": {A.WITHDRAW}, "district_a": {A.DISTRICT_REVIEW}},
    "退回修改": {"enterprise_a": {A.EDIT, A.SUBMIT, A.WITHDRAW}},
    "待市级审核": {"admin": {A.CITY_REVIEW}},
    "待市级审核（快申快享）": {"admin": {A.CITY_REVIEW}},
    "不予支持": {},
    "专家评审中": {"admin": {A.ASSIGN_EXPERTS, A.SCORE, A.CONCLUDE_EXPERT_REVIEW}, "expert": {A.SCORE}},
    "公示中": {"admin": {A.RECORD_OBJECTION, A.RESOLVE_OBJECTION}},
    "公示期满": {"admin": {A.RECORD_OBJECTION, A.RESOLVE_OBJECTION, A.APPROVE}},
    "已核定，待兑现": {"admin": {A.PAY}},
    "已兑现": {},
}
ENTITLEMENT_EXPECTED: dict[str, dict[str, set[Action]]] = {
    "待意愿确认": {"enterprise_a": {A.CONFIRM, A.DECLINE}, "admin": {A.CANCEL}},
    "已放弃": {},
    "已撤销": {},
    "已确认，待核定": {"admin": {A.APPROVE, A.CANCEL}},
    "已核定，待兑现": {"admin": {A.PAY}},
    "已兑现": {},
}


class _Undo(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint and undo what it wrote."""
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def attempt(call: Callable[[], Any]) -> str | None:
    """Call one service and undo it: None when it accepted, else its refusal."""
    try:
        with rolled_back():
            call()
    except WorkflowError as exc:
        return exc.message
    return None


@dataclass
class Walk:
    personas: Personas
    expert_user: Any  # has an expert record, assigned once the expert review starts
    own_expert: Expert
    spare_expert: Expert  # never assigned: what "assign experts" is tried with
    seen: dict[str, dict[str, set[Action]]]

    def users(self) -> dict[str, Any]:
        named = {name: getattr(self.personas, name) for name in PERSONAS}
        return {**named, "expert": self.expert_user}

    def check(self, state: str, obj: Application | Entitlement) -> None:
        """Every persona, every action: allowed_actions agrees with the service, and with the page."""
        obj.refresh_from_db()
        problems: list[str] = []
        seen: dict[str, set[Action]] = {}
        for name, user in [*self.users().items(), ("command line", None)]:
            actions = allowed_actions(obj, user)
            seen[name] = set(actions)
            actor = CLI if user is None else web(user)
            for action, label, call in self.calls(obj, user, actor):
                if call is None:  # nothing to act on (no grant yet, no expert assigned)
                    if action in actions:
                        problems.append(f"{state} {name}: {action} listed with nothing to act on")
                    continue
                refused = attempt(call)
                if action in actions and refused is not None:
                    problems.append(f"{state} {name}: {label} listed but refused: {refused}")
                if action not in actions and refused is None:
                    problems.append(f"{state} {name}: {label} not listed but accepted")
            if user is not None:
                problems += self.page_problems(state, name, user, obj, actions)
        assert not problems, "\n".join(problems)
        assert not allowed_actions(obj, AnonymousUser())
        cli = seen.pop("command line")
        assert cli == set().union(*seen.values()), f"{state}: the command line acts with every role"
        self.seen[state] = {name: actions for name, actions in seen.items() if actions}

    def calls(
        self, obj: Application | Entitlement, user: Any, actor: Actor
    ) -> list[tuple[Action, str, Callable[[], Any] | None]]:
        grant = _grant(obj)
        pay = (
            (lambda: services.record_payment(grant, actor=actor, paid_on=clock.today(), reference="P-1"))
            if grant is not None
            else None
        )
        if isinstance(obj, Entitlement):
            return [
                (A.CONFIRM, "confirm", lambda: services.confirm_entitlement(obj, actor=actor, accept=True)),
                (A.DECLINE, "decline", lambda: services.confirm_entitlement(obj, actor=actor, accept=False)),
                (A.APPROVE, "approve", lambda: services.approve_entitlement(obj, actor=actor)),
                (
                    A.CANCEL,
                    "cancel",
                    lambda: services.cancel_entitlement(obj, actor=actor, comment="登记数据有误"),
                ),
                (A.PAY, "pay", pay),
            ]
        app = obj
        assignments = list(app.assignments.select_related("expert"))
        own = next((a for a in assignments if user is not None and a.expert.user_id == user.pk), None)
        assignment = own or (assignments[0] if assignments else None)
        material = app.materials.first()
        assert material is not None
        today = clock.today()

        def resolve() -> None:
            objection = Objection.objects.create(
                application=app, received_on=today, submitter="甲", content="异议", recorded_by="测试"
            )
            services.resolve_objection(objection, actor=actor, upheld=False, resolution="经核实无误")

        return [
            (
                A.EDIT,
                "update",
                lambda: services.update_application(
                    app, actor=actor, decisive_date=app.decisive_date, facts=app.facts, right_id=app.right_id
                ),
            ),
            (
                A.EDIT,
                "add material",
                lambda: services.add_material(app, pdf_upload(), actor=actor, label="补充"),
            ),
            (A.EDIT, "remove material", lambda: services.remove_material(material, actor=actor)),
            (A.SUBMIT, "submit", lambda: services.submit_application(app, actor=actor)),
            (A.WITHDRAW, "withdraw", lambda: services.withdraw_application(app, actor=actor)),
            (
                A.DISTRICT_REVIEW,
                "district review",
                lambda: services.review_in_district(app, actor=actor, decision=ReviewDecision.PASS),
            ),
            (
                A.CITY_REVIEW,
                "city review",
                lambda: services.review_in_city(app, actor=actor, decision=ReviewDecision.PASS),
            ),
            (
                A.ASSIGN_EXPERTS,
                "assign experts",
                lambda: services.assign_experts(app, [self.spare_expert], actor=actor),
            ),
            (
                A.SCORE,
                "score",
                (lambda: services.record_score(assignment, actor=actor, score=Decimal("80")))
                if assignment is not None
                else None,
            ),
            (
                A.CONCLUDE_EXPERT_REVIEW,
                "conclude",
                lambda: services.conclude_expert_review(
                    app, actor=actor, decision=ReviewDecision.PASS, decided_amount=Decimal("150000")
                ),
            ),
            (
                A.RECORD_OBJECTION,
                "record objection",
                lambda: services.record_objection(
                    app, actor=actor, received_on=app.publicity_start or today, submitter="甲", content="异议"
                ),
            ),
            (A.RESOLVE_OBJECTION, "resolve objection", resolve),
            (A.APPROVE, "approve", lambda: services.approve_application(app, actor=actor)),
            (A.PAY, "pay", pay),
        ]

    def page_problems(
        self, state: str, name: str, user: Any, obj: Application | Entitlement, actions: frozenset[Action]
    ) -> list[str]:
        is_app = isinstance(obj, Application)
        url = reverse("grants:application" if is_app else "grants:entitlement", args=[obj.pk])
        response = self.personas.client(user).get(url)
        if response.status_code == 404:
            return [f"{state} {name}: cannot see the page but may {sorted(actions)}"] if actions else []
        assert response.status_code == 200
        page = response.content.decode()
        grant = _grant(obj)
        shown: dict[Action, bool]
        if is_app:
            shown = {
                A.EDIT: reverse("grants:material_add", args=[obj.pk]) in page
                and reverse("grants:application_edit", args=[obj.pk]) in page,
                A.SUBMIT: reverse("grants:submit", args=[obj.pk]) in page,
                A.WITHDRAW: reverse("grants:withdraw", args=[obj.pk]) in page,
                A.DISTRICT_REVIEW: reverse("grants:district_review", args=[obj.pk]) in page,
                A.CITY_REVIEW: reverse("grants:city_review", args=[obj.pk]) in page,
                A.ASSIGN_EXPERTS: reverse("grants:experts_assign", args=[obj.pk]) in page,
                A.SCORE: re.search(r"/grants/assignments/\d+/score/", page) is not None,
                A.CONCLUDE_EXPERT_REVIEW: reverse("grants:expert_conclude", args=[obj.pk]) in page,
                A.RECORD_OBJECTION: reverse("grants:objection_add", args=[obj.pk]) in page,
                # No open objection in this walk, so no form to resolve one; the button to approve
                # is on the page through the publicity and enabled once it is over.
                A.APPROVE: 'type="submit">核定</button>' in page,
            }
        else:
            shown = {
                A.CONFIRM: reverse("grants:entitlement_confirm", args=[obj.pk]) in page,
                A.APPROVE: reverse("grants:entitlement_approve", args=[obj.pk]) in page,
                A.CANCEL: reverse("grants:entitlement_cancel", args=[obj.pk]) in page,
            }
        shown[A.PAY] = grant is not None and reverse("grants:pay", args=[grant.pk]) in page
        return [
            f"{state} {name}: {action} {'shown' if visible else 'not shown'} on the page"
            for action, visible in shown.items()
            if visible != (action in actions)
        ]


def _grant(obj: Application | Entitlement) -> Grant | None:
    if isinstance(obj, Application):
        return Grant.objects.filter(application=obj).first()
    return Grant.objects.filter(entitlement=obj).first()


@pytest.fixture
def walk(personas: Personas, budgets: None) -> Walk:
    user, _ = upsert_user("t-expert", actor=CLI, role="applicant", password="x-long-password-1")
    own = services.upsert_expert(actor=CLI, name="张专家", affiliation="测试大学", user=user)
    *_, spare = ensure_experts(3)
    return Walk(personas, user, own, spare, {})


def test_application_actions_are_what_the_services_accept(
    walk: Walk, personas: Personas, fixed_clock: Clock
) -> None:
    admin, ent = web(personas.admin), web(personas.enterprise_a)
    app = draft(personas, item="city_advantage_enterprise", facts={})
    walk.check("草稿", app)
    with rolled_back():
        services.withdraw_application(app, actor=ent)
        walk.check("已撤回", app)
    services.submit_application(app, actor=ent)
    walk.check("待区市初审", app)
    with rolled_back():
        services.review_in_district(
            app, actor=web(personas.district_a), decision=ReviewDecision.RETURN, comment="补充材料"
        )
        walk.check("退回修改", app)
    services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    walk.check("待市级审核", app)
    with rolled_back():
        services.review_in_city(app, actor=admin, decision=ReviewDecision.REJECT, comment="不符合")
        walk.check("不予支持", app)
    services.review_in_city(app, actor=admin, decision=ReviewDecision.PASS)
    experts = [*ensure_experts(2), walk.own_expert]
    for assignment in services.assign_experts(app, experts, actor=admin):
        services.record_score(assignment, actor=admin, score=Decimal("85"))
    walk.check("专家评审中", app)
    services.conclude_expert_review(
        app, actor=admin, decision=ReviewDecision.PASS, decided_amount=Decimal("150000")
    )
    walk.check("公示中", app)
    app.refresh_from_db()
    fixed_clock.set(after(app.publicity_end, 1))
    walk.check("公示期满", app)
    grant = services.approve_application(app, actor=admin)
    walk.check("已核定，待兑现", app)
    services.record_payment(grant, actor=admin, paid_on=fixed_clock.day, reference="P-0")
    walk.check("已兑现", app)

    fast = draft(personas)
    services.submit_application(fast, actor=ent)
    services.review_in_district(fast, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    walk.check("待市级审核（快申快享）", fast)

    assert walk.seen == APPLICATION_EXPECTED


def test_entitlement_actions_are_what_the_services_accept(walk: Walk, personas: Personas) -> None:
    reg.madrid(personas.org_a)
    run_detection(2024, actor=CLI)
    ent, admin = Entitlement.objects.get(), web(personas.admin)
    walk.check("待意愿确认", ent)
    with rolled_back():
        services.confirm_entitlement(ent, actor=web(personas.enterprise_a), accept=False)
        walk.check("已放弃", ent)
    with rolled_back():
        services.cancel_entitlement(ent, actor=admin, comment="商标注册人有误")
        walk.check("已撤销", ent)
    services.confirm_entitlement(ent, actor=web(personas.enterprise_a), accept=True)
    walk.check("已确认，待核定", ent)
    grant = services.approve_entitlement(ent, actor=admin)
    walk.check("已核定，待兑现", ent)
    services.record_payment(grant, actor=admin, paid_on=clock.today(), reference="MS-0")
    walk.check("已兑现", ent)

    assert walk.seen == ENTITLEMENT_EXPECTED


def test_services_refuse_other_personas_with_a_reason(personas: Personas, budgets: None) -> None:
    """Services called directly (not through the pages' 403s) say who may not."""
    app = draft(personas)
    with pytest.raises(WorkflowError, match="无权提交申请"):
        services.submit_application(app, actor=web(personas.enterprise_b))
    services.submit_application(app, actor=web(personas.enterprise_a))
    with pytest.raises(WorkflowError, match="无权区市初审"):
        services.review_in_district(app, actor=web(personas.district_b), decision=ReviewDecision.PASS)
    with pytest.raises(WorkflowError, match="不在市级审核阶段"):
        services.review_in_city(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
