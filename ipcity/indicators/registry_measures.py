"""Indicators computed from the registry.

Counts: one grouped query per measure and date answers every region at once (cached in the
computation's `Run`); the patent counts read the indexed facts (`facts.py`). Drill-downs: the
records behind each number, from the registry's own tables with the same rules — tests check
that both agree, record for record — each user seeing those the registry's lists show them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractYear
from django.db.models.lookups import GreaterThanOrEqual

from ipcity.core.models import Region
from ipcity.indicators import high_value
from ipcity.indicators.choices import SnapshotStatus
from ipcity.indicators.compute import (
    Context,
    Result,
    average_growth,
    grouped,
    measure,
    ok_count,
    per_ten_thousand,
)
from ipcity.indicators.facts import ENDED as ENDED_STATUSES
from ipcity.indicators.high_value import Criterion
from ipcity.indicators.models import PatentFact, TrainingAttendance
from ipcity.lib.numbers import format_yuan
from ipcity.registry.choices import LegalStatus, OrganisationTagKind, PatentType
from ipcity.registry.models import (
    GeographicalIndication,
    Licence,
    LicenceItem,
    ManagementCertificate,
    Organisation,
    OrganisationTag,
    Patent,
    Pledge,
    Trademark,
)
from ipcity.registry.selectors import licences_visible_to, pledges_visible_to, visible_organisation_ids
from ipcity.registry.terms import term_end_expression

PLAN_BASE_YEAR = 2021
ENDED = sorted(ENDED_STATUSES)


def year_end(year: int, as_of: dt.date) -> dt.date:
    return min(dt.date(year, 12, 31), as_of)


def in_region(queryset: QuerySet[Any], region: Region | None, field: str = "region") -> QuerySet[Any]:
    """The whole city = everything attributed to any Yantai region; a region = its own records."""
    if region is None:
        return queryset.filter(**{f"{field}__isnull": False})
    return queryset.filter(**{field: region})


# ---- The records behind the numbers (drill-downs), on the registry's own tables ----


def valid_at(on: dt.date, prefix: str = "") -> Q:
    """Granted by `on`, not yet ended then (an ended patent was valid before its status date) and
    within its statutory term on `on` (专利法 第四十二条, `registry.terms`: a stored 有效 does not
    outlive the term). The same rule as `facts.validity`, which the counts use."""
    p = prefix
    return (
        Q(**{f"{p}grant_date__lte": on})
        & (
            Q(**{f"{p}legal_status": LegalStatus.VALID})
            | Q(**{f"{p}legal_status__in": ENDED, f"{p}legal_status_date__gt": on})
        )
        & Q(GreaterThanOrEqual(term_end_expression(p), on))
    )


def valid_inventions(region: Region | None, on: dt.date) -> QuerySet[Patent]:
    """Valid invention patents whose first patentee is attributed to Yantai (domestic holders: a
    foreign first patentee has no Yantai region and is not counted)."""
    return in_region(Patent.objects.filter(patent_type=PatentType.INVENTION), region).filter(valid_at(on))


def high_value_queryset(
    region: Region | None, on: dt.date, criteria: list[Criterion] | None = None
) -> QuerySet[Patent]:
    """Valid high-value invention patents at `on`, annotated with which criteria each meets
    (`criteria_met`). The criteria are those of `high_value.criteria()` unless given."""
    if criteria is None:
        criteria = high_value.criteria()
    if not criteria:
        return Patent.objects.none()
    annotations = {_met(c): ExpressionWrapper(c.registry_condition(on), BooleanField()) for c in criteria}
    any_criterion = Q()
    for name in annotations:
        any_criterion |= Q(**{name: True})
    return valid_inventions(region, on).annotate(**annotations).filter(any_criterion)


def _met(criterion: Criterion) -> str:
    return f"meets_{criterion.key}"


def criteria_met(patent: Patent, criteria: list[Criterion]) -> list[Criterion]:
    """The criteria a patent from `high_value_queryset(..., criteria)` meets."""
    return [c for c in criteria if getattr(patent, _met(c))]


# ---- The counts: one grouped query per measure and date, for every region at once ----


def _fact_rows(**filters: Any) -> QuerySet[PatentFact]:
    return PatentFact.objects.filter(region__isnull=False, **filters)


def _valid_facts(on: dt.date) -> QuerySet[PatentFact]:
    return _fact_rows(patent_type=PatentType.INVENTION, valid_from__lte=on, valid_until__gt=on)


def _valid_counts(ctx: Context) -> dict[Any, int]:
    by_region = _valid_by_region(ctx)
    return {region: counts["valid"] for region, counts in by_region.items()}


def _criteria(ctx: Context) -> list[Criterion]:
    return ctx.run.get("high_value_criteria", high_value.criteria)  # type: ignore[no-any-return]


def _high_value_counts(ctx: Context) -> tuple[int, dict[str, int]]:
    """(high-value patents, {criterion: patents meeting it}) for the context's region."""
    by_region = _valid_by_region(ctx)
    counts = {c.key: ctx.pick({r: n[c.key] for r, n in by_region.items()}) for c in _criteria(ctx)}
    return ctx.pick({r: n["high_value"] for r, n in by_region.items()}), counts


