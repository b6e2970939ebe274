"""The protection indicators (方案二(一)): disputes filed per district and year, and their median
cycle time — computed from the dispute cases (protection.selectors) and registered with the
indicators' engine when the app is ready (the indicators app does not know this one)."""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any

from ipcity.indicators.choices import SnapshotStatus
from ipcity.indicators.compute import Context, Result, measure, ok_count
from ipcity.indicators.registry_measures import Drill, records, scoped
from ipcity.protection.models import Dispute


def _disputes(ctx: Context) -> Any:
    rows = Dispute.objects.filter(filed_on__year=ctx.year, filed_on__lte=ctx.as_of)
    return rows if ctx.region is None else rows.filter(region=ctx.region)


@measure("dispute_cases")
def dispute_cases(ctx: Context) -> Result:
    """Cases (行政裁决 and 调解) filed in the year, by the district that handles them."""
    return ok_count(_disputes(ctx).count())


@measure("dispute_cycle_days")
def dispute_cycle_days(ctx: Context) -> Result:
    """Median days from filing to closing of the year's cases that have ended by the as-of date."""
    cycles = [
        (closed - filed).days
        for filed, closed in _disputes(ctx)
        .filter(closed_on__lte=ctx.as_of)
        .values_list("filed_on", "closed_on")
    ]
    if not cycles:
        return Result(SnapshotStatus.MISSING_DATA, note="该年度尚无办结的案件")
    median = Decimal(str(statistics.median(cycles)))
    return Result(SnapshotStatus.OK, value=median, numerator=median, details={"ended": len(cycles)})


@records("dispute_cases", "dispute_cycle_days")
def _dispute_records(ctx: Context, user: Any) -> Drill:
    """The cases behind the numbers, as the dispute list shows them to the user."""
    queryset = _disputes(ctx).select_related("region").order_by("filed_on", "id")
    return scoped(
        ["案件编号", "案件类型", "办理区市", "请求人", "被请求人", "申请日期", "结案日期", "办案周期（天）"],
        queryset,
        Dispute.objects.visible_to(user),
        lambda d: {
            "案件编号": d.number,
            "案件类型": d.get_kind_display(),
            "办理区市": d.region.name,
            "请求人": d.claimant_name,
            "被请求人": d.respondent_name,
            "申请日期": d.filed_on,
            "结案日期": d.closed_on,
            "办案周期（天）": d.cycle_days,
        },
    )
