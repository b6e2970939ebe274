"""Reads of the support pages, scoped to the user (docs/support.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from ipcity.registry.choices import CertificateVersion, OrganisationTagKind
from ipcity.registry.models import (
    GBT29490_2013_LAST_DAY,
    ManagementCertificate,
    Organisation,
    OrganisationTag,
)
from ipcity.support.models import (
    AgencyProfile,
    AgencyRating,
    CentreAssessment,
    ClusterMembership,
    ClusterReport,
    Expert,
    ExpertDraw,
    IndustryAlliance,
    OperationCentre,
    TrainingActivity,
)


def expert_list(user: Any, filters: dict[str, Any]) -> QuerySet[Expert]:
    qs = Expert.objects.visible_to(user).select_related("employer")
    if q := filters.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(employer_name__icontains=q) | Q(speciality__icontains=q))
    if field := filters.get("field"):
        qs = qs.filter(field=field)
    return qs.order_by("field", "name", "id")


def draw_list() -> QuerySet[ExpertDraw]:
    """Every draw (the city office's page)."""
    return ExpertDraw.objects.select_related("applicant", "replaces__expert").prefetch_related(
        "picks__expert"
    )


def training_list(filters: dict[str, Any]) -> QuerySet[TrainingActivity]:
    """Trainings are public (title, organiser, dates, place, person-times); participants are not."""
    qs = TrainingActivity.objects.select_related("region").annotate(signin_count=Count("signins"))
    if q := filters.get("q"):
        qs = qs.filter(Q(title__icontains=q) | Q(organiser__icontains=q) | Q(place__icontains=q))
    if year := filters.get("year"):
        qs = qs.filter(start_date__year=year)
    return qs.order_by("-start_date", "-id")


def agency_list(filters: dict[str, Any]) -> QuerySet[AgencyProfile]:
    """The public directory of service agencies."""
    qs = AgencyProfile.objects.select_related("organisation", "organisation__region").prefetch_related(
        "districts"
    )
    if q := filters.get("q"):
        qs = qs.filter(
            Q(organisation__name__icontains=q) | Q(services__icontains=q) | Q(qualifications__icontains=q)
        )
    if kind := filters.get("kind"):
        ids = [p.pk for p in AgencyProfile.objects.only("pk", "kinds") if kind in (p.kinds or [])]
        qs = qs.filter(pk__in=ids)
    if region := filters.get("region"):
        qs = qs.filter(districts=region)
    return qs.annotate(staff_count=Count("staff", distinct=True)).order_by("organisation__name")


@dataclass(frozen=True)
class ClusterMonitor:
    """The 集聚区 dynamic monitoring report of one year (docs/support.md)."""

    year: int
    months: list[tuple[int, int, int]]  # (month, admitted, left)
    admitted: int
    left: int
    resident_at_end: int
    revenue: Decimal | None
    revenue_previous: Decimal | None
    growth: Decimal | None  # percent, same agencies reporting both years
    reported: int


def cluster_monitor(year: int) -> ClusterMonitor:
    stays: list[tuple[dt.date, dt.date | None]] = [
        (admitted, ended)
        for admitted, ended in ClusterMembership.objects.exclude(admitted_on__isnull=True).values_list(
            "admitted_on", "ended_on"
        )
        if admitted is not None
    ]
    months = []
    for month in range(1, 13):
        admitted = sum(1 for a, _e in stays if (a.year, a.month) == (year, month))
        left = sum(1 for _a, e in stays if e is not None and (e.year, e.month) == (year, month))
        months.append((month, admitted, left))
    end = dt.date(year, 12, 31)
    resident = sum(1 for a, e in stays if a <= end and (e is None or e > end))
    reports = dict(
        ((r["membership_id"], r["year"]), r["revenue"])
        for r in ClusterReport.objects.filter(year__in=[year, year - 1]).values(
            "membership_id", "year", "revenue"
        )
    )
    this = {m: v for (m, y), v in reports.items() if y == year}
    both = [m for m in this if (m, year - 1) in reports]
    revenue = sum(this.values(), Decimal(0)) if this else None
    now = sum((this[m] for m in both), Decimal(0))
    before = sum((reports[(m, year - 1)] for m in both), Decimal(0))
    growth = ((now / before - 1) * 100).quantize(Decimal("0.1")) if both and before > 0 else None
    return ClusterMonitor(
        year=year,
        months=months,
        admitted=sum(m[1] for m in months),
        left=sum(m[2] for m in months),
        resident_at_end=resident,
        revenue=revenue,
        revenue_previous=before if both else None,
        growth=growth,
        reported=len(this),
    )


def certificate_state(cert: ManagementCertificate, on: dt.date) -> str:
    """有效 / 已失效 (2013 version after the version's last day, whatever its own term) / 无效."""
    if cert.is_effective(on):
        return "有效"
    if cert.version == CertificateVersion.V2013 and on > GBT29490_2013_LAST_DAY:
        return f"已失效（2013 版证书 {GBT29490_2013_LAST_DAY:%Y-%m-%d} 后不再有效，不再计入贯标主体）"
    return "无效"


def certificate_rows(
    user: Any, on: dt.date, *, lapsed_only: bool = False
) -> list[tuple[ManagementCertificate, str]]:
    """The registry's GB/T 29490 certificates of the organisations the user may see, with their state."""
    certs = ManagementCertificate.objects.filter(
        organisation__in=Organisation.objects.visible_to(user)
    ).select_related("organisation", "organisation__region")
    rows = [(c, certificate_state(c, on)) for c in certs.order_by("organisation__name", "-issued_on")]
    if lapsed_only:
        rows = [(c, s) for c, s in rows if s.startswith("已失效")]
    return rows


def advantage_by_year(user: Any) -> list[tuple[int, int, int | None]]:
    """市级知识产权优势企业 recognised per year (registry tags), for the ≤20-a-year check: (year, count,
    cap). The cap is the reward catalogue's yearly quota (方案二(四)1) in force at the year's end;
    None for a year before it."""
    from ipcity.core.workflow import Refused
    from ipcity.support.services_strong import city_advantage_quota

    def cap(year: int) -> int | None:
        try:
            return city_advantage_quota(dt.date(year, 12, 31)).value
        except Refused:
            return None

    counts = (
        OrganisationTag.objects.filter(
            tag=OrganisationTagKind.IP_ADVANTAGE_CITY, organisation__in=Organisation.objects.visible_to(user)
        )
        .values("year")
        .annotate(n=Count("organisation", distinct=True))
        .order_by("year")
    )
    return [(row["year"], row["n"], cap(row["year"])) for row in counts]


# ------------------------------------------------------------------------------------------ 联盟


def alliance_list(filters: dict[str, Any]) -> QuerySet[IndustryAlliance]:
    """The public directory of alliances (no contacts): industry, lead, members, recognitions, pools."""
    qs = IndustryAlliance.objects.select_related("lead", "organisation").prefetch_related(
        "recognitions", "pools"
    )
    if q := filters.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(lead__name__icontains=q) | Q(description__icontains=q))
    if industry := filters.get("industry"):
        qs = qs.filter(industry=industry)
    return qs.annotate(member_count=Count("members", distinct=True)).order_by("industry", "name")