def _valid_by_region(ctx: Context) -> dict[Any, dict[str, int]]:
    on = year_end(ctx.year, ctx.as_of)
    return ctx.run.get(("patents_valid", on), lambda: _valid_by_region_on(on, _criteria(ctx)))  # type: ignore[no-any-return]


def _valid_by_region_on(on: dt.date, criteria: list[Criterion]) -> dict[Any, dict[str, int]]:
    """Per region: valid inventions on `on`, high-value ones (each patent once) and those meeting
    each criterion. One pass over the valid-inventions index for the criteria the facts decide;
    those that name their patents (pledge, award) start from their own, small tables."""
    zero = {"valid": 0, "high_value": 0} | {c.key: 0 for c in criteria}
    aggregates: dict[str, Any] = {"valid": Count("*")}
    by_row = Q()  # meets a criterion the fact row decides
    for criterion in criteria:
        condition = criterion.fact_condition(on)
        if condition is not None:
            aggregates[criterion.key] = Count("region", filter=condition)
            by_row |= condition
    if by_row:
        aggregates["high_value"] = Count("region", filter=by_row)
    out = {region: zero | counts for region, counts in _grouped_rows(_valid_facts(on), aggregates).items()}
    _add_named_criteria(out, on, criteria, by_row, zero)
    return out


def _grouped_rows(facts: QuerySet[PatentFact], aggregates: dict[str, Any]) -> dict[Any, dict[str, int]]:
    """{region id: {aggregate name: value}}: one GROUP BY region query."""
    rows = facts.order_by().values("region").annotate(**aggregates)
    return {row["region"]: {name: row[name] for name in aggregates} for row in rows}


def _add_named_criteria(
    out: dict[Any, dict[str, int]], on: dt.date, criteria: list[Criterion], by_row: Q, zero: dict[str, int]
) -> None:
    """The criteria that name their patents (pledge, award): those few patents checked against the
    facts — valid on `on`, their region, and whether a row criterion already counted them."""
    named: dict[str, set[int]] = {}
    for criterion in criteria:
        queryset = criterion.named_patents(on)
        if queryset is not None:
            named[criterion.key] = set(queryset.values_list("patent_id", flat=True))
    counted = ExpressionWrapper(by_row, BooleanField()) if by_row else Value(False)
    ids = sorted(set().union(*named.values()))
    for start in range(0, len(ids), 500):
        for patent_id, region_id, already in (
            _valid_facts(on)
            .filter(patent_id__in=ids[start : start + 500])
            .annotate(counted=counted)
            .values_list("patent_id", "region_id", "counted")
        ):
            counts = out.setdefault(region_id, dict(zero))
            for key, patents in named.items():
                counts[key] += patent_id in patents
            counts["high_value"] += not already


def _in_year(year: int, end: dt.date, field: str, extra: Q, names: dict[str, Q]) -> dict[Any, dict[str, int]]:
    """{region: {name: count}} of the facts whose `field` date falls in `year` up to `end`."""
    facts = _fact_rows(**{f"{field}__gte": dt.date(year, 1, 1), f"{field}__lte": end}).filter(extra)
    aggregates = {
        name: Count("region", filter=condition) if condition else Count("*")
        for name, condition in names.items()
    }
    return _grouped_rows(facts, aggregates)


GRANT_TYPES = {kind: Q(patent_type=kind) for kind in PatentType.values}


@measure("invention_patents_valid")
def invention_patents_valid(ctx: Context) -> Result:
    return ok_count(ctx.pick(_valid_counts(ctx)))


