"""Who may do what in reward fulfilment (docs/grants.md §2–4). Views, querysets and services call
these; `allowed_actions` is the one place that decides which actions an application or entitlement
offers to a user in its current status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin, is_government_user
from ipcity.grants import clock
from ipcity.grants.choices import (
    EDITABLE_STATUSES,
    Action,
    ApplicationStatus,
    EntitlementStatus,
)

if TYPE_CHECKING:
    from ipcity.grants.models import Application, Entitlement, ExpertAssignment
    from ipcity.registry.models import Organisation


def member_organisation(user: Any) -> Organisation | None:
    """The organisation an applicant or agency account acts for, if any."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role not in {Role.APPLICANT, Role.AGENCY}:
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation if membership is not None else None


def can_apply(user: Any) -> bool:
    return member_organisation(user) is not None


def acts_for(user: Any, organisation_id: int) -> bool:
    org = member_organisation(user)
    return org is not None and org.pk == organisation_id


def can_edit_application(user: Any, app: Application) -> bool:
    return acts_for(user, app.organisation_id)


def can_review_in_district(user: Any, app: Application) -> bool:
    return (
        has_role(user, Role.DISTRICT_OFFICER)
        and user.region_id is not None
        and user.region_id == app.organisation.region_id
    )


def can_review_in_city(user: Any) -> bool:
    return is_city_admin(user)


def can_score(user: Any, assignment: ExpertAssignment) -> bool:
    """The assigned expert themself, or the city recording a score given on paper."""
    if is_city_admin(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and assignment.expert.user_id is not None
        and assignment.expert.user_id == user.pk
    )


def can_confirm_entitlement(user: Any, ent: Entitlement) -> bool:
    return acts_for(user, ent.organisation_id)


def can_manage_grants(user: Any) -> bool:
    """Budgets, entitlement runs, approvals and payments: the city office."""
    return is_city_admin(user)


def ledger_region_id(user: Any) -> int | None | Literal[False]:
    """Ledger scope: None = every region; an id = that region only; False = no access.

    The city office and partner departments (the finance bureau pays) see all; a district bureau
    sees its region's disbursements."""
    if is_city_admin(user):
        return None
    if not is_government_user(user):
        return False
    if user.role == Role.DISTRICT_OFFICER:
        return user.region_id if user.region_id else False
    return None


def can_view_ledger(user: Any) -> bool:
    return ledger_region_id(user) is not False


# ---------------------------------------------------------------- actions by status and role


def _city(user: Any, obj: Any) -> bool:
    return can_review_in_city(user)


def _city_money(user: Any, obj: Any) -> bool:
    return can_manage_grants(user)


def _city_or_assigned_expert(user: Any, app: Application) -> bool:
    """The city (scores given on paper) or an expert assigned to this application."""
    if can_review_in_city(user):
        return True
    expert = getattr(user, "expert", None)
    return expert is not None and app.assignments.filter(expert=expert).exists()


