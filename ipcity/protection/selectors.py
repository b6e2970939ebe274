"""Reads of IP protection: user-scoped lists for the pages, the credit check other apps call
(grants, before a reward payment), the public credit list, the agency credit grades, and the facts
about complaints handling per platform and overdue steps for the 工作台."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin
from ipcity.core.models import Region
from ipcity.core.workdays import WorkdayCalendarError, working_days_between
from ipcity.protection.choices import (
    AidStatus,
    ComplaintStatus,
    CreditKind,
    DisputeKind,
    OverseasOutcome,
    RiskCheckStatus,
)
from ipcity.protection.config import Grading, grading, step_deadline
from ipcity.protection.models import (
    OPEN_COMPLAINT,
    OPEN_MEDIATION,
    AidBody,
    AidRequest,
    Complaint,
    CreditRecord,
    Dispute,
    OverseasDispute,
    RiskAlert,
    RiskCheck,
    RiskSubscription,
    member_organisation_id,
    organisation_account_id,
)
from ipcity.protection.permissions import can_file_complaint, is_platform
from ipcity.registry.choices import OrganisationKind
from ipcity.registry.models import Organisation, Patent

# ------------------------------------------------------------------------------------ credit


def blocking_credit_records(organisation: Organisation | int, on: dt.date) -> list[CreditRecord]:
    """The credit check before a reward payment (grants): the organisation's serious-dishonesty
    records in force on `on` (not ended, repaired or revoked)."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return list(
        CreditRecord.objects.blocking_on(on).filter(organisation_id=org_id).select_related("organisation")
    )


def is_blacklisted(organisation: Organisation | int, on: dt.date) -> bool:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return CreditRecord.objects.blocking_on(on).filter(organisation_id=org_id).exists()


def credit_records_of(user: Any, organisation: Organisation) -> list[CreditRecord]:
    """An organisation's records as `user` may see them (the 一企一档)."""
    return list(CreditRecord.objects.visible_to(user).filter(organisation=organisation))


def credit_list(user: Any, filters: dict[str, Any]) -> QuerySet[CreditRecord]:
    rows = CreditRecord.objects.visible_to(user).select_related("organisation", "organisation__region")
    if filters.get("q"):
        rows = rows.filter(Q(organisation__name__icontains=filters["q"]) | Q(source__icontains=filters["q"]))
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    return rows


def public_credit_list(on: dt.date, q: str = "") -> QuerySet[CreditRecord]:
    """The public credit list: records marked for publication and in force on `on`."""
    rows = CreditRecord.objects.published_on(on).select_related("organisation")
    if q:
        rows = rows.filter(organisation__name__icontains=q)
    return rows.order_by("organisation__name", "-start")


@dataclass(frozen=True)
class AgencyGrade:
    organisation: Organisation
    score: int
    grade: str
    deductions: list[tuple[CreditRecord, int]]


def agency_grades(on: dt.date, *, region_id: int | None = None) -> tuple[list[AgencyGrade], Grading]:
    """Every service agency's credit grade on `on`: 100 points (the parameter's base) less the
    deduction of each record in force on `on` by its kind (data/protection/credit-grading.yaml),
    floored at 0; the score's band gives A+/A/B/C/D."""
    params = grading(on)
    agencies = Organisation.objects.filter(kind=OrganisationKind.SERVICE_AGENCY).order_by("name")
    if region_id is not None:
        agencies = agencies.filter(region_id=region_id)
    records: dict[int, list[CreditRecord]] = {}
    for record in CreditRecord.objects.active_on(on).filter(organisation__in=agencies).order_by("start"):
        records.setdefault(record.organisation_id, []).append(record)
    out = []
    for agency in agencies:
        taken = [(r, params.deductions[r.kind]) for r in records.get(agency.pk, [])]
        score = max(0, params.base - sum(points for _r, points in taken))
        out.append(AgencyGrade(agency, score, params.grade(score), taken))
    return out, params


KIND_ORDER = [CreditKind.SERIOUS, CreditKind.GENERAL, CreditKind.ABNORMAL, CreditKind.OTHER]

# ------------------------------------------------------------------------------------ complaints