@measure("invention_patents_per_10k")
def invention_patents_per_10k(ctx: Context) -> Result:
    return per_ten_thousand(ctx, ctx.pick(_valid_counts(ctx)), "有效发明专利")


@measure("hv_invention_patents")
def hv_invention_patents(ctx: Context) -> Result:
    total, by_criterion = _high_value_counts(ctx)
    result = ok_count(total)
    result.details = {"by_criterion": by_criterion}
    result.note = "一件专利满足多项条件只计一次；各条件件数见明细"
    return result


@measure("hv_invention_patents_per_10k")
def hv_invention_patents_per_10k(ctx: Context) -> Result:
    total, by_criterion = _high_value_counts(ctx)
    result = per_ten_thousand(ctx, total, "高价值发明专利")
    result.details["by_criterion"] = by_criterion
    return result


def _grants(ctx: Context, patent_type: str) -> Result:
    counts = ctx.run.get(
        ("grants", ctx.year, ctx.as_of),
        lambda: _in_year(ctx.year, year_end(ctx.year, ctx.as_of), "grant_date", Q(), GRANT_TYPES),
    )
    return ok_count(ctx.pick({region: c[patent_type] for region, c in counts.items()}))


@measure("patent_grants_invention")
def patent_grants_invention(ctx: Context) -> Result:
    return _grants(ctx, PatentType.INVENTION)


@measure("patent_grants_utility_model")
def patent_grants_utility_model(ctx: Context) -> Result:
    return _grants(ctx, PatentType.UTILITY_MODEL)


@measure("patent_grants_design")
def patent_grants_design(ctx: Context) -> Result:
    return _grants(ctx, PatentType.DESIGN)


@measure("pct_filings")
def pct_filings(ctx: Context) -> Result:
    counts = ctx.run.get(
        ("pct", ctx.year, ctx.as_of),
        lambda: {
            region: c["n"]
            for region, c in _in_year(
                ctx.year, year_end(ctx.year, ctx.as_of), "filing_date", Q(is_pct=True), {"n": Q()}
            ).items()
        },
    )
    return ok_count(ctx.pick(counts))


@measure("madrid_registrations")
def madrid_registrations(ctx: Context) -> Result:
    counts = ctx.run.get(
        ("madrid", ctx.year, ctx.as_of),
        lambda: grouped(
            Trademark.objects.exclude(madrid_number="").filter(
                registration_date__year=ctx.year, registration_date__lte=ctx.as_of
            ),
            "holder__region",
            Count("pk"),
        ),
    )
    return ok_count(ctx.pick(counts))


@measure("geographical_indications")
def geographical_indications(ctx: Context) -> Result:
    on = year_end(ctx.year, ctx.as_of)
    counts = ctx.run.get(
        ("gi", on),
        lambda: grouped(GeographicalIndication.objects.filter(approval_date__lte=on), "region", Count("pk")),
    )
    return ok_count(ctx.pick(counts))


def pledges(region: Region | None, year: int, as_of: dt.date) -> QuerySet[Pledge]:
    return in_region(Pledge.objects.all(), region, "pledgor__region").filter(
        registration_date__year=year, registration_date__lte=as_of
    )


def _pledge_totals(ctx: Context, year: int) -> tuple[Decimal, int]:
    """(amount, count) of the pledges registered in `year` by the context's as-of date."""
    by_region_year = ctx.run.get(
        ("pledges", ctx.as_of),
        lambda: {
            (row["pledgor__region"], row["year"]): (row["amount"], row["n"])
            for row in Pledge.objects.filter(registration_date__lte=ctx.as_of)
            .annotate(year=ExtractYear("registration_date"))
            .order_by()
            .values("pledgor__region", "year")
            .annotate(amount=Sum("amount"), n=Count("pk"))
        },
    )
    amounts = {region: v[0] for (region, y), v in by_region_year.items() if y == year}
    counts = {region: v[1] for (region, y), v in by_region_year.items() if y == year}
    return Decimal(ctx.pick(amounts)), int(ctx.pick(counts))


@measure("pledge_amount")
def pledge_amount(ctx: Context) -> Result:
    amount, _count = _pledge_totals(ctx, ctx.year)
    return Result(SnapshotStatus.OK, value=amount, numerator=amount)


@measure("pledge_count")
def pledge_count(ctx: Context) -> Result:
    return ok_count(_pledge_totals(ctx, ctx.year)[1])