# ------------------------------------------------------------------------------------------ 运营中心


def centre_list() -> QuerySet[OperationCentre]:
    """The public list of the centres (the latest confirmed result is read by `latest_results`)."""
    return OperationCentre.objects.select_related("organisation").order_by("industry")


def latest_results(centres: list[OperationCentre]) -> dict[int, CentreAssessment]:
    """Each centre's latest confirmed assessment (one query)."""
    out: dict[int, CentreAssessment] = {}
    for a in CentreAssessment.objects.filter(centre__in=centres, status="confirmed").order_by(
        "centre_id", "-year"
    ):
        out.setdefault(a.centre_id, a)
    return out


def assessment_list(user: Any, year: int | None = None) -> QuerySet[CentreAssessment]:
    qs = CentreAssessment.objects.visible_to(user).select_related("centre", "centre__organisation")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "centre__industry")


def _wan(amount: Decimal) -> Decimal:
    return (amount / Decimal(10000)).quantize(Decimal("0.01"))


def centre_data(
    centre: OperationCentre, year: int, table: Any
) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    """The assessment's indicators computed from the platform's data (None: cannot be computed for
    this centre — the centre reports it), with a note on each saying where it came from:

    - patents_granted: registry patents granted in the year, attributed to a Yantai district, with
      an IPC code in the registry scope of the centre's industry (the table's `scopes`);
    - deals / deal_amount: the market's confirmed deals of the year in which the centre's
      organisation took part (market.selectors.confirmed_deals_of);
    - trainings: trainings registered on the platform in the year whose organiser is the centre or
      its organisation."""
    from ipcity.lib.text import name_key
    from ipcity.market.selectors import confirmed_deals_of
    from ipcity.registry.industries import scopes
    from ipcity.registry.models import Patent, PatentIPC

    values: dict[str, Decimal | None] = {}
    notes: dict[str, str] = {}
    codes = {i.code for i in table.indicators if i.source == "data"}
    if "patents_granted" in codes:
        scope = scopes().get(table.scopes.get(centre.industry, ""))
        if scope is None:
            values["patents_granted"] = None
            notes["patents_granted"] = "平台没有该产业的专利检索范围，由运营中心填报"
        else:
            count = (
                Patent.objects.filter(grant_date__year=year, region__isnull=False)
                .filter(pk__in=PatentIPC.objects.filter(scope.ipc_condition()).values("patent_id"))
                .count()
            )
            values["patents_granted"] = Decimal(count)
            notes["patents_granted"] = f"登记数据：{scope.name}（{scope.ipc_label}）{year} 年本市授权"
    if codes & {"deals", "deal_amount"}:
        tally = confirmed_deals_of(centre.organisation_id, year)
        values["deals"] = Decimal(tally.count)
        values["deal_amount"] = _wan(tally.amount)
        notes["deals"] = notes["deal_amount"] = (
            f"技术市场：{centre.organisation.name}参与的 {year} 年确认成交"
        )
    if "trainings" in codes:
        keys = {name_key(centre.name), name_key(centre.organisation.name)}
        organisers = TrainingActivity.objects.filter(start_date__year=year).values_list(
            "organiser", flat=True
        )
        values["trainings"] = Decimal(sum(1 for o in organisers if name_key(o) in keys))
        notes["trainings"] = f"培训活动：主办单位为运营中心或{centre.organisation.name}的 {year} 年培训"
    return {k: v for k, v in values.items() if k in codes}, notes


