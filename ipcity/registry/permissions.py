"""Who may change an organisation's 一企一档 details and who may read its payee account (docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin

# The department that pays the rewards (市财政局, data/reference/departments.yaml).
FINANCE_DEPARTMENT_CODE = "finance"


def acts_for_organisation(user: Any, organisation_id: int) -> bool:
    """An applicant or agency account bound to this organisation."""
    if not (has_role(user, Role.APPLICANT) or has_role(user, Role.AGENCY)):
        return False  # only accounts that act for an organisation (docs/permissions.md)
    membership = getattr(user, "membership", None)
    return membership is not None and membership.organisation_id == organisation_id


def can_edit_organisation(user: Any, org: Any) -> bool:
    """Contacts and payee account: the organisation's own accounts and the city office."""
    return is_city_admin(user) or acts_for_organisation(user, org.pk)


def is_finance_liaison(user: Any) -> bool:
    if not has_role(user, Role.DEPT_LIAISON) or user.department_id is None:
        return False
    return bool(user.department.code == FINANCE_DEPARTMENT_CODE)


def can_see_all_payee_accounts(user: Any) -> bool:
    """The city office and the finance bureau (which pays): every account number in full."""
    return is_city_admin(user) or is_finance_liaison(user)


def can_see_payee_account(user: Any, organisation_id: int) -> bool:
    """The whole account number: the organisation itself, the city office and the finance bureau.
    Everyone else who sees the organisation or the payment sees ****1234."""
    return can_see_all_payee_accounts(user) or acts_for_organisation(user, organisation_id)
