"""The two action tables of reward fulfilment (docs/grants.md §2, §3), on core.workflow: for each
action of an application or an entitlement, the statuses it is taken in, where it leads (per
decision for a review), who takes it and what it needs. The pages show `allowed_actions`, the
services call `require` and `move`, and nothing else decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ipcity.core.audit import Actor
from ipcity.core.workflow import Action, Outcome, Workflow
from ipcity.grants import clock
from ipcity.grants.choices import ApplicationStatus, EntitlementStatus
from ipcity.grants.materials import submit_refusal
from ipcity.grants.models import Application, Entitlement, WorkflowStep
from ipcity.grants.permissions import (
    can_confirm_entitlement,
    can_edit_application,
    can_manage_grants,
    can_review_in_city,
    can_review_in_district,
    is_assigned_expert,
)
from ipcity.registry.models import Organisation

S, E = ApplicationStatus, EntitlementStatus


def _city(user: Any, obj: Any) -> bool:
    return can_review_in_city(user)


def _city_money(user: Any, obj: Any) -> bool:
    return can_manage_grants(user)


def _city_or_assigned_expert(user: Any, app: Application) -> bool:
    """The city (scores given on paper) or an expert assigned to this application."""
    return can_review_in_city(user) or is_assigned_expert(user, app)


def _publicity_over(app: Application, today: dt.date) -> str | None:
    end = app.publicity_end
    if end is None or today <= end:
        return f"公示期至 {end.isoformat() if end else '—'}，期满后才能核定"
    return None


def payee_refusal(org: Organisation) -> str | None:
    """Why the organisation cannot be paid yet: no 收款账户 on file in its 一企一档 (the payment
    copies it)."""
    if org.has_payee_account:
        return None
    return f"{org.name}尚未在一企一档登记收款账户（户名、开户行、账号），不能登记兑现"


def _payee_on_file(obj: Application | Entitlement, today: dt.date) -> str | None:
    return payee_refusal(obj.organisation)


def _record_step(
    obj: Application | Entitlement, action: Action, old: str, new: str, actor: Actor, inputs: dict[str, Any]
) -> None:
    """The history the applicant and the reviewers read: one row per change of status."""
    if old == new:
        return
    WorkflowStep.objects.create(
        application=obj if isinstance(obj, Application) else None,
        entitlement=obj if isinstance(obj, Entitlement) else None,
        from_status=old,
        to_status=new,
        actor=actor.user,
        actor_label=actor.label,
        on=clock.today(),
        comment=inputs.get("comment", ""),
    )


# 退回修改 and 不予支持 need a reason: the applicant is told it.
RETURN = Outcome(S.RETURNED, requires=("comment",), label="退回修改")
REJECT = Outcome(S.REJECTED, requires=("comment",), label="不予支持")

APPLICATION_WORKFLOW: Workflow[Application] = Workflow(
    Application,
    [
        # Facts, links and materials; the status stays.
        Action("edit", "修改申请和材料", frozenset({S.DRAFT, S.RETURNED}), can_edit_application),
        # Not while a material the item names is missing (grants/materials.py): the page says which.
        Action(
            "submit",
            "提交申请",
            frozenset({S.DRAFT, S.RETURNED}),
            can_edit_application,
            to=S.SUBMITTED,
            when=submit_refusal,
        ),
        Action(
            "withdraw",
            "撤回申请",
            frozenset({S.DRAFT, S.RETURNED, S.SUBMITTED}),
            can_edit_application,
            to=S.WITHDRAWN,
        ),
        Action(
            "district_review",
            "区市初审",
            frozenset({S.SUBMITTED}),
            can_review_in_district,
            decisions={"pass": Outcome(S.CITY_REVIEW, label="通过"), "return": RETURN, "reject": REJECT},
            not_in_stage="不在区市初审阶段",
        ),
        # 通过 leads to expert review for a 择优 item (the service names that outcome "experts"),
        # else straight to publicity.
        Action(
            "city_review",
            "市级审核",
            frozenset({S.CITY_REVIEW}),
            _city,
            decisions={
                "pass": Outcome(S.PUBLICITY, label="通过"),
                "experts": Outcome(S.EXPERT_REVIEW, label="转专家评审"),
                "return": RETURN,
                "reject": REJECT,
            },
            not_in_stage="不在市级审核阶段",
        ),
        Action(
            "assign_experts",
            "指派评审专家",
            frozenset({S.EXPERT_REVIEW}),
            _city,
            not_in_stage="不在专家评审阶段",
        ),
        Action(
            "score",
            "评分",
            frozenset({S.EXPERT_REVIEW}),
            _city_or_assigned_expert,
            not_in_stage="不在专家评审阶段，不能评分",
        ),
        Action(
            "conclude_expert_review",
            "给出专家评审结论",
            frozenset({S.EXPERT_REVIEW}),
            _city,
            decisions={"pass": Outcome(S.PUBLICITY, label="通过"), "reject": REJECT},
            not_in_stage="不在专家评审阶段",
        ),
        Action(
            "record_objection",
            "登记公示异议",
            frozenset({S.PUBLICITY}),
            _city,
            not_in_stage="不在公示期，不能登记异议",
        ),
        # An upheld objection ends the application; a dismissed one lets the publicity run on.
        Action(
            "resolve_objection",
            "处理公示异议",
            frozenset({S.PUBLICITY}),
            _city,
            decisions={
                "dismiss": Outcome("", label="异议不成立"),
                "uphold": Outcome(S.REJECTED, label="异议成立"),
            },
            requires=("comment",),
            not_in_stage="不在公示期，不能处理异议",
        ),
        Action("approve", "核定", frozenset({S.PUBLICITY}), _city_money, to=S.APPROVED, when=_publicity_over),
        Action("pay", "登记兑现", frozenset({S.APPROVED}), _city_money, to=S.PAID, when=_payee_on_file),
    ],
    audit_prefix="grant_application",
    number=lambda app: app.number,
    record_step=_record_step,
    today=clock.today,
)

ENTITLEMENT_WORKFLOW: Workflow[Entitlement] = Workflow(
    Entitlement,
    [
        # 意愿确认: the organisation accepts (correcting what the registry could only estimate) or
        # declines.
        Action(
            "confirm",
            "确认申领意愿",
            frozenset({E.PENDING}),
            can_confirm_entitlement,
            decisions={
                "accept": Outcome(E.CONFIRMED, label="确认申领"),
                "decline": Outcome(E.DECLINED, label="放弃申领"),
            },
        ),
        Action("approve", "核定", frozenset({E.CONFIRMED}), _city_money, to=E.APPROVED),
        Action(
            "cancel",
            "撤销",
            frozenset({E.PENDING, E.CONFIRMED}),
            _city_money,
            to=E.CANCELLED,
            requires=("comment",),
        ),
        Action("pay", "登记兑现", frozenset({E.APPROVED}), _city_money, to=E.PAID, when=_payee_on_file),
    ],
    audit_prefix="grant_entitlement",
    number=lambda ent: ent.number,
    record_step=_record_step,
    today=clock.today,
)