A, S, E = Action, ApplicationStatus, EntitlementStatus
Rule = tuple[set[str], Callable[[Any, Any], bool]]
# For each action: the statuses it is taken in, and who takes it (docs/grants.md §2, §3). A review
# acts only in its own stage; the transition dicts of choices.py alone would let a later stage's
# moves (return, reject) through from an earlier reviewer.
APPLICATION_RULES: dict[Action, Rule] = {
    A.EDIT: (set(EDITABLE_STATUSES), can_edit_application),  # facts, links and materials
    A.SUBMIT: ({S.DRAFT, S.RETURNED}, can_edit_application),
    A.WITHDRAW: ({S.DRAFT, S.RETURNED, S.SUBMITTED}, can_edit_application),
    A.DISTRICT_REVIEW: ({S.SUBMITTED}, can_review_in_district),
    A.CITY_REVIEW: ({S.CITY_REVIEW}, _city),
    A.ASSIGN_EXPERTS: ({S.EXPERT_REVIEW}, _city),
    A.SCORE: ({S.EXPERT_REVIEW}, _city_or_assigned_expert),
    A.CONCLUDE_EXPERT_REVIEW: ({S.EXPERT_REVIEW}, _city),
    A.RECORD_OBJECTION: ({S.PUBLICITY}, _city),
    A.RESOLVE_OBJECTION: ({S.PUBLICITY}, _city),
    A.APPROVE: ({S.PUBLICITY}, _city_money),  # once the publicity period is over
    A.PAY: ({S.APPROVED}, _city_money),
}
ENTITLEMENT_RULES: dict[Action, Rule] = {
    A.CONFIRM: ({E.PENDING}, can_confirm_entitlement),
    A.DECLINE: ({E.PENDING}, can_confirm_entitlement),
    A.APPROVE: ({E.CONFIRMED}, _city_money),
    A.CANCEL: ({E.PENDING, E.CONFIRMED}, _city_money),
    A.PAY: ({E.APPROVED}, _city_money),
}
# How a refusal by status ends: "<number> 当前状态为“<status>”，<…>" (default: 不能<action>).
_NOT_IN_STAGE = {
    A.DISTRICT_REVIEW: "不在区市初审阶段",
    A.CITY_REVIEW: "不在市级审核阶段",
    A.ASSIGN_EXPERTS: "不在专家评审阶段",
    A.SCORE: "不在专家评审阶段，不能评分",
    A.CONCLUDE_EXPERT_REVIEW: "不在专家评审阶段",
    A.RECORD_OBJECTION: "不在公示期，不能登记异议",
    A.RESOLVE_OBJECTION: "不在公示期，不能处理异议",
}


def _rules(obj: Application | Entitlement) -> dict[Action, Rule]:
    from ipcity.grants.models import Application

    return APPLICATION_RULES if isinstance(obj, Application) else ENTITLEMENT_RULES


def holds_role(user: Any, obj: Application | Entitlement, action: Action) -> bool:
    """Whether `user` is the one who takes `action` on `obj`, whatever its status (a view answers
    403 when not). `user=None` is the command line or the platform itself: every role."""
    rule = _rules(obj).get(action)
    return rule is not None and (user is None or rule[1](user, obj))


def _stage_refusal(obj: Application | Entitlement, action: Action, today: dt.date) -> str | None:
    rule = _rules(obj).get(action)
    if rule is not None and obj.status in rule[0]:
        if action == A.APPROVE and obj.status == S.PUBLICITY:
            end = getattr(obj, "publicity_end", None)
            if end is None or today <= end:
                return f"公示期至 {end.isoformat() if end else '—'}，期满后才能核定"
        return None
    ending = _NOT_IN_STAGE.get(action, f"不能{action.label}")
    return f"{obj.number} 当前状态为“{obj.get_status_display()}”，{ending}"


def refusal(
    obj: Application | Entitlement, user: Any, action: Action, *, today: dt.date | None = None
) -> str | None:
    """Why `user` may not take `action` on `obj` now (Chinese), or None when they may. The status
    is checked first, then the role. `user=None` is the command line or the platform itself, which
    acts with every role; the status still applies."""
    reason = _stage_refusal(obj, action, today or clock.today())
    if reason is None and not holds_role(user, obj, action):
        reason = f"无权{action.label}：{obj.number}"
    return reason


def allowed_actions(
    obj: Application | Entitlement, user: Any, *, today: dt.date | None = None
) -> frozenset[Action]:
    """The actions `user` may take on `obj` now: the pages show exactly these, and the services
    refuse every other (they call `refusal`). The services may still refuse a listed action for
    what the request carries: a missing reason or amount, no material, the facts no longer
    eligible, experts not yet all scored, an open objection, the budget or a cap."""
    today = today or clock.today()
    return frozenset(a for a in _rules(obj) if refusal(obj, user, a, today=today) is None)