@measure("pledge_amount_growth")
def pledge_amount_growth(ctx: Context) -> Result:
    return average_growth(ctx, lambda y: _pledge_totals(ctx, y)[0], PLAN_BASE_YEAR, show=format_yuan)


@measure("pledge_count_growth")
def pledge_count_growth(ctx: Context) -> Result:
    return average_growth(ctx, lambda y: Decimal(_pledge_totals(ctx, y)[1]), PLAN_BASE_YEAR)


def patent_transfers(region: Region | None, year: int, as_of: dt.date) -> QuerySet[Licence]:
    """Assignments and licences of patents (专利转化) dated in `year`, by the licensor's region."""
    with_patents = LicenceItem.objects.filter(patent__isnull=False).values("licence_id")
    return in_region(Licence.objects.filter(pk__in=with_patents), region, "licensor__region").filter(
        contract_date__year=year, contract_date__lte=as_of
    )


def _transfer_totals(ctx: Context) -> tuple[Decimal, int]:
    by_region = ctx.run.get(
        ("transfers", ctx.year, ctx.as_of),
        lambda: {
            row["licensor__region"]: (row["amount"] or Decimal("0"), row["n"])
            for row in patent_transfers(None, ctx.year, ctx.as_of)
            .order_by()
            .values("licensor__region")
            .annotate(amount=Sum("fee"), n=Count("pk"))
        },
    )
    amounts = {region: v[0] for region, v in by_region.items()}
    counts = {region: v[1] for region, v in by_region.items()}
    return Decimal(ctx.pick(amounts)), int(ctx.pick(counts))


@measure("patent_transfer_count")
def patent_transfer_count(ctx: Context) -> Result:
    return ok_count(_transfer_totals(ctx)[1])


@measure("patent_transfer_amount")
def patent_transfer_amount(ctx: Context) -> Result:
    amount, _count = _transfer_totals(ctx)
    return Result(SnapshotStatus.OK, value=amount, numerator=amount)


def _advantage_tags(ctx: Context) -> QuerySet[OrganisationTag]:
    return OrganisationTag.objects.filter(
        tag=OrganisationTagKind.IP_ADVANTAGE_CITY, year__gte=2022, year__lte=min(ctx.year, ctx.as_of.year)
    )


@measure("city_advantage_enterprises_new")
def city_advantage_enterprises_new(ctx: Context) -> Result:
    counts = ctx.run.get(
        ("advantage", ctx.year, ctx.as_of),
        lambda: grouped(
            _advantage_tags(ctx), "organisation__region", Count("organisation_id", distinct=True)
        ),
    )
    return ok_count(ctx.pick(counts))


def standard_adopters(ctx: Context) -> list[Organisation]:
    """Organisations first certified (GB/T 29490) in 2022 or later and holding an effective
    certificate at year end (2013-version certificates lapse after 2025-12-31)."""
    on = year_end(ctx.year, ctx.as_of)
    everyone = ctx.run.get(("adopters", on), lambda: _standard_adopters(on))
    if ctx.region is None:
        return everyone
    return [o for o in everyone if o.region_id == ctx.region.pk]


def _standard_adopters(on: dt.date) -> list[Organisation]:
    earlier = ManagementCertificate.objects.filter(
        organisation=OuterRef("pk"), issued_on__lt=dt.date(2022, 1, 1)
    )
    organisations = (
        Organisation.objects.filter(region__isnull=False, certificates__issued_on__lte=on)
        .filter(~Exists(earlier))
        .distinct()
        .select_related("region")
        .prefetch_related("certificates")
    )
    return [o for o in organisations if any(c.is_effective(on) for c in o.certificates.all())]


@measure("ip_management_standard_adopters_new")
def ip_management_standard_adopters_new(ctx: Context) -> Result:
    return ok_count(len(standard_adopters(ctx)))


# ---- Drill-down: the records behind each number (same filters as the counts above) ----
#
# A user sees the records the registry's own lists would show them (the same selectors), and how
# many of the records behind the number are left out: the number is for every government user, the
# parties, amounts and people behind it are not (docs/permissions.md).

Row = dict[str, Any]


@dataclass
class Drill:
    """The records behind a number that one user may see, and how many others there are."""

    headers: list[str]
    rows: list[Row]
    hidden: int = 0

    @property
    def total(self) -> int:
        return len(self.rows) + self.hidden


