"""Who may do what in the support ecosystem (docs/support.md, docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin


def can_manage_experts(user: Any) -> bool:
    """The expert pool, relations and draws are the city office's (方案二(七)1)."""
    return is_city_admin(user)


def can_see_expert_contacts(user: Any) -> bool:
    """Phone and e-mail of experts: the city office only (a reviewer must not be lobbied)."""
    return is_city_admin(user)


def can_manage_trainings(user: Any) -> bool:
    """Registering trainings, their sign-in sheets, participants and certificates: the city office."""
    return is_city_admin(user)


def member_organisation_id(user: Any) -> int | None:
    """The organisation a service agency's account is bound to."""
    if not has_role(user, Role.AGENCY):
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation_id if membership is not None else None


def can_edit_agency(user: Any, organisation_id: int) -> bool:
    """An agency's profile and staff: its own accounts, or the city office."""
    return is_city_admin(user) or member_organisation_id(user) == organisation_id


def is_cluster_member(user: Any, membership: Any) -> bool:
    return member_organisation_id(user) == membership.organisation_id


def city_office(user: Any, obj: Any = None) -> bool:
    return is_city_admin(user)


def member_or_city(user: Any, membership: Any) -> bool:
    return is_city_admin(user) or is_cluster_member(user, membership)


def can_view_strong_enterprises(user: Any) -> bool:
    """贯标 and 优势企业 overview: the city office and the district bureaus (organisation data, scoped)."""
    return is_city_admin(user) or has_role(user, Role.DISTRICT_OFFICER)


def own_organisation_id(user: Any) -> int | None:
    """The organisation an enterprise's or an agency's account is bound to (a centre's 承建单位
    signs in with one of these)."""
    if not (has_role(user, Role.APPLICANT) or has_role(user, Role.AGENCY)):
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation_id if membership is not None else None


def can_manage_alliances(user: Any) -> bool:
    """Alliances, their recognitions and patent pools, the centres: the city office (方案二(五)2、3)."""
    return is_city_admin(user)


def is_centre_member(user: Any, assessment: Any) -> bool:
    own = own_organisation_id(user)
    return own is not None and own == assessment.centre.organisation_id


def centre_or_city(user: Any, assessment: Any) -> bool:
    """A centre reports and submits its own assessment; the city office may do it on its behalf."""
    return is_city_admin(user) or is_centre_member(user, assessment)


def can_view_ratings(user: Any) -> bool:
    """The quality ranking of all agencies: the city office."""
    return is_city_admin(user)


def can_view_rating_of(user: Any, organisation_id: int) -> bool:
    """An agency's own rating: the agency and the city office."""
    return is_city_admin(user) or member_organisation_id(user) == organisation_id


def can_manage_talents(user: Any) -> bool:
    """The talent pool is kept by the city office (方案二(七)2)."""
    return is_city_admin(user)


def can_see_talent_contacts(user: Any) -> bool:
    """A talent's phone and e-mail: the city office only."""
    return is_city_admin(user)


def can_manage_strong_enterprises(user: Any) -> bool:
    """Recognitions, the 市级优势企业 evaluation, 上市辅导站 and 专利密集型产品: the city office."""
    return is_city_admin(user)
