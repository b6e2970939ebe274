"""The action tables of grants/workflows.py are what the pages offer and what the services accept.
Each status is reached with the real services; in it, for every persona, each action is tried
through its service (and undone) and looked for on the page: a listed action is accepted and shown,
any other refused and not shown (ipcity/core/tests/workflow_walk.py)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.core.tests.workflow_walk import Try, WorkflowWalk, rolled_back
from ipcity.core.workflow import Refused
from ipcity.grants import clock, services
from ipcity.grants.choices import ReviewDecision
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Application, Entitlement, Expert, Grant, Objection
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import CLI, Clock, after, draft, ensure_experts, pdf_upload, web
from ipcity.grants.workflows import APPLICATION_WORKFLOW, ENTITLEMENT_WORKFLOW
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "district_a", "district_b", "liaison", "enterprise_a", "enterprise_b", "agency")

# Who may do what in each status (the merit item of 测试甲公司, in 芝罘区 like district_a). A persona
# not named may do nothing; the command line may do everything the status allows.
APPLICATION_EXPECTED: dict[str, dict[str, set[str]]] = {
    "草稿": {"enterprise_a": {"edit", "submit", "withdraw"}},
    "已撤回": {},
    "待区市初审": {"enterprise_a": {"withdraw"}, "district_a": {"district_review"}},
    "退回修改": {"enterprise_a": {"edit", "submit", "withdraw"}},
    "待市级审核": {"admin": {"city_review"}},
    "待市级审核（快申快享）": {"admin": {"city_review"}},
    "不予支持": {},
    "专家评审中": {"admin": {"assign_experts", "score", "conclude_expert_review"}, "expert": {"score"}},
    "公示中": {"admin": {"record_objection", "resolve_objection"}},
    "公示期满": {"admin": {"record_objection", "resolve_objection", "approve"}},
    "已核定，待兑现": {"admin": {"pay"}},
    "已兑现": {},
}
ENTITLEMENT_EXPECTED: dict[str, dict[str, set[str]]] = {
    "待意愿确认": {"enterprise_a": {"confirm"}, "admin": {"cancel"}},
    "已放弃": {},
    "已撤销": {},
    "已确认，待核定": {"admin": {"approve", "cancel"}},
    "已核定，待兑现": {"admin": {"pay"}},
    "已兑现": {},
}


class Walks:
    """The service calls and page controls of every grants action, for WorkflowWalk."""

    def __init__(
        self, personas: Personas, expert_user: Any, own_expert: Expert, spare_expert: Expert
    ) -> None:
        self.personas = personas
        self.expert_user = expert_user  # has an expert record, assigned once the expert review starts
        self.own_expert = own_expert
        self.spare_expert = spare_expert  # never assigned: what "assign experts" is tried with

    def users(self) -> dict[str, Any]:
        return {**{name: getattr(self.personas, name) for name in PERSONAS}, "expert": self.expert_user}

    def applications(self) -> WorkflowWalk[Application]:
        return WorkflowWalk(
            APPLICATION_WORKFLOW, self.users(), tries=self.application_tries, shown=self.shown, cli=CLI
        )

    def entitlements(self) -> WorkflowWalk[Entitlement]:
        return WorkflowWalk(
            ENTITLEMENT_WORKFLOW, self.users(), tries=self.entitlement_tries, shown=self.shown, cli=CLI
        )

    def _pay(self, obj: Application | Entitlement, actor: Actor) -> Try:
        grant = _grant(obj)
        call = (
            (lambda: services.record_payment(grant, actor=actor, paid_on=clock.today(), reference="P-1"))
            if grant is not None
            else None
        )
        return Try("pay", "pay", call)

    def entitlement_tries(self, ent: Entitlement, user: Any, actor: Actor) -> list[Try]:
        return [
            Try("confirm", "confirm", lambda: services.confirm_entitlement(ent, actor=actor, accept=True)),
            Try("confirm", "decline", lambda: services.confirm_entitlement(ent, actor=actor, accept=False)),
            Try("approve", "approve", lambda: services.approve_entitlement(ent, actor=actor)),
            Try(
                "cancel",
                "cancel",
                lambda: services.cancel_entitlement(ent, actor=actor, comment="登记数据有误"),
            ),
            self._pay(ent, actor),
        ]

    def application_tries(self, app: Application, user: Any, actor: Actor) -> list[Try]:
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
            Try(
                "edit",
                "update",
                lambda: services.update_application(
                    app, actor=actor, decisive_date=app.decisive_date, facts=app.facts, right_id=app.right_id
                ),
            ),
            Try(
                "edit",
                "add material",
                lambda: services.add_material(app, pdf_upload(), actor=actor, label="补充"),
            ),
            Try("edit", "remove material", lambda: services.remove_material(material, actor=actor)),
            Try("submit", "submit", lambda: services.submit_application(app, actor=actor)),
            Try("withdraw", "withdraw", lambda: services.withdraw_application(app, actor=actor)),
            Try(
                "district_review",
                "district review",
                lambda: services.review_in_district(app, actor=actor, decision=ReviewDecision.PASS),
            ),
            Try(
                "city_review",
                "city review",
                lambda: services.review_in_city(app, actor=actor, decision=ReviewDecision.PASS),
            ),
            Try(
                "assign_experts",
                "assign experts",
                lambda: services.assign_experts(app, [self.spare_expert], actor=actor),
            ),
            Try(
                "score",
                "score",
                (lambda: services.record_score(assignment, actor=actor, score=Decimal("80")))
                if assignment is not None
                else None,
            ),
            Try(
                "conclude_expert_review",
                "conclude",
                lambda: services.conclude_expert_review(
                    app, actor=actor, decision=ReviewDecision.PASS, decided_amount=Decimal("150000")
                ),
            ),
            Try(
                "record_objection",
                "record objection",
                lambda: services.record_objection(
                    app, actor=actor, received_on=app.publicity_start or today, submitter="甲", content="异议"
                ),
            ),
            Try("resolve_objection", "resolve objection", resolve),
            Try("approve", "approve", lambda: services.approve_application(app, actor=actor)),
            self._pay(app, actor),
        ]

    def shown(self, obj: Application | Entitlement, user: Any) -> dict[str, bool] | None:
        is_app = isinstance(obj, Application)
        url = reverse("grants:application" if is_app else "grants:entitlement", args=[obj.pk])
        objection: Objection | None = None
        with rolled_back():
            if isinstance(obj, Application):  # an open objection (undone after): its form may show
                objection = Objection.objects.create(
                    application=obj,
                    received_on=clock.today(),
                    submitter="乙",
                    content="异议",
                    recorded_by="测试",
                )
            response = self.personas.client(user).get(url)
        if response.status_code == 404:
            return None
        assert response.status_code == 200
        page = response.content.decode()
        grant = _grant(obj)
        shown: dict[str, bool]
        if is_app:
            shown = {
                "edit": reverse("grants:material_add", args=[obj.pk]) in page
                and reverse("grants:application_edit", args=[obj.pk]) in page,
                "submit": reverse("grants:submit", args=[obj.pk]) in page,
                "withdraw": reverse("grants:withdraw", args=[obj.pk]) in page,
                "district_review": reverse("grants:district_review", args=[obj.pk]) in page,
                "city_review": reverse("grants:city_review", args=[obj.pk]) in page,
                "assign_experts": reverse("grants:experts_assign", args=[obj.pk]) in page,
                "score": re.search(r"/grants/assignments/\d+/score/", page) is not None,
                "conclude_expert_review": reverse("grants:expert_conclude", args=[obj.pk]) in page,
                "record_objection": reverse("grants:objection_add", args=[obj.pk]) in page,
                "resolve_objection": objection is not None
                and reverse("grants:objection_resolve", args=[objection.pk]) in page,
                # The button to approve is on the page through the publicity, enabled once it is over.
                "approve": 'type="submit">核定</button>' in page,
            }
        else:
            shown = {
                "confirm": reverse("grants:entitlement_confirm", args=[obj.pk]) in page,
                "approve": reverse("grants:entitlement_approve", args=[obj.pk]) in page,
                "cancel": reverse("grants:entitlement_cancel", args=[obj.pk]) in page,
            }
        shown["pay"] = grant is not None and reverse("grants:pay", args=[grant.pk]) in page
        return shown


def _grant(obj: Application | Entitlement) -> Grant | None:
    if isinstance(obj, Application):
        return Grant.objects.filter(application=obj).first()
    return Grant.objects.filter(entitlement=obj).first()


@pytest.fixture
def walks(personas: Personas, budgets: None) -> Walks:
    user, _ = upsert_user("t-expert", actor=CLI, role="applicant", password="x-long-password-1")
    own = services.upsert_expert(actor=CLI, name="张专家", affiliation="测试大学", user=user)
    *_, spare = ensure_experts(3)
    return Walks(personas, user, own, spare)


def test_application_actions_are_what_the_services_accept(
    walks: Walks, personas: Personas, fixed_clock: Clock
) -> None:
    walk = walks.applications()
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
    experts = [*ensure_experts(2), walks.own_expert]
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
    walk.assert_every_status_walked()


def test_entitlement_actions_are_what_the_services_accept(walks: Walks, personas: Personas) -> None:
    walk = walks.entitlements()
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
    walk.assert_every_status_walked()


def test_services_refuse_other_personas_with_a_reason(personas: Personas, budgets: None) -> None:
    """Services called directly (not through the pages' 403s) say who may not."""
    app = draft(personas)
    with pytest.raises(Refused, match="无权提交申请"):
        services.submit_application(app, actor=web(personas.enterprise_b))
    services.submit_application(app, actor=web(personas.enterprise_a))
    with pytest.raises(Refused, match="无权区市初审"):
        services.review_in_district(app, actor=web(personas.district_b), decision=ReviewDecision.PASS)
    with pytest.raises(Refused, match="不在市级审核阶段"):
        services.review_in_city(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