# ------------------------------------------------------------------------------------------ 质量评级


def agency_rating_values(
    year: int, table: Any
) -> list[tuple[AgencyProfile, dict[str, Decimal | None], dict[str, str]]]:
    """What each agency's quality rating is computed from (docs/support.md §质量评级): its directory
    profile and staff, its 集聚区 monitoring report of the year, and its credit score on 31 December
    (protection.selectors.agency_grades, when protection is installed)."""
    profiles = list(
        AgencyProfile.objects.select_related("organisation")
        .prefetch_related("districts")
        .annotate(licensed=Count("staff", filter=~Q(staff__licence_number=""), distinct=True))
        .order_by("organisation__name")
    )
    reports = {
        r.membership.organisation_id: r
        for r in ClusterReport.objects.filter(year=year).select_related("membership")
    }
    credit: dict[int, int] = {}
    credit_note = ""
    try:
        from ipcity.protection.selectors import agency_grades
    except ImportError:  # protection not installed: the credit part scores 0 and says why
        credit_note = "未接入信用评价，计 0 分"
    else:
        grades, _params = agency_grades(dt.date(year, 12, 31))
        credit = {g.organisation.pk: g.score for g in grades}
    out: list[tuple[AgencyProfile, dict[str, Decimal | None], dict[str, str]]] = []
    for p in profiles:
        report = reports.get(p.organisation_id)
        complete = sum(1 for text in (p.qualifications, p.services, p.phone) if text.strip())
        values: dict[str, Decimal | None] = {
            "profile_complete": Decimal(complete),
            "licensed_staff": Decimal(getattr(p, "licensed", 0)),
            "revenue": _wan(report.revenue) if report else None,
            "clients": Decimal(report.clients) if report else None,
            "service_kinds": Decimal(len(p.kind_labels)),
            "districts": Decimal(len(p.districts.all())),
            "credit_score": Decimal(credit[p.organisation_id]) if p.organisation_id in credit else None,
        }
        notes = {}
        if report is None:
            notes["revenue"] = notes["clients"] = f"无 {year} 年集聚区监测报送，计 0 分"
        if values["credit_score"] is None:
            notes["credit_score"] = credit_note or "无信用评价结果，计 0 分"
        out.append((p, {i.code: values.get(i.code) for i in table.indicators}, notes))
    return out


