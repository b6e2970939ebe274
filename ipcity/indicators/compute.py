"""How each computed indicator is computed, for one region (None = the whole city), year and as-of date.

Each function returns a Result with its numerator and denominator so every number can be traced;
`drilldown(code, ...)` returns the records behind a number. Registry-based functions live in
`registry_measures.py` and register themselves here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count

from ipcity.core.models import Region
from ipcity.indicators.choices import PopulationKind, SnapshotStatus
from ipcity.indicators.models import Indicator, Population, PopulationGap, Survey, TrainingAttendance
from ipcity.lib.numbers import format_count

TEN_THOUSAND = Decimal(10000)


@dataclass
class Run:
    """What one computation shares across its indicators and regions: each grouped count is
    queried once (for every region at once) and each region then picks its own number."""

    cache: dict[Any, Any] = field(default_factory=dict)

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


@dataclass
class Context:
    indicator: Indicator
    region: Region | None
    year: int
    as_of: dt.date
    run: Run = field(default_factory=Run)

    @property
    def region_label(self) -> str:
        return self.region.name if self.region else "烟台市"

    def pick(self, counts: dict[Any, Any], *, city_includes_unattributed: bool = False) -> Any:
        """This region's number from counts grouped by region id. The city is the sum over its
        regions (records attributed to no Yantai region are not the city's), or over everything
        when `city_includes_unattributed`."""
        if self.region is not None:
            return counts.get(self.region.pk, 0)
        return sum(v for k, v in counts.items() if k is not None or city_includes_unattributed)


def grouped(queryset: Any, key: str, aggregate: Any) -> dict[Any, Any]:
    """{key value: aggregate}: one GROUP BY query."""
    rows = queryset.order_by().values(key).annotate(n=aggregate)
    return {row[key]: row["n"] for row in rows}


@dataclass
class Result:
    status: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)


Function = Callable[[Context], Result]
FUNCTIONS: dict[str, Function] = {}


def measure(name: str) -> Callable[[Function], Function]:
    def register(func: Function) -> Function:
        FUNCTIONS[name] = func
        return func

    return register


def quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def ok_count(count: int) -> Result:
    value = Decimal(count)
    return Result(SnapshotStatus.OK, value=value, numerator=value)


def year_end_population(ctx: Context) -> Population | None:
    populations = ctx.run.get(
        ("population", ctx.year),
        lambda: {
            p.region_id: p for p in Population.objects.filter(year=ctx.year, kind=PopulationKind.YEAR_END)
        },
    )
    return populations.get(ctx.region.pk if ctx.region else None)


def population_gap_reason(ctx: Context) -> str:
    """The office's reason why the region has no population for the year (功能区无常住人口统计)."""
    reasons = ctx.run.get(
        ("population_gap", ctx.year),
        lambda: {g.region_id: g.reason for g in PopulationGap.objects.filter(year=ctx.year)},
    )
    return str(reasons.get(ctx.region.pk if ctx.region else None, ""))


def per_ten_thousand(ctx: Context, count: int, what: str) -> Result:
    """count ÷ (year-end population ÷ 10,000); missing population → say so (with the office's
    recorded reason when there is one), never guess."""
    population = year_end_population(ctx)
    numerator = Decimal(count)
    if population is None:
        reason = population_gap_reason(ctx)
        missing = reason or f"缺少{ctx.region_label}{ctx.year}年末常住人口"
        return Result(
            SnapshotStatus.MISSING_DENOMINATOR,
            numerator=numerator,
            note=f"{missing}，未计算（{what} {format_count(count, '件')}）",
            details={"missing_reason": reason} if reason else {},
        )
    denominator = Decimal(population.value) / TEN_THOUSAND
    value = quantize(numerator / denominator, ctx.indicator.decimals)
    return Result(
        SnapshotStatus.OK,
        value=value,
        numerator=numerator,
        denominator=denominator,
        note=f"{what} {format_count(count, '件')} ÷ 年末常住人口 {format_count(population.value, '人')}"
        + ("（演示人口）" if population.is_demo else ""),
        details={
            "population": population.value,
            "population_source": population.source,
            "population_is_demo": population.is_demo,
        },
    )


def average_growth(
    ctx: Context,
    series: Callable[[int], Decimal | None],
    base_year: int = 2021,
    show: Callable[[Decimal], str] = format_count,
) -> Result:
    """Average annual growth since base_year, in %: (Vy / Vbase)^(1/(y−base)) − 1; also year-on-year.
    `show` writes the series' values in the explanation (format_yuan for money)."""
    if ctx.year <= base_year:
        return Result(SnapshotStatus.NOT_APPLICABLE, note=f"基期为 {base_year} 年")
    current, base, previous = series(ctx.year), series(base_year), series(ctx.year - 1)
    if current is None or base is None or base == 0:
        return Result(
            SnapshotStatus.MISSING_DATA,
            numerator=current,
            denominator=base,
            note=f"{base_year} 年基期数据为零或缺失，无法计算增幅",
        )
    years = ctx.year - base_year
    ratio = float(current / base)
    growth = Decimal(str((ratio ** (1 / years) - 1) * 100)) if ratio > 0 else Decimal(-100)
    details: dict[str, Any] = {"base_year": base_year, "base": str(base), "current": str(current)}
    if previous not in (None, 0):
        details["year_on_year"] = str(quantize((current / previous - 1) * 100, 2))  # type: ignore[operator]
    return Result(
        SnapshotStatus.OK,
        value=quantize(growth, ctx.indicator.decimals),
        numerator=current,
        denominator=base,
        note=f"（{ctx.year} 年 {show(current)} ÷ {base_year} 年 {show(base)}）^(1/{years}) − 1",
        details=details,
    )


@measure("ip_training_person_times")
def ip_training_person_times(ctx: Context) -> Result:
    counts = ctx.run.get(
        ("training", ctx.year, ctx.as_of),
        lambda: grouped(
            TrainingAttendance.objects.filter(event__date__year=ctx.year, event__date__lte=ctx.as_of),
            "event__region",
            Count("pk"),
        ),
    )
    # The city counts every training, also those organised without a district.
    return ok_count(ctx.pick(counts, city_includes_unattributed=True))


def training_attendances(ctx: Context):  # type: ignore[no-untyped-def]
    attendances = TrainingAttendance.objects.filter(event__date__year=ctx.year, event__date__lte=ctx.as_of)
    if ctx.region is not None:
        attendances = attendances.filter(event__region=ctx.region)
    return attendances


@measure("protection_satisfaction")
def protection_satisfaction(ctx: Context) -> Result:
    """Weighted score per group (items × weights), then groups × group weights."""
    if ctx.region is not None:
        return Result(SnapshotStatus.NOT_APPLICABLE, note="满意度调查为全市口径")
    survey = Survey.objects.filter(year=ctx.year).prefetch_related("groups__scores").first()
    if survey is None:
        return Result(SnapshotStatus.MISSING_DATA, note=f"{ctx.year} 年尚未录入满意度调查结果")
    total = Decimal(0)
    groups: dict[str, Any] = {}
    samples = 0
    for group in survey.groups.all():
        score = sum((s.weight * s.score for s in group.scores.all()), Decimal(0))
        groups[group.group] = {
            "score": str(quantize(score, 2)),
            "weight": str(group.weight),
            "sample_size": group.sample_size,
        }
        total += group.weight * score
        samples += group.sample_size
    return Result(
        SnapshotStatus.OK,
        value=quantize(total, ctx.indicator.decimals),
        numerator=total,
        denominator=Decimal(samples),
        note=f"{len(groups)} 类群体加权，样本 {samples} 份" + ("（演示数据）" if survey.is_demo else ""),
        details={"groups": groups, "method": survey.method},
    )


def load_registry_measures() -> None:
    """Register the registry-based functions (kept in their own module: they import the registry)."""
    from ipcity.indicators import registry_measures  # noqa: F401
