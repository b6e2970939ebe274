"""Writes on indicator data: definitions, population, reported values, surveys, training records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ipcity.core.audit import Actor, delete_audited, record_event, upsert
from ipcity.core.models import Region
from ipcity.core.services import LoadResult
from ipcity.indicators.models import (
    CITY_CODE,
    Indicator,
    Population,
    PopulationGap,
    ReportedValue,
    Survey,
    SurveyGroup,
    SurveyScore,
    TrainingAttendance,
    TrainingEvent,
)
from ipcity.indicators.schemas import DEFINITIONS_SCHEMA, POPULATION_SCHEMA
from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.plans.models import Target

DEFINITIONS_FILE = settings.DATA_DIR / "indicators" / "definitions.yaml"
POPULATION_FILE = settings.DATA_DIR / "indicators" / "population.yaml"
DEMO_POPULATION_FILE = settings.DATA_DIR / "demo" / "population.yaml"


def region_by_code(code: str) -> Region | None:
    """`370600` is the whole city (None); any other code must be a known region."""
    if code == CITY_CODE:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise LookupError(code)
    return region


@transaction.atomic
def load_definitions(*, actor: Actor, path: Path = DEFINITIONS_FILE) -> LoadResult:
    data, _checksum = load_data_file(path, DEFINITIONS_SCHEMA)
    from ipcity.indicators import compute  # the registry of computation functions

    targets = {t.code: t for t in Target.objects.all()}
    result = LoadResult()
    for index, item in enumerate(data["indicators"]):
        if item["kind"] != "reported" and item.get("function") not in compute.FUNCTIONS:
            raise DataFileError(
                path, f"indicators[{index}].function", f"没有名为 {item.get('function')} 的计算函数"
            )
        target = targets.get(item["target"]) if "target" in item else None
        if "target" in item and target is None:
            raise DataFileError(
                path, f"indicators[{index}].target", f"方案中没有目标 {item['target']}（请先载入方案）"
            )
        _indicator, status = upsert(
            Indicator,
            key={"code": item["code"]},
            values={
                "name": item["name"],
                "unit": item["unit"],
                "kind": item["kind"],
                "direction": item.get("direction", "higher"),
                "definition": item["definition"],
                "source": item["source"],
                "function": item.get("function", ""),
                "decimals": item.get("decimals", 2),
                "target": target,
                "position": index,
            },
            actor=actor,
            action_prefix="indicator",
        )
        result.add("indicator", status)
    return result


@transaction.atomic
def load_population(*, actor: Actor, path: Path = POPULATION_FILE, is_demo: bool = False) -> LoadResult:
    data, _checksum = load_data_file(path, POPULATION_SCHEMA)
    result = LoadResult()
    for index, item in enumerate(data["values"]):
        try:
            region = region_by_code(item["region"])
        except LookupError:
            raise DataFileError(path, f"values[{index}].region", f"未知的区市代码 {item['region']}") from None
        date = dt.date.fromisoformat(item["date"])
        if date.year != item["year"]:
            raise DataFileError(path, f"values[{index}].date", f"时点 {date} 不在 {item['year']} 年")
        _population, status = upsert(
            Population,
            key={"region": region, "year": item["year"], "kind": item["kind"]},
            values={"date": date, "value": item["value"], "source": item["source"], "is_demo": is_demo},
            actor=actor,
            action_prefix="population",
        )
        result.add("population", status)
    for index, item in enumerate(data.get("gaps", [])):
        try:
            region = region_by_code(item["region"])
        except LookupError:
            raise DataFileError(path, f"gaps[{index}].region", f"未知的区市代码 {item['region']}") from None
        for year in item["years"]:
            _gap, status = upsert(
                PopulationGap,
                key={"region": region, "year": year},
                values={"reason": item["reason"]},
                actor=actor,
                action_prefix="population_gap",
            )
            result.add("population_gap", status)
    return result


@transaction.atomic
def set_reported_value(
    indicator: Indicator,
    *,
    actor: Actor,
    region: Region | None,
    year: int,
    value: Decimal,
    source: str,
    source_date: dt.date,
    is_demo: bool = False,
) -> ReportedValue:
    if indicator.kind != "reported":
        raise ValueError(f"指标“{indicator.name}”由系统计算，不能填报")
    reported, _status = upsert(
        ReportedValue,
        key={"indicator": indicator, "region": region, "year": year},
        values={
            "value": value,
            "source": source,
            "source_date": source_date,
            "entered_by": actor.user,
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="reported_value",
    )
    return reported


@transaction.atomic
def record_survey(
    *,
    actor: Actor,
    year: int,
    organiser: str,
    method: str,
    source: str,
    groups: list[dict[str, Any]],
    is_demo: bool = False,
) -> Survey:
    """Replace a year's survey results. `groups`: [{group, sample_size, weight, scores: [{item, subitem, weight, score}]}].

    Group weights must add up to 1, and so must the item weights within each group.
    """
    total = sum((Decimal(str(g["weight"])) for g in groups), Decimal(0))
    if total != Decimal(1):
        raise ValueError(f"受访群体权重之和应为 1，实际为 {total}")
    for g in groups:
        item_total = sum((Decimal(str(s["weight"])) for s in g["scores"]), Decimal(0))
        if item_total != Decimal(1):
            raise ValueError(f"{g['group']} 的指标权重之和应为 1，实际为 {item_total}")
    survey, _status = upsert(
        Survey,
        key={"year": year},
        values={"organiser": organiser, "method": method, "source": source, "is_demo": is_demo},
        actor=actor,
        action_prefix="survey",
    )
    survey.groups.all().delete()
    for g in groups:
        group = SurveyGroup.objects.create(
            survey=survey, group=g["group"], sample_size=g["sample_size"], weight=Decimal(str(g["weight"]))
        )
        SurveyScore.objects.bulk_create(
            SurveyScore(
                group=group,
                item=s["item"],
                subitem=s.get("subitem", ""),
                weight=Decimal(str(s["weight"])),
                score=Decimal(str(s["score"])),
            )
            for s in g["scores"]
        )
    record_event(actor, "survey.results.replace", obj=survey, after={"groups": groups})
    return survey


@transaction.atomic
def record_training(
    *,
    actor: Actor,
    title: str,
    date: dt.date,
    organiser: str,
    region: Region | None,
    attendees: list[dict[str, str]],
    is_demo: bool = False,
) -> tuple[TrainingEvent, int]:
    """Create or update a training and add its attendees (idempotent on name + organisation)."""
    event, _status = upsert(
        TrainingEvent,
        key={"title": title, "date": date},
        values={"organiser": organiser, "region": region, "is_demo": is_demo},
        actor=actor,
        action_prefix="training",
    )
    existing = set(event.attendances.values_list("name", "organisation"))
    new = [a for a in attendees if (a["name"], a.get("organisation", "")) not in existing]
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(
            event=event, name=a["name"], organisation=a.get("organisation", ""), phone=a.get("phone", "")
        )
        for a in new
    )
    if new:
        record_event(actor, "training.attendance.add", obj=event, after={"added": len(new)})
    return event, len(new)


def default_as_of(year: int, today: dt.date | None = None) -> dt.date:
    """Year end, or today while the year is still running."""
    today = today or dt.date.today()
    return min(dt.date(year, 12, 31), today)


def compute_snapshots(
    *,
    year: int,
    actor: Actor,
    as_of: dt.date | None = None,
    indicators: list[Indicator] | None = None,
    regions: list[Region | None] | None = None,
    progress: Any = None,
) -> list[Any]:
    """Compute and store snapshots (idempotent: same inputs → same rows, updated in place).

    Returns the snapshots. The patent facts are refreshed first (only what changed). Each grouped
    count is queried once for all regions; snapshots are read, compared and written in bulk, and
    one audit event summarises the run instead of one per row (snapshots are derived data).
    """
    from ipcity.indicators.facts import refresh_facts
    from ipcity.indicators.flag_source import recompute_linked_flags

    as_of = as_of or default_as_of(year)
    refresh_facts()
    with transaction.atomic():
        snapshots = _compute(year, actor, as_of, indicators, regions, progress, run=None)
        recompute_linked_flags(snapshots, as_of=as_of, actor=actor)  # their 蓝黄红 flags follow
        return snapshots


def compute_years(
    years: list[int], *, actor: Actor, as_of: dt.date | None = None, progress: Any = None
) -> list[Any]:
    """`compute_snapshots` for several years (each as of its year end, or `as_of` when earlier), in
    one transaction and one computation (`Run`): what the years share is read once, and the flags of
    linked milestones are recomputed once at the end."""
    from ipcity.indicators import compute
    from ipcity.indicators.facts import refresh_facts
    from ipcity.indicators.flag_source import recompute_linked_flags

    if as_of is not None and as_of.year < max(years):
        raise ValueError(f"统计时点 {as_of} 早于 {max(years)} 年")
    spans = [(year, min(as_of, default_as_of(year)) if as_of else default_as_of(year)) for year in years]
    refresh_facts()
    run = compute.Run()
    snapshots: list[Any] = []
    with transaction.atomic():
        for year, year_as_of in spans:
            snapshots.extend(_compute(year, actor, year_as_of, None, None, progress, run=run))
        recompute_linked_flags(snapshots, as_of=max(a for _y, a in spans), actor=actor)
    return snapshots


def _compute(
    year: int,
    actor: Actor,
    as_of: dt.date,
    indicators: list[Indicator] | None,
    regions: list[Region | None] | None,
    progress: Any,
    *,
    run: Any,
) -> list[Any]:
    from ipcity.indicators import compute
    from ipcity.indicators.models import Snapshot

    indicators = indicators if indicators is not None else list(Indicator.objects.select_related("target"))
    regions = regions if regions is not None else [None, *Region.objects.all()]
    run = run if run is not None else compute.Run()
    now = timezone.now()
    reported = {
        (r.indicator_id, r.region_id): r
        for r in ReportedValue.objects.filter(
            year=year, indicator__in=[i for i in indicators if i.kind == "reported"]
        )
    }
    existing = {
        (s.indicator_id, s.region_id): s
        for s in Snapshot.objects.filter(year=year, as_of=as_of, indicator__in=indicators)
    }
    snapshots: list[Any] = []
    create: list[Any] = []
    update: list[Any] = []
    for indicator in indicators:
        for region in regions:
            if indicator.kind == "reported":
                result = _reported_result(reported.get((indicator.pk, region.pk if region else None)))
            else:
                ctx = compute.Context(indicator=indicator, region=region, year=year, as_of=as_of, run=run)
                result = compute.FUNCTIONS[indicator.function](ctx)
            values = {
                "status": result.status,
                "value": result.value,
                "numerator": result.numerator,
                "denominator": result.denominator,
                "note": result.note[:300],
                "details": result.details,
            }
            snapshot = existing.get((indicator.pk, region.pk if region else None))
            if snapshot is None:
                snapshot = Snapshot(indicator=indicator, region=region, year=year, as_of=as_of, **values)
                create.append(snapshot)
            # Decimal("1.000000") == Decimal("1"): the stored scale alone is no change.
            elif any(getattr(snapshot, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(snapshot, k, v)
                snapshot.computed_at = now
                update.append(snapshot)
            snapshots.append(snapshot)
            if progress is not None:
                progress()
    _insert_snapshots(create, now)
    Snapshot.objects.bulk_update(update, [*SNAPSHOT_VALUES, "computed_at"], batch_size=500)
    record_event(
        actor,
        "indicators.compute",
        object_type="indicators.snapshot",
        object_repr=f"{year} @ {as_of}",
        after={
            "year": year,
            "as_of": as_of.isoformat(),
            "snapshots": len(snapshots),
            "changed": len(create) + len(update),
        },
    )
    return snapshots


SNAPSHOT_VALUES = ["status", "value", "numerator", "denominator", "note", "details"]
SNAPSHOT_COLUMNS = ["id", "indicator_id", "region_id", "year", "as_of", *SNAPSHOT_VALUES, "computed_at"]


def _insert_snapshots(snapshots: list[Any], now: dt.datetime) -> None:
    """New snapshots through the bulk path the registry imports use (COPY on PostgreSQL,
    executemany on SQLite): a full computation creates ~1,000 of them; ids are allocated first so
    the returned objects carry them."""
    from ipcity.indicators.models import Snapshot
    from ipcity.registry.importers.bulk import allocate_ids, insert_rows

    if not snapshots:
        return
    for snapshot, pk in zip(snapshots, allocate_ids(Snapshot, len(snapshots)), strict=True):
        snapshot.pk = pk
        snapshot.computed_at = now
    insert_rows(
        Snapshot,
        SNAPSHOT_COLUMNS,
        (
            [
                s.pk,
                s.indicator_id,
                s.region_id,
                s.year,
                s.as_of,
                *(getattr(s, f) for f in SNAPSHOT_VALUES),
                now,
            ]
            for s in snapshots
        ),
    )
    for snapshot in snapshots:
        snapshot._state.adding = False  # saved: later saves update, not insert


def _reported_result(reported: ReportedValue | None) -> Any:
    from ipcity.indicators.choices import SnapshotStatus
    from ipcity.indicators.compute import Result

    if reported is None:
        return Result(SnapshotStatus.MISSING_DATA, note="尚未填报")
    return Result(
        SnapshotStatus.OK,
        value=reported.value,
        numerator=reported.value,
        note=f"填报：{reported.source}（{reported.source_date}）"
        + ("（演示数据）" if reported.is_demo else ""),
    )


@transaction.atomic
def set_population_gap(
    *, actor: Actor, region: Region | None, year: int, reason: str
) -> PopulationGap | None:
    """Record why `region` has no 常住人口 for `year` (功能区无常住人口统计); an empty reason removes
    the record. Its per-10,000 indicators say so at the next computation."""
    reason = reason.strip()
    if not reason:
        gap = PopulationGap.objects.filter(region=region, year=year).first()
        if gap is not None:
            delete_audited(
                gap, actor=actor, action_prefix="population_gap", fields=["region", "year", "reason"]
            )
        return None
    gap, _status = upsert(
        PopulationGap,
        key={"region": region, "year": year},
        values={"reason": reason},
        actor=actor,
        action_prefix="population_gap",
    )
    return gap


@transaction.atomic
def set_population(*, actor: Actor, region: Region | None, year: int, value: int, source: str) -> Population:
    population, _status = upsert(
        Population,
        key={"region": region, "year": year, "kind": "year_end"},
        values={"date": dt.date(year, 12, 31), "value": value, "source": source, "is_demo": False},
        actor=actor,
        action_prefix="population",
    )
    return population