Records = Callable[[Context, Any], Drill]  # (context, user) -> Drill
RECORDS: dict[str, Records] = {}

PATENT_HEADERS = ["申请号", "名称", "第一权利人", "区市", "申请日", "授权公告日", "法律状态"]


def records(*names: str) -> Callable[[Records], Records]:
    def register(func: Records) -> Records:
        for name in names:
            RECORDS[name] = func
        return func

    return register


def scoped(
    headers: list[str], records: QuerySet[Any], visible: QuerySet[Any], row: Callable[[Any], Row]
) -> Drill:
    """The rows of `records` within `visible` (the registry's queryset of what the user may see)
    and the number of the others. Published registers (and the city office) restrict nothing: then
    nothing is counted."""
    rows = [row(r) for r in (records & visible).iterator(2000)]
    hidden = max(records.count() - len(rows), 0) if visible.query.has_filters() else 0
    return Drill(headers, rows, hidden)


def scoped_organisations(headers: list[str], rows: dict[int, Row], user: Any) -> Drill:
    """Rows about organisations (keyed by organisation id): those whose profile the user may open."""
    visible = visible_organisation_ids(user, set(rows))
    shown = [row for pk, row in rows.items() if pk in visible]
    return Drill(headers, shown, len(rows) - len(shown))


def _patent_row(p: Patent) -> Row:
    return {
        "申请号": p.application_number,
        "名称": p.title,
        "第一权利人": p.first_holder_name,
        "区市": p.region.name if p.region else "",
        "申请日": p.filing_date,
        "授权公告日": p.grant_date,
        "法律状态": p.get_legal_status_display(),
    }


@records("invention_patents_valid", "invention_patents_per_10k")
def _valid_records(ctx: Context, user: Any) -> Drill:
    queryset = valid_inventions(ctx.region, year_end(ctx.year, ctx.as_of)).select_related("region")
    return scoped(
        PATENT_HEADERS, queryset.order_by("application_number"), Patent.objects.visible_to(user), _patent_row
    )


@records("hv_invention_patents", "hv_invention_patents_per_10k")
def _high_value_records(ctx: Context, user: Any) -> Drill:
    criteria = high_value.criteria()
    queryset = high_value_queryset(ctx.region, year_end(ctx.year, ctx.as_of), criteria)
    return scoped(
        [*PATENT_HEADERS, "满足条件"],
        queryset.select_related("region").order_by("application_number"),
        Patent.objects.visible_to(user),
        lambda p: _patent_row(p) | {"满足条件": "；".join(c.label for c in criteria_met(p, criteria))},
    )


def _grant_records(patent_type: str) -> Records:
    def build(ctx: Context, user: Any) -> Drill:
        queryset = in_region(Patent.objects.filter(patent_type=patent_type), ctx.region).filter(
            grant_date__year=ctx.year, grant_date__lte=ctx.as_of
        )
        return scoped(
            PATENT_HEADERS, queryset.select_related("region"), Patent.objects.visible_to(user), _patent_row
        )

    return build


RECORDS["patent_grants_invention"] = _grant_records(PatentType.INVENTION)
RECORDS["patent_grants_utility_model"] = _grant_records(PatentType.UTILITY_MODEL)
RECORDS["patent_grants_design"] = _grant_records(PatentType.DESIGN)


@records("pct_filings")
def _pct_records(ctx: Context, user: Any) -> Drill:
    queryset = in_region(Patent.objects.filter(is_pct=True), ctx.region).filter(
        filing_date__year=ctx.year, filing_date__lte=ctx.as_of
    )
    return scoped(
        PATENT_HEADERS, queryset.select_related("region"), Patent.objects.visible_to(user), _patent_row
    )


@records("madrid_registrations")
def _madrid_records(ctx: Context, user: Any) -> Drill:
    queryset = in_region(Trademark.objects.exclude(madrid_number=""), ctx.region, "holder__region").filter(
        registration_date__year=ctx.year, registration_date__lte=ctx.as_of
    )
    headers = ["注册号", "商标名称", "注册人", "马德里国际注册号", "注册日", "指定国家/地区"]
    return scoped(
        headers,
        queryset,
        Trademark.objects.visible_to(user),
        lambda t: {
            "注册号": t.registration_number,
            "商标名称": t.name,
            "注册人": t.holder_name,
            "马德里国际注册号": t.madrid_number,
            "注册日": t.registration_date,
            "指定国家/地区": "、".join(t.designated_countries or []),
        },
    )


