"""指标达成 for the supervision assessment (registered at start-up, see IndicatorsConfig.ready).

- A district: its 每万人口高价值发明专利拥有量 for the year as a share of the plan's 2024 target
  (capped at 1). The plan sets the target for the city; measuring each district against it is an
  ipcity convention, stated in the basis text.
- The lead IP authority (市市场监管局): the share of the city's targeted indicators that are on track.
- Other departments: None (the plan assigns them no indicator), so the component is left out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ipcity.core.models import Department, Region
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.selectors import progress_for

DISTRICT_INDICATOR = "hv_invention_patents_per_10k"


def _latest(indicator: Indicator, region: Region | None, year: int, on: dt.date) -> Snapshot | None:
    return (
        Snapshot.objects.filter(indicator=indicator, region=region, year=year, as_of__lte=on)
        .order_by("-as_of")
        .first()
    )


def indicator_achievement(kind: str, code: str, year: int, on: dt.date) -> tuple[Decimal, str] | None:
    if kind == "region":
        region = Region.objects.filter(code=code).first()
        indicator = Indicator.objects.select_related("target").filter(code=DISTRICT_INDICATOR).first()
        if region is None or indicator is None or indicator.target is None or not indicator.target.value:
            return None
        snapshot = _latest(indicator, region, year, on)
        if snapshot is None or snapshot.value is None:
            return None
        ratio = min(Decimal(1), snapshot.value / indicator.target.value)
        return ratio, (
            f"{indicator.name} {snapshot.value.normalize():f} ÷ 方案目标 {indicator.target.value.normalize():f}"
            f"（全市目标用于区市比较，统计时点 {snapshot.as_of}）"
        )
    department = Department.objects.filter(code=code).first()
    if department is None or not department.is_lead_ip_authority:
        return None
    judged = on_track = 0
    for indicator in Indicator.objects.select_related("target").exclude(target=None):
        by_year = {
            s.year: s
            for s in Snapshot.objects.filter(indicator=indicator, region=None, as_of__lte=on).order_by(
                "as_of"
            )
        }
        progress = progress_for(indicator, by_year, year)
        if progress is None:
            continue
        judged += 1
        on_track += progress.on_track
    if not judged:
        return None
    return Decimal(on_track) / judged, f"全市有目标的指标中进度正常 {on_track} 项 / 共 {judged} 项"
