"""The walks of grants/workflows.py (ipcity/core/tests/walk.py): an application (the merit item of
测试甲公司, in 芝罘区 like district_a) and a 免申即享 entitlement in each status, reached with the real
services on a fixed date. Each action is tried through its service calls and its page's POST; the
page offers an action by its form's address."""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.urls import reverse

from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.core.tests.walk import Try, Walk, rolled_back, take, walk_for
from ipcity.grants import clock, services
from ipcity.grants.choices import ReviewDecision
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Application, Entitlement, Grant, Objection
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import (
    CLI,
    EXPERT_FIELD,
    TODAY,
    add_expert,
    after,
    draft,
    ensure_experts,
    give_payee_accounts,
    pdf_upload,
    set_budget,
    web,
)
from ipcity.grants.workflows import APPLICATION_WORKFLOW, ENTITLEMENT_WORKFLOW
from ipcity.test import Personas

PASS = ReviewDecision.PASS

# Who may do what in each state. A persona not named may do nothing; the command line may do
# everything the status allows.
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


def _grant(obj: Application | Entitlement) -> Grant | None:
    if isinstance(obj, Application):
        return Grant.objects.filter(application=obj).first()
    return Grant.objects.filter(entitlement=obj).first()


def _objection(app: Application, submitter: str = "甲") -> Objection:
    return Objection.objects.create(
        application=app, received_on=clock.today(), submitter=submitter, content="异议", recorded_by="测试"
    )


def _pay(obj: Application | Entitlement, actor: Actor) -> Try:
    """Nothing to pay before there is a grant."""
    grant = _grant(obj)
    if grant is None:
        return Try("pay")
    return Try(
        "pay",
        lambda o: services.record_payment(grant, actor=actor, paid_on=clock.today(), reference="P-1"),
        lambda c: c.post(
            reverse("grants:pay", args=[grant.pk]), {"paid_on": clock.today(), "reference": "P-1"}
        ),
    )


def _shown(obj: Application | Entitlement, client: Any) -> set[str]:
    """The actions whose form the page offers (an open objection is added for the page, and undone,
    so that the form to resolve one may show)."""
    is_app = isinstance(obj, Application)
    url = reverse("grants:application" if is_app else "grants:entitlement", args=[obj.pk])
    objection: Objection | None = None
    with rolled_back():
        if isinstance(obj, Application):
            objection = _objection(obj, submitter="乙")
        response = client.get(url)
    if response.status_code != 200:
        return set()
    page = response.content.decode()
    grant = _grant(obj)

    def has(name: str, *args: Any) -> bool:
        return reverse(f"grants:{name}", args=args or [obj.pk]) in page

    if is_app:
        shown = {
            "edit": has("material_add") and has("application_edit"),
            "submit": has("submit"),
            "withdraw": has("withdraw"),
            "district_review": has("district_review"),
            "city_review": has("city_review"),
            "assign_experts": has("experts_assign"),
            "score": re.search(r"/grants/assignments/\d+/score/", page) is not None,
            "conclude_expert_review": has("expert_conclude"),
            "record_objection": has("objection_add"),
            "resolve_objection": objection is not None and has("objection_resolve", objection.pk),
            # The button to approve is on the page through the publicity, enabled once it is over.
            "approve": 'type="submit">核定</button>' in page,
        }
    else:
        shown = {
            "confirm": has("entitlement_confirm"),
            "approve": has("entitlement_approve"),
            "cancel": has("entitlement_cancel"),
        }
    shown["pay"] = grant is not None and has("pay", grant.pk)
    return {action for action, offered in shown.items() if offered}