@records("geographical_indications")
def _gi_records(ctx: Context, user: Any) -> Drill:
    queryset = in_region(GeographicalIndication.objects.all(), ctx.region).filter(
        approval_date__lte=year_end(ctx.year, ctx.as_of)
    )
    headers = ["产品名称", "类别", "区市", "持有人", "批准/注册日期"]
    return scoped(
        headers,
        queryset.select_related("region"),
        GeographicalIndication.objects.visible_to(user),
        lambda g: {
            "产品名称": g.product,
            "类别": g.get_kind_display(),
            "区市": g.region.name if g.region else "",
            "持有人": g.holder_name,
            "批准/注册日期": g.approval_date,
        },
    )


@records("pledge_amount", "pledge_count", "pledge_amount_growth", "pledge_count_growth")
def _pledge_records(ctx: Context, user: Any) -> Drill:
    """The pledge list's rule (`pledges_visible_to`): a district its region's pledgors' pledges,
    liaisons none — no parties, no amounts."""
    queryset = pledges(ctx.region, ctx.year, ctx.as_of).order_by("registration_date", "registration_number")
    return scoped(
        ["质押登记号", "出质人", "质权人", "担保金额（元）", "登记日"],
        queryset,
        pledges_visible_to(user),
        lambda p: {
            "质押登记号": p.registration_number,
            "出质人": p.pledgor_name,
            "质权人": p.pledgee_name,
            "担保金额（元）": p.amount,
            "登记日": p.registration_date,
        },
    )


@records("patent_transfer_count", "patent_transfer_amount")
def _transfer_records(ctx: Context, user: Any) -> Drill:
    """The licence list's rule (`licences_visible_to`): a district the licences of its parties."""
    queryset = patent_transfers(ctx.region, ctx.year, ctx.as_of).order_by("contract_date", "reference")
    return scoped(
        ["备案号/合同编号", "类型", "许可人/转让人", "被许可人/受让人", "费用（元）", "合同/生效日期"],
        queryset,
        licences_visible_to(user),
        lambda item: {
            "备案号/合同编号": item.reference,
            "类型": item.get_kind_display(),
            "许可人/转让人": item.licensor_name,
            "被许可人/受让人": item.licensee_name,
            "费用（元）": item.fee,
            "合同/生效日期": item.contract_date,
        },
    )


@records("city_advantage_enterprises_new")
def _advantage_records(ctx: Context, user: Any) -> Drill:
    tags = in_region(_advantage_tags(ctx), ctx.region, "organisation__region").select_related(
        "organisation__region"
    )
    seen: dict[int, Row] = {}
    for tag in tags.order_by("year"):
        org = tag.organisation
        seen.setdefault(
            org.pk,
            {
                "机构": org.name,
                "统一社会信用代码": org.uscc or "",
                "区市": org.region.name if org.region else "",
                "认定年度": tag.year,
            },
        )
    return scoped_organisations(["机构", "统一社会信用代码", "区市", "认定年度"], seen, user)


@records("ip_management_standard_adopters_new")
def _adopter_records(ctx: Context, user: Any) -> Drill:
    on = year_end(ctx.year, ctx.as_of)
    rows: dict[int, Row] = {}
    for org in standard_adopters(ctx):
        certificate = next(c for c in org.certificates.all() if c.is_effective(on))
        rows[org.pk] = {
            "机构": org.name,
            "统一社会信用代码": org.uscc or "",
            "区市": org.region.name if org.region else "",
            "证书编号": certificate.number,
            "标准版本": certificate.get_version_display(),
            "发证日期": certificate.issued_on,
            "有效期至": certificate.expires_on,
        }
    headers = ["机构", "统一社会信用代码", "区市", "证书编号", "标准版本", "发证日期", "有效期至"]
    return scoped_organisations(headers, rows, user)


@records("ip_training_person_times")
def _training_records(ctx: Context, user: Any) -> Drill:
    from ipcity.indicators.compute import training_attendances

    return scoped(
        ["培训", "日期", "姓名", "单位"],
        training_attendances(ctx).select_related("event").order_by("event__date", "id"),
        TrainingAttendance.objects.visible_to(user),
        lambda a: {"培训": a.event.title, "日期": a.event.date, "姓名": a.name, "单位": a.organisation},
    )
