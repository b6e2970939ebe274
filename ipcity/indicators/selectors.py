"""Reads of indicator snapshots for the CLI, the dashboard and exports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Q, Window

from ipcity.core.models import Region
from ipcity.indicators.choices import SnapshotStatus
from ipcity.indicators.models import CITY_CODE, Indicator, Snapshot
from ipcity.indicators.progress import Progress, assess
from ipcity.lib.numbers import format_quantity


def region_code(snapshot: Snapshot) -> str:
    """The region's division code (internal code for functional zones), or 370600 for the city."""
    if snapshot.region is None:
        return CITY_CODE
    return snapshot.region.division_code or snapshot.region.code


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def snapshot_json(snapshot: Snapshot) -> dict[str, Any]:
    indicator = snapshot.indicator
    target = indicator.target
    city_target = target.value if target is not None and snapshot.region is None else None
    return {
        "code": indicator.code,
        "region": region_code(snapshot),
        "year": snapshot.year,
        "as_of": snapshot.as_of.isoformat(),
        "status": snapshot.status,
        "value": _number(snapshot.value),
        "unit": indicator.unit,
        "target": _number(city_target),
        "numerator": _number(snapshot.numerator),
        "denominator": _number(snapshot.denominator),
        "note": snapshot.note,
    }


def latest_snapshots(
    indicators: list[Indicator] | None = None,
) -> dict[tuple[int, int | None, int], Snapshot]:
    """{(indicator_id, region_id, year): the snapshot with the latest as-of date}."""
    queryset = Snapshot.objects.select_related("indicator", "region").order_by("as_of")
    if indicators is not None:
        queryset = queryset.filter(indicator__in=indicators)
    latest: dict[tuple[int, int | None, int], Snapshot] = {}
    for snapshot in queryset:
        latest[(snapshot.indicator_id, snapshot.region_id, snapshot.year)] = snapshot
    return latest


def snapshot_years() -> list[int]:
    return list(Snapshot.objects.order_by("year").values_list("year", flat=True).distinct())


@dataclass(frozen=True)
class LatestValue:
    """The latest snapshot of one indicator, region and year, as far as the dashboard shows it."""

    pk: int
    year: int
    as_of: dt.date
    status: str
    value: Decimal | None
    note: str
    missing_reason: str = ""

    @property
    def status_label(self) -> str:
        return str(SnapshotStatus(self.status).label)

    @property
    def status_text(self) -> str:
        """As Snapshot.status_text: the recorded reason for a missing denominator, else the status."""
        return self.missing_reason or self.status_label


def progress_for(
    indicator: Indicator, city_by_year: Mapping[int, Snapshot | LatestValue], year: int
) -> Progress | None:
    """On/off track for the city's value in `year`, against the plan target the indicator carries."""
    target = indicator.target
    snapshot = city_by_year.get(year)
    if target is None or target.value is None or snapshot is None or snapshot.value is None:
        return None
    base = city_by_year.get(2021)
    return assess(
        period=target.period,
        comparison=target.comparison,
        target=target.value,
        target_year=target.year or 2024,
        year=year,
        value=snapshot.value,
        base=base.value if base is not None else None,
        as_of=snapshot.as_of,
        show=lambda v: format_quantity(v, indicator.unit, indicator.decimals),
    )


def dashboard_values(year: int) -> list[tuple[int, int | None, LatestValue]]:
    """(indicator id, region id, latest value) for the city in every year and each region in
    `year`: one query, the latest as-of date per indicator × region × year chosen by the database."""
    newest = Window(Max("as_of"), partition_by=[F("indicator_id"), F("region_id"), F("year")])
    rows = (
        Snapshot.objects.filter(Q(region__isnull=True) | Q(year=year))
        .annotate(newest=newest)
        .filter(as_of=F("newest"))
        .order_by()
        .values_list(
            "indicator_id",
            "region_id",
            "pk",
            "year",
            "as_of",
            "status",
            "value",
            "note",
            "details__missing_reason",
        )
    )
    return [
        (i, r, LatestValue(pk, y, as_of, status, value, note, reason or ""))
        for i, r, pk, y, as_of, status, value, note, reason in rows
    ]


def dashboard(year: int) -> dict[str, Any]:
    """Per indicator: the city's value in `year`, its trend over the years, progress to target,
    and each region's value in `year` (in the regions' order). Four queries."""
    indicators = list(Indicator.objects.select_related("target"))
    regions = list(Region.objects.order_by("position", "id").only("name", "code", "position"))
    city: dict[int, dict[int, LatestValue]] = defaultdict(dict)
    by_region: dict[tuple[int, int], LatestValue] = {}
    for indicator_id, region_id, value in dashboard_values(year):
        if region_id is None:
            city[indicator_id][value.year] = value
        else:
            by_region[indicator_id, region_id] = value
    rows: list[dict[str, Any]] = []
    for indicator in indicators:
        city_by_year = city.get(indicator.pk, {})
        rows.append(
            {
                "indicator": indicator,
                "snapshot": city_by_year.get(year),
                "trend": sorted(city_by_year.items()),
                "progress": progress_for(indicator, city_by_year, year),
                "regions": [
                    (region, by_region[indicator.pk, region.pk])
                    for region in regions
                    if (indicator.pk, region.pk) in by_region
                ],
            }
        )
    return {"rows": rows}


def region_year_table(indicator: Indicator) -> tuple[list[int], list[tuple[Any, dict[int, Snapshot]]]]:
    latest = latest_snapshots([indicator])
    years = sorted({y for (_i, _r, y) in latest})
    by_region: dict[Any, dict[int, Snapshot]] = defaultdict(dict)
    regions: dict[Any, Any] = {}
    for (_i, region_id, year), snapshot in latest.items():
        by_region[region_id][year] = snapshot
        regions[region_id] = snapshot.region
    order = sorted(by_region, key=lambda rid: -1 if rid is None else regions[rid].position)
    return years, [(regions[rid], by_region[rid]) for rid in order]