@walk_for(Application)
def application_walk(personas: Personas, tmp_path: Path) -> Walk[Application]:
    for item in ("city_advantage_enterprise", "foreign_litigation"):
        set_budget(item, "10000000")
    give_payee_accounts(personas.org_a)  # paying needs the 一企一档's 收款账户
    expert_user, _ = upsert_user("t-expert", actor=CLI, role="applicant", password="x-long-password-1")
    add_expert("张专家", user=expert_user)
    # The spare is never drawn in the states (named to avoid there): what "assign experts" then draws.
    *_, spare_expert = ensure_experts(3)
    admin, ent, district = web(personas.admin), web(personas.enterprise_a), web(personas.district_a)

    def states() -> Generator[tuple[str, Application], None, None]:
        with clock.frozen(TODAY):
            app = draft(personas, item="city_advantage_enterprise", facts={})
            yield "草稿", app
            with rolled_back():
                services.withdraw_application(app, actor=ent)
                yield "已撤回", app
            services.submit_application(app, actor=ent)
            yield "待区市初审", app
            with rolled_back():
                services.review_in_district(
                    app, actor=district, decision=ReviewDecision.RETURN, comment="补充"
                )
                yield "退回修改", app
            services.review_in_district(app, actor=district, decision=ReviewDecision.PASS)
            yield "待市级审核", app
            with rolled_back():
                services.review_in_city(app, actor=admin, decision=ReviewDecision.REJECT, comment="不符合")
                yield "不予支持", app
            services.review_in_city(app, actor=admin, decision=ReviewDecision.PASS)
            drawn = services.assign_experts(
                app, actor=admin, field=EXPERT_FIELD, count=3, named_avoid=[spare_expert]
            )
            for assignment in drawn:
                services.record_score(assignment, actor=admin, score=Decimal("85"))
            yield "专家评审中", app
            services.conclude_expert_review(
                app, actor=admin, decision=ReviewDecision.PASS, decided_amount=Decimal("150000")
            )
            yield "公示中", app
            app.refresh_from_db()
            clock.set_today(after(app.publicity_end, 1))
            yield "公示期满", app
            grant = services.approve_application(app, actor=admin)
            yield "已核定，待兑现", app
            services.record_payment(grant, actor=admin, paid_on=clock.today(), reference="P-0")
            yield "已兑现", app
            fast = draft(personas)
            services.submit_application(fast, actor=ent)
            services.review_in_district(fast, actor=district, decision=ReviewDecision.PASS)
            yield "待市级审核（快申快享）", fast

    def tries(app: Application, actor: Actor) -> list[Try]:
        user = actor.user
        assignments = list(app.assignments.select_related("expert"))
        own = next((a for a in assignments if user is not None and a.expert.user_id == user.pk), None)
        assignment = own or (assignments[0] if assignments else None)
        material = app.materials.first()  # removed as a fresh copy each try (delete() clears the pk)
        assert material is not None
        objection = {
            "received_on": app.publicity_start or clock.today(),
            "submitter": "甲",
            "content": "异议",
        }

        def url(name: str, *args: Any) -> str:
            return reverse(f"grants:{name}", args=args or [app.pk])

        def review(action: str, service: Callable[..., Any]) -> Try:
            return take(action, service, url(action), {"decision": PASS}, actor=actor, decision=PASS)

        def resolve(app: Application) -> None:
            services.resolve_objection(_objection(app), actor=actor, upheld=False, resolution="经核实无误")

        return [
            Try(
                "edit",
                lambda app: services.update_application(
                    app, actor=actor, decisive_date=app.decisive_date, facts=app.facts, right_id=app.right_id
                ),
                label="update",
            ),
            Try(
                "edit",
                lambda app: services.add_material(app, pdf_upload(), actor=actor, label="补充"),
                lambda c: c.post(
                    url("material_add"), {"label": "__other__", "other": "补充", "file": pdf_upload()}
                ),
                label="add material",
            ),
            Try(
                "edit",
                lambda app: services.remove_material(app.materials.get(pk=material.pk), actor=actor),
                lambda c: c.post(url("material_remove", app.pk, material.pk)),
                label="remove material",
            ),
            take("submit", services.submit_application, url("submit"), actor=actor),
            take("withdraw", services.withdraw_application, url("withdraw"), actor=actor),
            review("district_review", services.review_in_district),
            review("city_review", services.review_in_city),
            Try(
                "assign_experts",
                lambda app: services.assign_experts(app, actor=actor, field=EXPERT_FIELD, count=1),
                lambda c: c.post(url("experts_assign"), {"field": EXPERT_FIELD, "count": "1"}),
            ),
            Try(
                "score",
                lambda app: services.record_score(assignment, actor=actor, score=Decimal("80")),
                lambda c: c.post(url("score", assignment.pk), {"score": "80"}),
            )
            if assignment is not None
            else Try("score"),
            take(
                "conclude_expert_review",
                services.conclude_expert_review,
                url("expert_conclude"),
                {"decision": PASS, "decided_amount": "150000"},
                actor=actor,
                decision=PASS,
                decided_amount=Decimal("150000"),
            ),
            take(
                "record_objection",
                services.record_objection,
                url("objection_add"),
                objection,
                actor=actor,
                **objection,
            ),
            Try(
                "resolve_objection",
                resolve,
                lambda c: c.post(
                    url("objection_resolve", _objection(app).pk),
                    {"upheld": "false", "resolution": "经核实无误"},
                ),
            ),
            take("approve", services.approve_application, url("approve"), actor=actor),
            _pay(app, actor),
        ]

    return Walk(
        APPLICATION_WORKFLOW,
        states(),
        tries,
        _shown,
        APPLICATION_EXPECTED,
        users={"expert": expert_user},
        cli=CLI,
    )


@walk_for(Entitlement)
def entitlement_walk(personas: Personas, tmp_path: Path) -> Walk[Entitlement]:
    set_budget("madrid_trademark", "10000000")
    give_payee_accounts(personas.org_a)
    admin, ent = web(personas.admin), web(personas.enterprise_a)

    def states() -> Generator[tuple[str, Entitlement], None, None]:
        with clock.frozen(TODAY):
            reg.madrid(personas.org_a)
            run_detection(2024, actor=CLI)
            entitlement = Entitlement.objects.get()
            yield "待意愿确认", entitlement
            with rolled_back():
                services.confirm_entitlement(entitlement, actor=ent, accept=False)
                yield "已放弃", entitlement
            with rolled_back():
                services.cancel_entitlement(entitlement, actor=admin, comment="商标注册人有误")
                yield "已撤销", entitlement
            services.confirm_entitlement(entitlement, actor=ent, accept=True)
            yield "已确认，待核定", entitlement
            grant = services.approve_entitlement(entitlement, actor=admin)
            yield "已核定，待兑现", entitlement
            services.record_payment(grant, actor=admin, paid_on=clock.today(), reference="MS-0")
            yield "已兑现", entitlement

    def tries(e: Entitlement, actor: Actor) -> list[Try]:
        def url(name: str) -> str:
            return reverse(f"grants:entitlement_{name}", args=[e.pk])

        return [
            Try(
                "confirm", lambda e: services.confirm_entitlement(e, actor=actor, accept=True), label="accept"
            ),
            Try(
                "confirm",
                lambda e: services.confirm_entitlement(e, actor=actor, accept=False),
                lambda c: c.post(url("confirm"), {"accept": "false"}),
                label="decline",
            ),
            take("approve", services.approve_entitlement, url("approve"), actor=actor),
            take(
                "cancel",
                services.cancel_entitlement,
                url("cancel"),
                {"comment": "有误"},
                actor=actor,
                comment="有误",
            ),
            _pay(e, actor),
        ]

    return Walk(ENTITLEMENT_WORKFLOW, states(), tries, _shown, ENTITLEMENT_EXPECTED, cli=CLI)
