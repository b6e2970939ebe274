"""Indicator progress for the supervision 蓝黄红 flags (registered at start-up, see IndicatorsConfig.ready).

A milestone counting towards a plan target that an indicator carries gets one check per snapshot
of that indicator for the milestone's year, dated by the snapshot's statistics date (as_of), so
replaying a past day sees only the snapshots of that day or before:

- a city milestone (no region): the city's snapshots, on/off track by `progress_for` against the
  plan target (the latest 2021 city snapshot dated on or before the check as the base);
- a district milestone: its region's snapshots, compared with the milestone's own target
  (comparison and value, or range, read in the indicator's unit); a count towards an annual or
  period-total target (≥) is compared with the share of the milestone's span elapsed (序时). Without its own target it gets
  no check: the plan's targets are set for the whole city, and a district's count compared with a
  city-wide total would always read off track.

Snapshots without a value (missing data) give no check. The supervision condition
`indicator_off_track` holds while the latest check is off track (docs/supervision.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q

from ipcity.core.audit import Actor
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.progress import BASE_YEAR
from ipcity.indicators.selectors import progress_for
from ipcity.plans.choices import Comparison, TargetPeriod
from ipcity.supervision.engine import IndicatorCheck


def _plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros (8.120000 → 8.12, 1000.000000 → 1000) for the text."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _has_own_target(milestone: Any) -> bool:
    if milestone.comparison == Comparison.RANGE:
        return milestone.target_min is not None and milestone.target_max is not None
    return bool(milestone.comparison) and milestone.target_value is not None


def span_share(milestone: Any, on: dt.date) -> Decimal:
    """The elapsed share of the milestone's span start..due on `on` (both days included), 0..1."""
    days = (milestone.due - milestone.start).days + 1
    if days <= 0 or on >= milestone.due:
        return Decimal(1)
    return max(Decimal(0), Decimal((on - milestone.start).days + 1) / Decimal(days))


def _meets_own_target(milestone: Any, value: Decimal, expected: Decimal | None) -> bool:
    if milestone.comparison == Comparison.RANGE:
        return bool(milestone.target_min <= value <= milestone.target_max)
    if milestone.comparison == Comparison.AT_MOST:
        return bool(value <= milestone.target_value)
    if milestone.comparison == Comparison.EQUAL:
        return bool(value == milestone.target_value)
    return bool(value >= (expected if expected is not None else milestone.target_value))


def _verdict(on_track: bool) -> str:
    return "进度正常" if on_track else "偏离目标进度"


def _city_check(indicator: Indicator, snapshot: Snapshot, bases: list[Snapshot]) -> IndicatorCheck | None:
    known = [b for b in bases if b.as_of <= snapshot.as_of]  # bases are ordered by as_of
    by_year = {snapshot.year: snapshot}
    if known and snapshot.year != BASE_YEAR:
        by_year[BASE_YEAR] = known[-1]
    progress = progress_for(indicator, by_year, snapshot.year)
    if progress is None:
        return None
    return IndicatorCheck(
        snapshot.as_of,
        progress.on_track,
        f"{indicator.name}（全市，统计时点 {snapshot.as_of}）：{progress.explanation}，{_verdict(progress.on_track)}",
    )


def _region_check(milestone: Any, indicator: Indicator, snapshot: Snapshot) -> IndicatorCheck:
    """A count that accumulates over the milestone (an annual or period-total target, ≥) is judged
    against the share of the milestone's span elapsed on the snapshot's date (序时); a level, a
    ceiling or a range against the target itself."""
    assert snapshot.value is not None  # snapshots without a value are left out
    expected = None
    share = span_share(milestone, snapshot.as_of)
    flow = indicator.target is not None and indicator.target.period in (
        TargetPeriod.ANNUAL,
        TargetPeriod.TOTAL,
    )
    if flow and milestone.comparison == Comparison.AT_LEAST and share < 1:
        expected = (milestone.target_value * share).quantize(Decimal("0.01"))
    on_track = _meets_own_target(milestone, snapshot.value, expected)
    region = snapshot.region.name if snapshot.region else ""
    goal = (
        f"按序时应达 {expected}（节点目标 {milestone.display_target}）"
        if expected is not None
        else (f"节点目标 {milestone.display_target}")
    )
    return IndicatorCheck(
        snapshot.as_of,
        on_track,
        f"{indicator.name}（{region}，统计时点 {snapshot.as_of}）：{goal}，"
        f"实际 {snapshot.value} {indicator.unit}，{_verdict(on_track)}",
    )


def indicator_checks(milestones: list[Any]) -> dict[int, list[IndicatorCheck]]:
    """{milestone id: its indicator checks} for the milestones that have any. Two queries (the
    indicators carrying the milestones' targets, then their snapshots), none when no milestone is
    linked to a target."""
    linked = [m for m in milestones if m.target_id is not None]
    if not linked:
        return {}
    carried: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.select_related("target").filter(
        target_id__in={m.target_id for m in linked}
    ):
        if indicator.target_id is None or indicator.target is None:
            continue
        if indicator.target.value is not None:
            indicator.target.value = _plain(indicator.target.value)
        carried[indicator.target_id].append(indicator)
    linked = [m for m in linked if m.target_id in carried and (m.region_id is None or _has_own_target(m))]
    if not linked:
        return {}
    indicator_ids = {i.pk for m in linked for i in carried[m.target_id]}
    region_ids = {m.region_id for m in linked if m.region_id is not None}
    series: dict[tuple[int, int | None, int], list[Snapshot]] = defaultdict(list)
    snapshots = (
        Snapshot.objects.filter(
            indicator_id__in=indicator_ids, year__in={m.year for m in linked} | {BASE_YEAR}
        )
        .filter(Q(region__isnull=True) | Q(region_id__in=region_ids))
        .exclude(value=None)
        .select_related("region")
        .only("indicator_id", "region", "region__name", "year", "as_of", "value")
        .order_by("as_of", "pk")
    )
    for snapshot in snapshots:
        assert snapshot.value is not None
        snapshot.value = _plain(snapshot.value)
        series[(snapshot.indicator_id, snapshot.region_id, snapshot.year)].append(snapshot)
    out: dict[int, list[IndicatorCheck]] = {}
    for m in linked:
        checks: list[IndicatorCheck] = []
        for indicator in carried[m.target_id]:
            for snapshot in series.get((indicator.pk, m.region_id, m.year), []):
                if m.region_id is not None:
                    checks.append(_region_check(m, indicator, snapshot))
                else:
                    bases = series.get((indicator.pk, None, BASE_YEAR), [])
                    check = _city_check(indicator, snapshot, bases)
                    if check is not None:
                        checks.append(check)
        if checks:
            out[m.pk] = checks
    return out


def recompute_linked_flags(snapshots: Iterable[Snapshot], *, as_of: dt.date, actor: Actor) -> None:
    """After a computation: the stored flags of the milestones counting towards the targets of the
    recomputed indicators are brought up to date (one query here, then the supervision service)."""
    from ipcity.supervision.services import recompute_flags_for_targets

    indicator_ids = {s.indicator_id for s in snapshots}
    if not indicator_ids:
        return
    target_ids = Indicator.objects.filter(pk__in=indicator_ids, target__isnull=False).values_list(
        "target_id", flat=True
    )
    recompute_flags_for_targets(list(target_ids), as_of=as_of, actor=actor)