def rating_list(year: int) -> QuerySet[AgencyRating]:
    return AgencyRating.objects.filter(year=year).select_related("profile__organisation").order_by("rank")


def rating_years() -> list[int]:
    return list(AgencyRating.objects.order_by("-year").values_list("year", flat=True).distinct())


# ------------------------------------------------------------------------------------------ 奖补事实


def _whole(score: Decimal) -> int:
    return int(score.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reward_facts(organisation: Organisation, on: dt.date) -> dict[str, dict[str, Any]]:
    """Facts of the reward items that support's records answer, by item code (grants reads them,
    grants.public.profile_facts, as it reads the registry's licences):

    - industry_alliance (二(五)2): the organisation applies for an alliance (its registry record,
      else its lead) recognised as 省级重点产业知识产权联盟 on or before `on`;
    - operation_centre (二(五)3): the organisation runs a centre: its industry and the latest
      confirmed 绩效考评 (year, score, grade) confirmed on or before `on`;
    - service_agency_quality (二(六)3): the agency's latest quality rating up to `on`'s year
      (rank, score, grade)."""
    from ipcity.support.choices import AllianceRecognitionLevel

    found: dict[str, dict[str, Any]] = {}
    alliances = IndustryAlliance.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True, lead=organisation),
        recognitions__level=AllianceRecognitionLevel.PROVINCIAL_KEY,
        recognitions__recognised_on__lte=on,
    )
    if alliances.exists():
        found["industry_alliance"] = {"provincial_recognition": True}
    centre = OperationCentre.objects.filter(organisation=organisation).order_by("industry").first()
    if centre is not None:
        facts: dict[str, Any] = {"industry": centre.industry}
        result = (
            CentreAssessment.objects.filter(centre=centre, status="confirmed", confirmed_on__lte=on)
            .order_by("-year")
            .first()
        )
        if result is not None and result.score is not None:
            facts.update(
                assessment_year=result.year,
                assessment_score=_whole(result.score),
                assessment_grade=result.grade,
            )
        found["operation_centre"] = facts
    rating = (
        AgencyRating.objects.filter(profile__organisation=organisation, year__lte=on.year)
        .order_by("-year")
        .first()
    )
    if rating is not None:
        found["service_agency_quality"] = {
            "rating_year": rating.year,
            "rating_rank": rating.rank,
            "rating_score": _whole(rating.score),
            "rating_grade": rating.grade,
        }
    return found


# ------------------------------------------------------------------------------------------ 人才库


@dataclass
class TalentPatent:
    patent: Any  # registry.Patent (application number, title, type, filing date)
    first_inventor: bool
    high_value: bool
    awards: list[str]

    @property
    def flagged(self) -> bool:
        """主要发明人 of a high-value or an awarded patent (方案二(七)2)."""
        return self.first_inventor and (self.high_value or bool(self.awards))


def talent_list(user: Any, filters: dict[str, Any]) -> QuerySet[Any]:
    from ipcity.support.models import Talent

    qs = Talent.objects.visible_to(user).select_related("employer")
    if q := filters.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(employer__name__icontains=q) | Q(title__icontains=q))
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if field := filters.get("field"):
        qs = qs.filter(field=field)
    if year := filters.get("year"):
        qs = qs.filter(recognised_year=year)
    return qs.order_by("kind", "name", "id")


