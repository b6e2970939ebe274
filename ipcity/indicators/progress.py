"""Progress to target: where an indicator should be by now, and whether it is on track.

Plain Python (no Django). Targets follow the plan's periods: `end` (a level to reach by the target
year), `annual` (every year), `total` (cumulative over 2022–2024).

A value measured before the end of its year (`as_of`) is judged against the share of the year
elapsed (序时): an annual target of 1000 expects 500 by about 1 July, a period total and a linear
path count the current year by its elapsed share. A year-end value is judged against the full
target. Targets to stay at or below (≤) are never pro-rated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PLAN_FIRST_YEAR = 2022
BASE_YEAR = 2021


@dataclass(frozen=True)
class Progress:
    year: int
    value: Decimal
    target: Decimal
    expected_linear: Decimal | None  # where a straight path from the base would be this year
    projected_linear: Decimal | None  # the target year's value if the average yearly change continues
    projected_compound: Decimal | None  # the same with the average growth rate (compound)
    on_track: bool
    explanation: str


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def year_share(year: int, as_of: dt.date | None) -> Decimal:
    """The elapsed share of `year` on `as_of` (its day included); 1 at or after year end."""
    if as_of is None or as_of >= dt.date(year, 12, 31):
        return Decimal(1)
    if as_of < dt.date(year, 1, 1):
        return Decimal(0)
    days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    return Decimal((as_of - dt.date(year, 1, 1)).days + 1) / Decimal(days)


def assess(
    *,
    period: str,
    comparison: str,
    target: Decimal,
    target_year: int,
    year: int,
    value: Decimal,
    base: Decimal | None = None,
    as_of: dt.date | None = None,
    show: Callable[[Decimal], str] = str,
) -> Progress:
    """On/off track for one year's value. `base` is the 2021 value (needed for `end` targets);
    `as_of` the date the value was measured (default: the year's end); `show` writes the values in
    the explanation (lib.numbers.format_quantity for the indicator's unit: 1 亿元, not 100000000)."""
    higher = comparison != "<="
    share = year_share(year, as_of) if higher else Decimal(1)
    if period == "annual":
        if share < 1:
            expected = _q(target * share)
            on_track = value >= expected
            text = f"年度目标 ≥ {show(target)}，按序时（{as_of} 已过 {_q(share * 100)}%）应达 {show(expected)}，已达 {show(value)}"
            return Progress(year, value, target, expected, None, None, on_track, text)
        on_track = value >= target if higher else value <= target
        return Progress(
            year,
            value,
            target,
            None,
            None,
            None,
            on_track,
            f"年度目标 {'≥' if higher else '≤'} {show(target)}，当年 {show(value)}",
        )
    if period == "total":
        done = min(year, target_year) - PLAN_FIRST_YEAR + (share if year <= target_year else 1)
        elapsed = max(Decimal(0), Decimal(done))
        span = target_year - PLAN_FIRST_YEAR + 1
        expected = _q(target * elapsed / span)
        projected = _q(value * span / elapsed) if elapsed else None
        on_track = value >= expected
        return Progress(
            year,
            value,
            target,
            expected,
            projected,
            None,
            on_track,
            f"期内累计目标 {show(target)}：按序时应达 {show(expected)}，已达 {show(value)}",
        )
    # period == "end": a level to reach by target_year from the 2021 base.
    if base is None:
        return Progress(
            year,
            value,
            target,
            None,
            None,
            None,
            value >= target,
            f"缺少 {BASE_YEAR} 年基数，仅与目标值 {show(target)} 比较",
        )
    years_total = target_year - BASE_YEAR
    years_done = year - BASE_YEAR - 1 + share
    expected = _q(base + (target - base) * years_done / years_total)
    projected_linear = _q(base + (value - base) * years_total / years_done) if years_done > 0 else None
    projected_compound = None
    if years_done > 0 and base > 0 and value > 0:
        rate = (float(value) / float(base)) ** (1 / float(years_done))
        projected_compound = _q(Decimal(str(float(base) * rate**years_total)))
    on_track = value >= expected if higher else value <= expected
    return Progress(
        year,
        value,
        target,
        expected,
        projected_linear,
        projected_compound,
        on_track,
        f"{BASE_YEAR} 年基数 {show(base)} → {target_year} 年目标 {show(target)}：按线性路径 {year} 年应达 {show(expected)}，实际 {show(value)}",
    )
