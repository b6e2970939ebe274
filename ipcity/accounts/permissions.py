"""Who may see and change what. One function per decision; views and querysets call these.

The matrix in docs/permissions.md is this module in words; tests check it view by view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ipcity.accounts.choices import Role

if TYPE_CHECKING:
    from ipcity.core.models import Department, Region


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_city_admin(user: Any) -> bool:
    return _active(user) and (user.role == Role.CITY_ADMIN or user.is_superuser)


def has_role(user: Any, role: str) -> bool:
    return _active(user) and user.role == role


def can_view_plan(user: Any) -> bool:
    # The plan is a published government document: everyone, signed in or not, may read it.
    return True


def can_view_audit_log(user: Any) -> bool:
    return is_city_admin(user)


def can_edit_department(user: Any, department: Department) -> bool:
    if is_city_admin(user):
        return True
    return has_role(user, Role.DEPT_LIAISON) and user.department_id == department.pk


def can_edit_region(user: Any, region: Region) -> bool:
    if is_city_admin(user):
        return True
    return has_role(user, Role.DISTRICT_OFFICER) and user.region_id == region.pk


def can_view_department_contacts(user: Any) -> bool:
    # Liaison phone numbers are for the people who work the plan, not the public.
    return _active(user) and user.role in {Role.CITY_ADMIN, Role.DEPT_LIAISON, Role.DISTRICT_OFFICER}


def is_government_user(user: Any) -> bool:
    """The city office, partner departments and district bureaus: the people who run the plan."""
    return _active(user) and (
        user.is_superuser or user.role in {Role.CITY_ADMIN, Role.DEPT_LIAISON, Role.DISTRICT_OFFICER}
    )


def can_view_indicators(user: Any) -> bool:
    return is_government_user(user)


def can_enter_indicator_data(user: Any) -> bool:
    return is_city_admin(user)
