"""Who is who in reward fulfilment (docs/grants.md §2–4): the roles the action tables of
grants/workflows.py name, and the scopes of the pages that are not workflows (apply, budgets,
ledger). Which action a user may take in which status is decided by those tables only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin, is_government_user

if TYPE_CHECKING:
    from ipcity.grants.models import Application, Entitlement, ExpertAssignment
    from ipcity.registry.models import Organisation


def can_view_grants(user: Any) -> bool:
    """The workbench (申请与审核, 免申即享): every signed-in account; what it lists, and which
    application or entitlement it opens, is scoped (`visible_to`)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


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


def is_assigned_expert(user: Any, app: Application) -> bool:
    expert = getattr(user, "expert", None)
    return expert is not None and app.assignments.filter(expert=expert).exists()


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
