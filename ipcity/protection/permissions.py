"""Who may do what in IP protection (docs/protection.md), in one place; protection/workflows.py's
who-predicates are these.

Credit records: the city office records, publishes, ends and reviews them; the organisation's own
accounts object (异议) and ask for repair (信用修复). Complaints: an enterprise's (or agency's) account
files for its organisation as rights holder; the platform's accounts (role 电商平台, bound to the
platform's organisation) act on complaints against their platform; the city office oversees all and
flags malicious complaints.

维权援助 bodies and mediation bodies have no role of their own: their accounts are the accounts
(企业/高校用户 or 服务机构) of the registry organisation the body names (AidBody.organisation,
MediationBody.organisation). Such an account sees and acts on the requests routed to its body
(acceptance, outcome) and the mediation cases assigned to its body (agreement, failure, 司法确认,
closing), besides its own organisation's cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin, is_government_user
from ipcity.protection.models import member_organisation_id, organisation_account_id

if TYPE_CHECKING:
    from ipcity.protection.models import AidRequest, Complaint, CreditRecord, Dispute


def can_manage_credit(user: Any, obj: Any = None) -> bool:
    return is_city_admin(user)


def can_view_credit(user: Any) -> bool:
    """The credit-records pages (each row scoped by CreditRecord.objects.visible_to)."""
    return is_government_user(user) or member_organisation_id(user) is not None


def can_view_grades(user: Any) -> bool:
    """服务机构信用等级: the city office and the district bureaus (their region's agencies)."""
    return is_city_admin(user) or has_role(user, Role.DISTRICT_OFFICER)


def owns_credit_record(user: Any, record: CreditRecord) -> bool:
    return (has_role(user, Role.APPLICANT) or has_role(user, Role.AGENCY)) and (
        member_organisation_id(user) == record.organisation_id
    )


def can_file_complaint(user: Any) -> bool:
    """Rights holders: an enterprise's or an agency's account bound to its organisation."""
    return (has_role(user, Role.APPLICANT) or has_role(user, Role.AGENCY)) and (
        member_organisation_id(user) is not None
    )


def can_view_complaints(user: Any) -> bool:
    return (
        is_city_admin(user)
        or has_role(user, Role.DISTRICT_OFFICER)
        or can_file_complaint(user)
        or is_platform(user)
    )


def is_platform(user: Any) -> bool:
    return has_role(user, Role.PLATFORM) and member_organisation_id(user) is not None


def acts_for_platform(user: Any, complaint: Complaint) -> bool:
    return has_role(user, Role.PLATFORM) and member_organisation_id(user) == complaint.platform_id


def is_complainant(user: Any, complaint: Complaint) -> bool:
    return can_file_complaint(user) and member_organisation_id(user) == complaint.complainant_id


def platform_or_city(user: Any, complaint: Complaint) -> bool:
    return is_city_admin(user) or acts_for_platform(user, complaint)


def complainant_or_platform(user: Any, complaint: Complaint) -> bool:
    return is_complainant(user, complaint) or acts_for_platform(user, complaint)


def can_handle_disputes(user: Any) -> bool:
    """Register and handle disputes: the city office and the district bureaus (their district's)."""
    return is_city_admin(user) or (
        has_role(user, Role.DISTRICT_OFFICER) and getattr(user, "region_id", None) is not None
    )


def handles_dispute(user: Any, dispute: Dispute) -> bool:
    return is_city_admin(user) or (
        has_role(user, Role.DISTRICT_OFFICER) and user.region_id == dispute.region_id
    )


def can_view_disputes(user: Any) -> bool:
    return can_handle_disputes(user) or can_file_complaint(user)


def can_view_dispute_stats(user: Any) -> bool:
    """件数与办案周期 by district: government users (the plan's indicators)."""
    return is_government_user(user)


def owns_request(user: Any, obj: Any) -> bool:
    """An 维权援助 or 风险排查 request's own organisation (its requester)."""
    org_id = getattr(obj, "requester_id", None) or getattr(obj, "organisation_id", None)
    return can_file_complaint(user) and member_organisation_id(user) == org_id


def is_city_office(user: Any, obj: Any = None) -> bool:
    return is_city_admin(user)


def can_view_aid(user: Any) -> bool:
    """维权援助 pages: the city office, district bureaus (their region's requests), organisations."""
    return is_city_admin(user) or has_role(user, Role.DISTRICT_OFFICER) or can_file_complaint(user)


def is_claimant(user: Any, dispute: Dispute) -> bool:
    """The claimant organisation's accounts (who scores the handling)."""
    return (
        can_file_complaint(user)
        and dispute.claimant_id is not None
        and member_organisation_id(user) == dispute.claimant_id
    )


def acts_for_aid_body(user: Any, request: AidRequest) -> bool:
    """An account of the registry organisation of the body the request is routed to."""
    org_id = organisation_account_id(user)
    return org_id is not None and request.body is not None and request.body.organisation_id == org_id


def aid_body_or_city(user: Any, request: AidRequest) -> bool:
    return is_city_admin(user) or acts_for_aid_body(user, request)


def mediates(user: Any, dispute: Dispute) -> bool:
    """An account of the registry organisation of the mediation body the case is assigned to."""
    org_id = organisation_account_id(user)
    return org_id is not None and dispute.mediator is not None and dispute.mediator.organisation_id == org_id


def handles_or_mediates(user: Any, dispute: Dispute) -> bool:
    return handles_dispute(user, dispute) or mediates(user, dispute)
