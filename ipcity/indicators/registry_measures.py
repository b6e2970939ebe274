"""Indicators computed from the registry. One SQL aggregate per number, scoped to a region and an
as-of date; `high_value_queryset` is also the drill-down behind the 高价值 numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from ipcity.core.models import Region
from ipcity.indicators.choices import SnapshotStatus
from ipcity.indicators.compute import Context, Result, average_growth, measure, ok_count, per_ten_thousand
from ipcity.indicators.ipc import SeiConcordance, load_concordance
from ipcity.indicators.models import PatentSei
from ipcity.lib.datafile import read_yaml
from ipcity.registry.choices import LegalStatus, OrganisationTagKind, PatentType
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    ManagementCertificate,
    Organisation,
    OrganisationTag,
    Patent,
    PatentIPC,
    Pledge,
    PledgeItem,
    Trademark,
)

HIGH_VALUE_FILE = settings.DATA_DIR / "indicators" / "high-value.yaml"
CONCORDANCE_FILE = settings.DATA_DIR / "indicators" / "sei_ipc_2021.csv"
PLAN_BASE_YEAR = 2021
ENDED = [LegalStatus.LAPSED, LegalStatus.EXPIRED, LegalStatus.INVALIDATED]


@lru_cache(maxsize=1)
def concordance() -> SeiConcordance:
    return load_concordance(CONCORDANCE_FILE)


def high_value_parameters() -> dict[str, Any]:
    data, _checksum = read_yaml(HIGH_VALUE_FILE)
    return data["criteria"]


def year_end(year: int, as_of: dt.date) -> dt.date:
    return min(dt.date(year, 12, 31), as_of)


def in_region(queryset: QuerySet[Any], region: Region | None, field: str = "region") -> QuerySet[Any]:
    """The whole city = everything attributed to any Yantai region; a region = its own records."""
    if region is None:
        return queryset.filter(**{f"{field}__isnull": False})
    return queryset.filter(**{field: region})


def valid_at(on: dt.date, prefix: str = "") -> Q:
    """Granted by `on` and not yet ended then (an ended patent was valid before its status date)."""
    p = prefix
    return Q(**{f"{p}grant_date__lte": on}) & (
        Q(**{f"{p}legal_status": LegalStatus.VALID})
        | Q(**{f"{p}legal_status__in": ENDED, f"{p}legal_status_date__gt": on})
    )


def valid_inventions(region: Region | None, on: dt.date) -> QuerySet[Patent]:
    """Valid invention patents whose first patentee is attributed to Yantai (domestic holders: a
    foreign first patentee has no Yantai region and is not counted)."""
    return in_region(Patent.objects.filter(patent_type=PatentType.INVENTION), region).filter(valid_at(on))


def classify_patents(*, batch: int = 5000) -> int:
    """Classify invention patents into 战略性新兴产业 branches where missing or stale. Returns how many."""
    rules = concordance()
    cache: dict[str, frozenset[str]] = {}
    codes: dict[int, list[str]] = {}
    for patent_id, code in (
        PatentIPC.objects.filter(patent__patent_type=PatentType.INVENTION)
        .order_by("patent_id", "position")
        .values_list("patent_id", "code")
        .iterator(chunk_size=batch)
    ):
        codes.setdefault(patent_id, []).append(code)
    existing = dict(PatentSei.objects.values_list("patent_id", "ipc_key"))
    invention_ids = set(
        Patent.objects.filter(patent_type=PatentType.INVENTION)
        .values_list("pk", flat=True)
        .iterator(chunk_size=batch)
    )
    create: list[PatentSei] = []
    update: list[PatentSei] = []
    for patent_id in invention_ids:
        patent_codes = codes.get(patent_id, [])
        key = ";".join(patent_codes)[:500]
        if existing.get(patent_id) == key:
            continue
        branches: set[str] = set()
        for code in patent_codes:
            if code not in cache:
                cache[code] = frozenset(rules.branches_for([code]))
            branches |= cache[code]
        row = PatentSei(
            patent_id=patent_id, is_sei=bool(branches), branches=",".join(sorted(branches)), ipc_key=key
        )
        (update if patent_id in existing else create).append(row)
    PatentSei.objects.bulk_create(create, batch_size=batch)
    PatentSei.objects.bulk_update(update, ["is_sei", "branches", "ipc_key"], batch_size=batch)
    stale = set(existing) - invention_ids
    if stale:
        PatentSei.objects.filter(patent_id__in=stale).delete()
    return len(create) + len(update)


def criteria_annotations(on: dt.date, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """One boolean expression per enabled criterion, evaluated at `on`."""
    params = params or high_value_parameters()
    out: dict[str, Any] = {}
    if params["sei"]["enabled"]:
        out["c_sei"] = Exists(PatentSei.objects.filter(patent=OuterRef("pk"), is_sei=True))
    if params["overseas_family"]["enabled"]:
        out["c_overseas"] = Q(has_overseas_grant=True)
    if params["maintained"]["enabled"]:
        years = int(params["maintained"]["years"])
        try:
            limit = on.replace(year=on.year - years)
        except ValueError:  # 29 February
            limit = on.replace(year=on.year - years, day=28)
        # "More than N years" from the filing date: filed strictly before as_of − N years.
        out["c_maintained"] = Q(filing_date__lt=limit)
    if params["pledge"]["enabled"]:
        threshold = Decimal(str(params["pledge"]["threshold"]))
        out["c_pledge"] = Exists(
            PledgeItem.objects.filter(
                patent=OuterRef("pk"), pledge__amount__gte=threshold, pledge__registration_date__lte=on
            )
        )
    if params["award"]["enabled"]:
        out["c_award"] = Exists(
            Award.objects.filter(
                patent=OuterRef("pk"), award__in=params["award"]["awards"], year__lte=on.year
            )
        )
    return out


CRITERIA_LABELS = {
    "c_sei": "sei",
    "c_overseas": "overseas_family",
    "c_maintained": "maintained",
    "c_pledge": "pledge",
    "c_award": "award",
}


def high_value_queryset(
    region: Region | None, on: dt.date, params: dict[str, Any] | None = None
) -> QuerySet[Patent]:
    """Valid high-value invention patents at `on`, annotated with which criteria each meets."""
    annotations = criteria_annotations(on, params)
    queryset = valid_inventions(region, on).annotate(**{k: _as_bool(v) for k, v in annotations.items()})
    any_criterion = Q()
    for name in annotations:
        any_criterion |= Q(**{name: True})
    return queryset.filter(any_criterion) if annotations else queryset.none()


def _as_bool(expression: Any) -> Any:
    from django.db.models import BooleanField, ExpressionWrapper

    if isinstance(expression, Q):
        return ExpressionWrapper(expression, output_field=BooleanField())
    return expression


def criteria_met(patent: Patent) -> list[str]:
    return [label for attr, label in CRITERIA_LABELS.items() if getattr(patent, attr, False)]


@measure("invention_patents_valid")
def invention_patents_valid(ctx: Context) -> Result:
    return ok_count(valid_inventions(ctx.region, year_end(ctx.year, ctx.as_of)).count())


@measure("invention_patents_per_10k")
def invention_patents_per_10k(ctx: Context) -> Result:
    count = valid_inventions(ctx.region, year_end(ctx.year, ctx.as_of)).count()
    return per_ten_thousand(ctx, count, "有效发明专利")


def _high_value_count(ctx: Context) -> tuple[int, dict[str, int]]:
    on = year_end(ctx.year, ctx.as_of)
    queryset = high_value_queryset(ctx.region, on)
    names = list(criteria_annotations(on))
    aggregates = {"total": Count("pk")} | {
        CRITERIA_LABELS[name]: Count("pk", filter=Q(**{name: True})) for name in names
    }
    counts = queryset.aggregate(**aggregates)
    total = counts.pop("total")
    return total, counts


@measure("hv_invention_patents")
def hv_invention_patents(ctx: Context) -> Result:
    total, by_criterion = _high_value_count(ctx)
    result = ok_count(total)
    result.details = {"by_criterion": by_criterion}
    result.note = "一件专利满足多项条件只计一次；各条件件数见明细"
    return result


@measure("hv_invention_patents_per_10k")
def hv_invention_patents_per_10k(ctx: Context) -> Result:
    total, by_criterion = _high_value_count(ctx)
    result = per_ten_thousand(ctx, total, "高价值发明专利")
    result.details["by_criterion"] = by_criterion
    return result


def _grants(ctx: Context, patent_type: str) -> Result:
    queryset = in_region(Patent.objects.filter(patent_type=patent_type), ctx.region).filter(
        grant_date__year=ctx.year, grant_date__lte=ctx.as_of
    )
    return ok_count(queryset.count())


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
    queryset = in_region(Patent.objects.filter(is_pct=True), ctx.region).filter(
        filing_date__year=ctx.year, filing_date__lte=ctx.as_of
    )
    return ok_count(queryset.count())


@measure("madrid_registrations")
def madrid_registrations(ctx: Context) -> Result:
    queryset = in_region(Trademark.objects.exclude(madrid_number=""), ctx.region, "holder__region").filter(
        registration_date__year=ctx.year, registration_date__lte=ctx.as_of
    )
    return ok_count(queryset.count())


@measure("geographical_indications")
def geographical_indications(ctx: Context) -> Result:
    queryset = in_region(GeographicalIndication.objects.all(), ctx.region).filter(
        approval_date__lte=year_end(ctx.year, ctx.as_of)
    )
    return ok_count(queryset.count())


def pledges(region: Region | None, year: int, as_of: dt.date) -> QuerySet[Pledge]:
    return in_region(Pledge.objects.all(), region, "pledgor__region").filter(
        registration_date__year=year, registration_date__lte=as_of
    )


def _pledge_amount(region: Region | None, year: int, as_of: dt.date) -> Decimal:
    return pledges(region, year, as_of).aggregate(total=Sum("amount"))["total"] or Decimal(0)


@measure("pledge_amount")
def pledge_amount(ctx: Context) -> Result:
    amount = _pledge_amount(ctx.region, ctx.year, ctx.as_of)
    return Result(SnapshotStatus.OK, value=amount, numerator=amount)


@measure("pledge_count")
def pledge_count(ctx: Context) -> Result:
    return ok_count(pledges(ctx.region, ctx.year, ctx.as_of).count())


@measure("pledge_amount_growth")
def pledge_amount_growth(ctx: Context) -> Result:
    return average_growth(ctx, lambda y: _pledge_amount(ctx.region, y, ctx.as_of), PLAN_BASE_YEAR)


@measure("pledge_count_growth")
def pledge_count_growth(ctx: Context) -> Result:
    return average_growth(ctx, lambda y: Decimal(pledges(ctx.region, y, ctx.as_of).count()), PLAN_BASE_YEAR)


@measure("city_advantage_enterprises_new")
def city_advantage_enterprises_new(ctx: Context) -> Result:
    tags = OrganisationTag.objects.filter(
        tag=OrganisationTagKind.IP_ADVANTAGE_CITY, year__gte=2022, year__lte=min(ctx.year, ctx.as_of.year)
    )
    tags = in_region(tags, ctx.region, "organisation__region")
    return ok_count(tags.values("organisation_id").distinct().count())


def standard_adopters(ctx: Context) -> list[Organisation]:
    """Organisations first certified (GB/T 29490) in 2022 or later and holding an effective
    certificate at year end (2013-version certificates lapse after 2025-12-31)."""
    on = year_end(ctx.year, ctx.as_of)
    earlier = ManagementCertificate.objects.filter(
        organisation=OuterRef("pk"), issued_on__lt=dt.date(2022, 1, 1)
    )
    organisations = (
        in_region(Organisation.objects.all(), ctx.region)
        .filter(certificates__issued_on__lte=on)
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

Row = dict[str, Any]
Records = Callable[[Context], tuple[list[str], Iterable[Row]]]
RECORDS: dict[str, Records] = {}

PATENT_HEADERS = ["申请号", "名称", "第一权利人", "区市", "申请日", "授权公告日", "法律状态"]


def records(*names: str) -> Callable[[Records], Records]:
    def register(func: Records) -> Records:
        for name in names:
            RECORDS[name] = func
        return func

    return register


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
def _valid_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    queryset = valid_inventions(ctx.region, year_end(ctx.year, ctx.as_of)).select_related("region")
    return PATENT_HEADERS, (_patent_row(p) for p in queryset.order_by("application_number").iterator(2000))


@records("hv_invention_patents", "hv_invention_patents_per_10k")
def _high_value_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    labels = {k: v["label"] for k, v in high_value_parameters().items()}
    queryset = high_value_queryset(ctx.region, year_end(ctx.year, ctx.as_of)).select_related("region")
    rows = (
        _patent_row(p) | {"满足条件": "；".join(labels[c] for c in criteria_met(p))}
        for p in queryset.order_by("application_number").iterator(2000)
    )
    return [*PATENT_HEADERS, "满足条件"], rows


def _grant_records(patent_type: str) -> Records:
    def build(ctx: Context) -> tuple[list[str], Iterable[Row]]:
        queryset = in_region(Patent.objects.filter(patent_type=patent_type), ctx.region).filter(
            grant_date__year=ctx.year, grant_date__lte=ctx.as_of
        )
        return PATENT_HEADERS, (_patent_row(p) for p in queryset.select_related("region").iterator(2000))

    return build


RECORDS["patent_grants_invention"] = _grant_records(PatentType.INVENTION)
RECORDS["patent_grants_utility_model"] = _grant_records(PatentType.UTILITY_MODEL)
RECORDS["patent_grants_design"] = _grant_records(PatentType.DESIGN)


@records("pct_filings")
def _pct_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    queryset = in_region(Patent.objects.filter(is_pct=True), ctx.region).filter(
        filing_date__year=ctx.year, filing_date__lte=ctx.as_of
    )
    return PATENT_HEADERS, (_patent_row(p) for p in queryset.select_related("region").iterator(2000))


@records("madrid_registrations")
def _madrid_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    queryset = in_region(Trademark.objects.exclude(madrid_number=""), ctx.region, "holder__region").filter(
        registration_date__year=ctx.year, registration_date__lte=ctx.as_of
    )
    headers = ["注册号", "商标名称", "注册人", "马德里国际注册号", "注册日", "指定国家/地区"]
    rows = (
        {
            "注册号": t.registration_number,
            "商标名称": t.name,
            "注册人": t.holder_name,
            "马德里国际注册号": t.madrid_number,
            "注册日": t.registration_date,
            "指定国家/地区": "、".join(t.designated_countries or []),
        }
        for t in queryset.iterator(2000)
    )
    return headers, rows


@records("geographical_indications")
def _gi_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    queryset = in_region(GeographicalIndication.objects.all(), ctx.region).filter(
        approval_date__lte=year_end(ctx.year, ctx.as_of)
    )
    headers = ["产品名称", "类别", "区市", "持有人", "批准/注册日期"]
    rows = (
        {
            "产品名称": g.product,
            "类别": g.get_kind_display(),
            "区市": g.region.name if g.region else "",
            "持有人": g.holder_name,
            "批准/注册日期": g.approval_date,
        }
        for g in queryset.select_related("region")
    )
    return headers, rows


@records("pledge_amount", "pledge_count", "pledge_amount_growth", "pledge_count_growth")
def _pledge_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    headers = ["质押登记号", "出质人", "质权人", "担保金额（元）", "登记日"]
    rows = (
        {
            "质押登记号": p.registration_number,
            "出质人": p.pledgor_name,
            "质权人": p.pledgee_name,
            "担保金额（元）": p.amount,
            "登记日": p.registration_date,
        }
        for p in pledges(ctx.region, ctx.year, ctx.as_of).order_by("registration_date", "registration_number")
    )
    return headers, rows


@records("city_advantage_enterprises_new")
def _advantage_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    tags = OrganisationTag.objects.filter(
        tag=OrganisationTagKind.IP_ADVANTAGE_CITY, year__gte=2022, year__lte=min(ctx.year, ctx.as_of.year)
    )
    tags = in_region(tags, ctx.region, "organisation__region").select_related("organisation__region")
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
    return ["机构", "统一社会信用代码", "区市", "认定年度"], list(seen.values())


@records("ip_management_standard_adopters_new")
def _adopter_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    on = year_end(ctx.year, ctx.as_of)
    rows = []
    for org in standard_adopters(ctx):
        certificate = next(c for c in org.certificates.all() if c.is_effective(on))
        rows.append(
            {
                "机构": org.name,
                "统一社会信用代码": org.uscc or "",
                "区市": org.region.name if org.region else "",
                "证书编号": certificate.number,
                "标准版本": certificate.get_version_display(),
                "发证日期": certificate.issued_on,
                "有效期至": certificate.expires_on,
            }
        )
    return ["机构", "统一社会信用代码", "区市", "证书编号", "标准版本", "发证日期", "有效期至"], rows


@records("ip_training_person_times")
def _training_records(ctx: Context) -> tuple[list[str], Iterable[Row]]:
    from ipcity.indicators.compute import training_attendances

    rows = (
        {"培训": a.event.title, "日期": a.event.date, "姓名": a.name, "单位": a.organisation}
        for a in training_attendances(ctx).select_related("event").order_by("event__date", "id")
    )
    return ["培训", "日期", "姓名", "单位"], rows