def complaint_list(user: Any, filters: dict[str, Any]) -> QuerySet[Complaint]:
    rows = Complaint.objects.visible_to(user).select_related("complainant", "platform")
    if filters.get("q"):
        q = filters["q"]
        rows = rows.filter(
            Q(shop__icontains=q) | Q(complainant__name__icontains=q) | Q(right_number__icontains=q)
        )
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("platform"):
        rows = rows.filter(platform_id=filters["platform"])
    return rows


def overdue_complaints(user: Any, today: dt.date) -> QuerySet[Complaint]:
    """Open complaints whose current step is past its deadline, as `user` may see them (the city
    office, a district bureau, the platform concerned)."""
    return (
        Complaint.objects.visible_to(user)
        .filter(status__in=OPEN_COMPLAINT, due_on__lt=today)
        .select_related("complainant", "platform")
        .order_by("due_on", "id")
    )


def complaints_to_handle(user: Any) -> QuerySet[Complaint]:
    """A platform's account: the complaints against its platform that wait for its step."""
    if not is_platform(user):
        return Complaint.objects.none()
    return (
        Complaint.objects.visible_to(user)
        .filter(status__in=OPEN_COMPLAINT)
        .select_related("complainant", "platform")
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class PlatformFacts:
    """How a platform handled its complaints in a year (facts for the 规范化电商平台 reward item)."""

    platform: Organisation
    year: int
    received: int
    acted: int  # measures taken or rejected
    on_time: int  # acted within the platform_measures time limit
    median_working_days: float | None  # filing → measures (or rejection)
    malicious: int
    satisfaction: float | None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.acted if self.acted else None


def platform_handling_facts(year: int, *, platform_id: int | None = None) -> list[PlatformFacts]:
    rows = (
        Complaint.objects.filter(filed_on__year=year)
        .select_related("platform")
        .order_by("platform__name", "id")
    )
    if platform_id is not None:
        rows = rows.filter(platform_id=platform_id)
    by_platform: dict[int, list[Complaint]] = {}
    for complaint in rows:
        by_platform.setdefault(complaint.platform_id, []).append(complaint)
    out = []
    for complaints in by_platform.values():
        days: list[int] = []
        on_time = 0
        for c in complaints:
            acted_on = c.measures_on or (c.closed_on if c.rejected_reason else None)
            if acted_on is None:
                continue
            try:
                days.append(working_days_between(c.filed_on, acted_on))
            except WorkdayCalendarError:
                days.append((acted_on - c.filed_on).days)
            deadline = step_deadline("platform_measures", c.filed_on)
            if deadline is not None and acted_on <= deadline:
                on_time += 1
        scores = [c.satisfaction for c in complaints if c.satisfaction is not None]
        out.append(
            PlatformFacts(
                platform=complaints[0].platform,
                year=year,
                received=len(complaints),
                acted=len(days),
                on_time=on_time,
                median_working_days=statistics.median(days) if days else None,
                malicious=sum(1 for c in complaints if c.malicious),
                satisfaction=round(statistics.mean(scores), 2) if scores else None,
            )
        )
    return out


def complaints_awaiting_rights_holder(user: Any, today: dt.date) -> QuerySet[Complaint]:
    """A rights holder's complaints in the statutory waiting period: the merchant has declared
    non-infringement; the measures end unless it complains to an authority or sues in time."""
    if not can_file_complaint(user):
        return Complaint.objects.none()
    return (
        Complaint.objects.visible_to(user)
        .filter(status=ComplaintStatus.COUNTER, wait_until__gte=today)
        .select_related("complainant", "platform")
        .order_by("wait_until", "id")
    )


# ------------------------------------------------------------------------------------ disputes


def dispute_list(user: Any, filters: dict[str, Any]) -> QuerySet[Dispute]:
    rows = Dispute.objects.visible_to(user).select_related("region", "claimant", "respondent")
    if filters.get("q"):
        q = filters["q"]
        rows = rows.filter(
            Q(claimant_name__icontains=q) | Q(respondent_name__icontains=q) | Q(summary__icontains=q)
        )
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    return rows


def mediations_for_body(user: Any) -> QuerySet[Dispute]:
    """A mediation body's accounts (its registry organisation's): the open mediation cases assigned
    to the body (agreement, 司法确认, closing wait for it)."""
    org_id = organisation_account_id(user)
    if org_id is None:
        return Dispute.objects.none()
    return (
        Dispute.objects.filter(
            kind=DisputeKind.MEDIATION, mediator__organisation_id=org_id, status__in=OPEN_MEDIATION
        )
        .select_related("region", "mediator")
        .order_by(F("due_on").asc(nulls_last=True), "filed_on", "id")
    )


def overdue_mediations(user: Any, today: dt.date) -> QuerySet[Dispute]:
    """Open mediations past their time limit, as `user` may see them."""
    return (
        Dispute.objects.visible_to(user)
        .filter(status__in=OPEN_MEDIATION, due_on__lt=today)
        .select_related("region", "mediator")
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class Stage:
    label: str
    on: dt.date
    days: int | None  # days since the previous stage (自然日); None for the first
    by: str
    note: str


def dispute_stages(dispute: Dispute) -> list[Stage]:
    """Each stage the case entered, with the days it took since the stage before (cycle time per
    stage)."""
    out: list[Stage] = []
    previous: dt.date | None = None
    for step in dispute.steps.all():
        out.append(
            Stage(step.label, step.on, (step.on - previous).days if previous else None, step.by, step.note)
        )
        previous = step.on
    return out


@dataclass(frozen=True)
class DistrictDisputes:
    """A district's cases filed in a year: how many, how many ended, the median days to end."""

    region: Region
    year: int
    filed: int
    ended: int
    median_cycle_days: float | None


def district_dispute_stats(year: int, *, kind: str | None = None) -> list[DistrictDisputes]:
    """Per district (the region that handles the case), the cases filed in `year` and the median
    cycle time (filing → closing, rejection or failed mediation, in calendar days) of those already
    ended: what the indicators and reports read (件数、办案周期). One query."""
    rows = Dispute.objects.filter(filed_on__year=year).select_related("region").order_by("region__code", "id")
    if kind:
        rows = rows.filter(kind=kind)
    by_region: dict[int, list[Dispute]] = {}
    for dispute in rows:
        by_region.setdefault(dispute.region_id, []).append(dispute)
    out = []
    for disputes in by_region.values():
        cycles = [d.cycle_days for d in disputes if d.cycle_days is not None]
        out.append(
            DistrictDisputes(
                region=disputes[0].region,
                year=year,
                filed=len(disputes),
                ended=len(cycles),
                median_cycle_days=statistics.median(cycles) if cycles else None,
            )
        )
    return out


def dispute_count(year: int, region_id: int | None = None, *, kind: str | None = None) -> int:
    """The number of cases filed in `year` in a district (None: the whole city)."""
    rows = Dispute.objects.filter(filed_on__year=year)
    if region_id is not None:
        rows = rows.filter(region_id=region_id)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.count()


# ------------------------------------------------------------------------------------ 维权援助


def aid_request_list(user: Any) -> QuerySet[AidRequest]:
    return AidRequest.objects.visible_to(user).select_related("requester", "body")


def aid_requests_to_route(user: Any) -> QuerySet[AidRequest]:
    """The city office: requests waiting to be routed to a body (or declined)."""
    if not is_city_admin(user):
        return AidRequest.objects.none()
    return (
        AidRequest.objects.filter(status=AidStatus.SUBMITTED)
        .select_related("requester", "requester__region", "body")
        .order_by("submitted_on", "id")
    )


def risk_checks_to_answer(user: Any) -> QuerySet[RiskCheck]:
    """The city office (the guidance centre): 风险排查 requests waiting for an answer."""
    if not is_city_admin(user):
        return RiskCheck.objects.none()
    return (
        RiskCheck.objects.filter(status=RiskCheckStatus.SUBMITTED)
        .select_related("organisation", "organisation__region")
        .order_by("event_on", "submitted_on", "id")
    )


def aid_requests_for_body(user: Any) -> QuerySet[AidRequest]:
    """An aid body's accounts (its registry organisation's): the requests routed to the body that
    wait for its acceptance or its result."""
    org_id = organisation_account_id(user)
    if org_id is None:
        return AidRequest.objects.none()
    return (
        AidRequest.objects.filter(
            body__organisation_id=org_id, status__in=[AidStatus.ROUTED, AidStatus.ACCEPTED]
        )
        .select_related("requester", "requester__region", "body")
        .order_by(F("due_on").asc(nulls_last=True), "submitted_on", "id")
    )


def body_tasks_count(user: Any) -> int:
    """The desk badge's share of an aid body's or a mediation body's accounts: the requests and the
    mediations waiting for the body, in one query (none for an account of no organisation)."""
    org_id = organisation_account_id(user)
    if org_id is None:
        return 0
    waiting_mediations = (
        Dispute.objects.filter(
            kind=DisputeKind.MEDIATION, mediator__organisation_id=org_id, status__in=OPEN_MEDIATION
        )
        .order_by()
        .values("pk")
    )
    found = (
        AidRequest.objects.filter(
            body__organisation_id=org_id, status__in=[AidStatus.ROUTED, AidStatus.ACCEPTED]
        )
        .order_by()
        .values("pk")
        .union(waiting_mediations, all=True)
    )
    return found.count()


def overdue_aid_requests(user: Any, today: dt.date) -> QuerySet[AidRequest]:
    """Routed requests not accepted within the time limit, as `user` may see them (the city office,
    a district bureau, the body)."""
    return (
        AidRequest.objects.visible_to(user)
        .filter(status=AidStatus.ROUTED, due_on__lt=today)
        .select_related("requester", "requester__region", "body")
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class AidBodyFacts:
    """A 维权援助 body's cases closed in a year: the 公益维权 reward item (二(一)3) reads the
    successful cases of 较大影响力."""

    body: AidBody
    year: int
    closed: int
    successful: int
    influential: list[AidRequest]


def aid_body_facts(year: int) -> list[AidBodyFacts]:
    rows = (
        AidRequest.objects.filter(closed_on__year=year, body__isnull=False, status=AidStatus.CLOSED)
        .select_related("body", "requester")
        .order_by("body__name", "id")
    )
    by_body: dict[int, list[AidRequest]] = {}
    for request in rows:
        assert request.body_id is not None
        by_body.setdefault(request.body_id, []).append(request)
    out = []
    for requests in by_body.values():
        body = requests[0].body
        assert body is not None
        out.append(
            AidBodyFacts(
                body=body,
                year=year,
                closed=len(requests),
                successful=sum(1 for r in requests if r.successful),
                influential=[r for r in requests if r.successful and r.influential],
            )
        )
    return out


def influential_aid_cases(
    organisation: Organisation | int, since: dt.date, until: dt.date
) -> list[AidRequest]:
    """The 公益维权 reward item's facts (二(一)3) for one organisation: the 维权援助 requests closed
    between `since` and `until` by the aid bodies it is (AidBody.organisation), successful and found
    by the city office to be of 较大影响力."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return list(
        AidRequest.objects.filter(
            body__organisation_id=org_id,
            status=AidStatus.CLOSED,
            successful=True,
            influential=True,
            closed_on__range=(since, until),
        )
        .select_related("body", "requester")
        .order_by("-closed_on", "-id")
    )


# ------------------------------------------------------------------------------------ overseas risk


def ipc_prefixes(organisation: Organisation) -> set[str]:
    """The subclasses (H01M) of the organisation's patents' main IPC codes."""
    codes = (
        Patent.objects.filter(holders__organisation=organisation)
        .exclude(main_ipc="")
        .values_list("main_ipc", flat=True)
    )
    return {code.replace(" ", "")[:4].upper() for code in codes if len(code.replace(" ", "")) >= 4}


def alerts_for(organisation: Organisation) -> QuerySet[RiskAlert]:
    """The alerts matching any of the organisation's subscriptions: every condition a subscription
    names must match — the alert's industry, its country, or its IPC class against the subclasses
    of the organisation's own patents (an alert for H01 reaches a holder of H01M patents)."""
    matches = Q(pk__in=[])
    prefixes: set[str] | None = None
    for sub in organisation.risk_subscriptions.all():
        condition = Q()
        if sub.industry:
            condition &= Q(industry=sub.industry)
        if sub.country:
            condition &= Q(country__icontains=sub.country)
        if sub.own_patents:
            if prefixes is None:
                prefixes = ipc_prefixes(organisation)
            by_ipc = Q(pk__in=[])
            for prefix in prefixes:
                by_ipc |= Q(ipc__startswith=prefix) | Q(ipc=prefix[:3]) | Q(ipc=prefix[:1])
            condition &= by_ipc
        matches |= condition
    return RiskAlert.objects.filter(matches).order_by("-published_on", "-id")


def _matches(sub: RiskSubscription, alert: RiskAlert, prefixes: set[str]) -> bool:
    """The rule of `alerts_for`, for one subscription and one alert."""
    if sub.industry and alert.industry != sub.industry:
        return False
    if sub.country and sub.country.lower() not in alert.country.lower():
        return False
    if sub.own_patents:
        ipc = alert.ipc
        return bool(ipc) and any(ipc.startswith(p) or ipc in (p[:3], p[:1]) for p in prefixes)
    return True


def subscribers_of(alert: RiskAlert) -> list[Organisation]:
    """The organisations one of whose subscriptions the alert matches (told when it is published):
    the same rule as `alerts_for`, read the other way."""
    found: dict[int, Organisation] = {}
    prefixes: dict[int, set[str]] = {}
    for sub in RiskSubscription.objects.select_related("organisation").order_by("organisation_id", "id"):
        if sub.organisation_id in found:
            continue
        if sub.own_patents and sub.organisation_id not in prefixes:
            prefixes[sub.organisation_id] = ipc_prefixes(sub.organisation)
        if _matches(sub, alert, prefixes.get(sub.organisation_id, set())):
            found[sub.organisation_id] = sub.organisation
    return list(found.values())


def risk_check_list(user: Any) -> QuerySet[RiskCheck]:
    return RiskCheck.objects.visible_to(user).select_related("organisation")


def overseas_dispute_list(user: Any) -> QuerySet[OverseasDispute]:
    """City admins: all; district bureaus: their region's organisations'; an organisation: its own."""
    rows = OverseasDispute.objects.select_related("organisation")
    if is_city_admin(user):
        return rows
    if has_role(user, Role.DISTRICT_OFFICER) and user.region_id:
        return rows.filter(organisation__region_id=user.region_id)
    org_id = member_organisation_id(user)
    if can_file_complaint(user) and org_id is not None:
        return rows.filter(organisation_id=org_id)
    return rows.none()


def overseas_litigation_facts(organisation: Organisation | int, year: int) -> list[OverseasDispute]:
    """The organisation's overseas disputes that ended in `year` with a result other than a loss
    (胜诉 or 和解): facts for the 涉外诉讼 subsidy."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return list(
        OverseasDispute.objects.filter(
            organisation_id=org_id,
            ended_on__year=year,
            outcome__in=[OverseasOutcome.WON, OverseasOutcome.SETTLED],
        ).order_by("ended_on")
    )


def overseas_outcomes(
    organisation: Organisation | int, since: dt.date, until: dt.date
) -> list[OverseasDispute]:
    """The organisation's overseas disputes that ended between `since` and `until` with a result
    (胜诉, 和解 or 败诉): the 涉外诉讼 subsidy reads the won ones; the others say why not."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return list(
        OverseasDispute.objects.filter(organisation_id=org_id, ended_on__range=(since, until))
        .exclude(outcome=OverseasOutcome.PENDING)
        .order_by("-ended_on", "-id")
    )


@dataclass(frozen=True)
class SatisfactionRow:
    service: str
    region: str
    scored: int
    mean: float


def satisfaction_report(year: int) -> list[SatisfactionRow]:
    """办结满意度 (goal 1) by service and district: the scores given on complaints (the rights
    holder's district), disputes (the handling district) and 维权援助 (the requester's district)
    closed in `year`."""
    sources: list[tuple[str, Any, str, str]] = [
        (
            "电商投诉",
            Complaint.objects.filter(closed_on__year=year),
            "complainant__region__name",
            "satisfaction",
        ),
        ("行政裁决与调解", Dispute.objects.filter(closed_on__year=year), "region__name", "satisfaction"),
        (
            "维权援助",
            AidRequest.objects.filter(closed_on__year=year),
            "requester__region__name",
            "satisfaction",
        ),
    ]
    out = []
    for service, rows, region, score in sources:
        grouped_rows = (
            rows.filter(**{f"{score}__isnull": False})
            .order_by()
            .values(region)
            .annotate(n=Count("id"), mean=Avg(score))
            .order_by(region)
        )
        for row in grouped_rows:
            out.append(
                SatisfactionRow(service, row[region] or "未登记区市", row["n"], round(float(row["mean"]), 2))
            )
    return out