def talent_patents(talents: list[Any], on: dt.date) -> dict[int, list[TalentPatent]]:
    """Each talent's patents in the registry: patents their employer holds (any position) that name
    them among the inventors (matched by name, spaces ignored). 主要发明人 = the first-named
    inventor; high-value = `indicators.registry_measures.high_value_queryset` on `on` (the
    indicator's own rule); awarded = a 专利奖 of the registry. A fixed number of queries."""
    from ipcity.indicators.registry_measures import high_value_queryset
    from ipcity.registry.models import Award, Patent, PatentHolder

    def key(name: str) -> str:
        return "".join(str(name).split())

    employers = {t.employer_id for t in talents}
    if not employers:
        return {}
    held: dict[int, set[int]] = {}
    for patent_id, org_id in PatentHolder.objects.filter(organisation_id__in=employers).values_list(
        "patent_id", "organisation_id"
    ):
        held.setdefault(patent_id, set()).add(org_id)
    by_person: dict[tuple[int, str], list[tuple[int, bool]]] = {}
    wanted = {(t.employer_id, key(t.name)) for t in talents}
    for pk, inventors in Patent.objects.filter(pk__in=list(held)).values_list("pk", "inventors"):
        names = [key(n) for n in inventors or []]
        for org_id in held[pk]:
            for position, name in enumerate(names):
                if (org_id, name) in wanted:
                    by_person.setdefault((org_id, name), []).append((pk, position == 0))
    ids = {pk for found in by_person.values() for pk, _first in found}
    if not ids:
        return {t.pk: [] for t in talents}
    patents = {
        p.pk: p
        for p in Patent.objects.filter(pk__in=ids).only(
            "pk", "application_number", "title", "patent_type", "filing_date", "legal_status"
        )
    }
    high = set(high_value_queryset(None, on).filter(pk__in=ids).values_list("pk", flat=True))
    awards: dict[int, list[str]] = {}
    for a in Award.objects.filter(patent_id__in=ids).order_by("-year"):
        if a.patent_id is not None:
            awards.setdefault(a.patent_id, []).append(
                f"{a.year} 年{a.get_award_display()}{a.get_level_display()}"
            )
    out: dict[int, list[TalentPatent]] = {}
    for t in talents:
        rows = [
            TalentPatent(patents[pk], first, pk in high, awards.get(pk, []))
            for pk, first in by_person.get((t.employer_id, key(t.name)), [])
        ]
        rows.sort(key=lambda r: (not r.flagged, -r.patent.filing_date.toordinal()))
        out[t.pk] = rows
    return out


# ------------------------------------------------------------------------------------------ 强企


def recognition_list(user: Any, filters: dict[str, Any]) -> QuerySet[Any]:
    from ipcity.support.models import EnterpriseRecognition

    qs = EnterpriseRecognition.objects.visible_to(user).select_related("organisation", "organisation__region")
    if q := filters.get("q"):
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(document_number__icontains=q))
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if year := filters.get("year"):
        qs = qs.filter(year=year)
    return qs.order_by("-year", "level", "organisation__name", "id")


def station_list(user: Any) -> QuerySet[Any]:
    from ipcity.support.models import CoachingEngagement, CoachingStation

    return (
        CoachingStation.objects.visible_to(user)
        .select_related("host")
        .annotate(
            coaching=Count(
                "engagements",
                filter=Q(
                    engagements__in=CoachingEngagement.objects.visible_to(user),
                    engagements__ended_on__isnull=True,
                ),
            )
        )
        .order_by("name")
    )


def engagement_list(user: Any) -> QuerySet[Any]:
    from ipcity.support.models import CoachingEngagement

    return CoachingEngagement.objects.visible_to(user).select_related("station", "enterprise")


def dense_product_list(user: Any, filters: dict[str, Any]) -> QuerySet[Any]:
    from ipcity.support.models import DenseProduct

    qs = DenseProduct.objects.visible_to(user).select_related("enterprise").prefetch_related("patents")
    if q := filters.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(enterprise__name__icontains=q))
    if filters.get("recognised") == "yes":
        qs = qs.filter(recognised_year__isnull=False)
    elif filters.get("recognised") == "no":
        qs = qs.filter(recognised_year__isnull=True)
    return qs.order_by("-filed_on", "id")
