"""China's working-day calendar: statutory holidays and adjusted working weekends kept as data.

The data file is `data/calendar/cn-workdays.yaml` (one block per year, each citing its 国务院办公厅
notice). A working day is a Monday–Friday that is not a holiday, or a Saturday/Sunday that the
notice makes a working day (调休上班). Dates in years the file does not cover are refused with
`WorkdayCalendarError` rather than guessed.

    is_working_day(d)            -> bool
    add_working_days(d, n)       -> the n-th working day after d (n < 0: before d; n == 0: d)
    working_days_between(a, b)   -> number of working days in (a, b]; negative when b < a

so that `working_days_between(d, add_working_days(d, n)) == n` for every n >= 0, and for n < 0 when
d is itself a working day (counting back from a holiday, the first working day before it is n = -1).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ipcity.lib.datafile import DataFileError, load_data_file

CALENDAR_FILE = Path(__file__).resolve().parents[2] / "data" / "calendar" / "cn-workdays.yaml"
COVERAGE_HORIZON_DAYS = 90  # warn the office this long before the calendar's last day

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "weekend", "years"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "weekend": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 7}},
        "years": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": [
                    "year",
                    "notice",
                    "number",
                    "issuer",
                    "published",
                    "status",
                    "checked",
                    "holidays",
                    "working_weekends",
                ],
                "additionalProperties": False,
                "properties": {
                    "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
                    "notice": {"type": "string", "minLength": 1},
                    "number": {"type": ["string", "null"]},
                    "issuer": {"type": "string", "minLength": 1},
                    "published": _DATE,
                    "status": {"enum": ["verified", "unverified"]},
                    "checked": _DATE,
                    "note": {"type": "string"},
                    "holidays": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "from", "to"],
                            "additionalProperties": False,
                            "properties": {"name": {"type": "string"}, "from": _DATE, "to": _DATE},
                        },
                    },
                    "working_weekends": {"type": "array", "items": _DATE},
                },
            },
        },
    },
}


class WorkdayCalendarError(ValueError):
    """A date outside the years the calendar covers, or an inconsistent calendar file."""


@dataclass(frozen=True)
class YearInfo:
    year: int
    notice: str
    number: str | None
    published: dt.date
    status: str
    checked: dt.date


class WorkdayCalendar:
    """Working days over the covered years, precomputed as a sorted list of ordinals."""

    def __init__(
        self,
        years: list[YearInfo],
        holidays: dict[dt.date, str],
        working_weekends: set[dt.date],
        weekend: frozenset[int] = frozenset({6, 7}),
    ) -> None:
        if not years:
            raise WorkdayCalendarError("工作日历为空")
        covered = sorted(y.year for y in years)
        if covered != list(range(covered[0], covered[-1] + 1)):
            raise WorkdayCalendarError(f"工作日历的年份不连续：{covered}")
        self.years = {y.year: y for y in years}
        self.first = dt.date(covered[0], 1, 1)
        self.last = dt.date(covered[-1], 12, 31)
        self.holidays = holidays
        self.working_weekends = frozenset(working_weekends)
        self.weekend = weekend
        ordinals: list[int] = []
        day = self.first
        while day <= self.last:
            if self._computed_is_working(day):
                ordinals.append(day.toordinal())
            day += dt.timedelta(days=1)
        self._working = ordinals

    def _computed_is_working(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        if day.isoweekday() in self.weekend:
            return day in self.working_weekends
        return True

    def _check(self, day: dt.date) -> None:
        if not self.first <= day <= self.last:
            raise WorkdayCalendarError(
                f"工作日历只包含 {self.first.year}–{self.last.year} 年的节假日安排，"
                f"无法判断 {day.isoformat()}（请在 data/calendar/cn-workdays.yaml 中补充该年）"
            )

    def is_working_day(self, day: dt.date) -> bool:
        self._check(day)
        index = bisect_left(self._working, day.toordinal())
        return index < len(self._working) and self._working[index] == day.toordinal()

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        self._check(start)
        self._check(end)
        if end < start:
            return -self.working_days_between(end, start)
        return bisect_right(self._working, end.toordinal()) - bisect_right(self._working, start.toordinal())

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (before it when n < 0); `day` itself when n == 0."""
        self._check(day)
        if n == 0:
            return day
        if n > 0:
            index = bisect_right(self._working, day.toordinal()) + n - 1
        else:
            index = bisect_left(self._working, day.toordinal()) + n
        if not 0 <= index < len(self._working):
            direction = "之后" if n > 0 else "之前"
            raise WorkdayCalendarError(
                f"{day.isoformat()} {direction}第 {abs(n)} 个工作日超出工作日历范围"
                f"（{self.first.isoformat()} 至 {self.last.isoformat()}）"
            )
        return dt.date.fromordinal(self._working[index])

    def unverified_years(self) -> list[int]:
        return sorted(y.year for y in self.years.values() if y.status != "verified")

    def coverage_notice(self, today: dt.date, horizon_days: int = COVERAGE_HORIZON_DAYS) -> str | None:
        """A warning for the office when the calendar ends within `horizon_days` of today: deadlines
        counted in working days (兑现期限, 公示截止) cannot be computed past its last day."""
        if today + dt.timedelta(days=horizon_days) <= self.last:
            return None
        next_year = self.last.year + 1
        state = "已过" if today > self.last else f"还有 {(self.last - today).days} 天到期"
        return (
            f"工作日历只到 {self.last.isoformat()}（{state}）：国务院办公厅发布 {next_year} 年节假日安排后，"
            f"请补录 data/calendar/cn-workdays.yaml；在此之前，超出该日的兑现期限和公示截止日期无法计算。"
        )


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def load_calendar(path: str | Path = CALENDAR_FILE) -> WorkdayCalendar:
    """Read and check the calendar file; raise DataFileError naming the entry at fault."""
    data, _ = load_data_file(path, SCHEMA)
    years: list[YearInfo] = []
    holidays: dict[dt.date, str] = {}
    working: set[dt.date] = set()
    weekend = frozenset(data["weekend"])
    seen: set[int] = set()
    for i, block in enumerate(data["years"]):
        where = f"years[{i}]"
        if block["year"] in seen:
            raise DataFileError(path, f"{where}.year", f"年份 {block['year']} 重复")
        seen.add(block["year"])
        years.append(
            YearInfo(
                year=block["year"],
                notice=block["notice"],
                number=block["number"],
                published=_date(block["published"]),
                status=block["status"],
                checked=_date(block["checked"]),
            )
        )
        for j, holiday in enumerate(block["holidays"]):
            start, end = _date(holiday["from"]), _date(holiday["to"])
            if end < start or (end - start).days > 14:
                raise DataFileError(path, f"{where}.holidays[{j}]", "假期起止日期不合理")
            if abs(start.year - block["year"]) > 1:
                raise DataFileError(path, f"{where}.holidays[{j}]", "假期不在该年度通知的范围内")
            day = start
            while day <= end:
                holidays[day] = holiday["name"]
                day += dt.timedelta(days=1)
        for j, text in enumerate(block["working_weekends"]):
            day = _date(text)
            if day.isoweekday() not in weekend:
                raise DataFileError(
                    path, f"{where}.working_weekends[{j}]", f"{text} 不是周末，不能作为调休上班日"
                )
            if day.year != block["year"]:
                raise DataFileError(path, f"{where}.working_weekends[{j}]", f"{text} 不在 {block['year']} 年")
            working.add(day)
    clash = sorted(d.isoformat() for d in working if d in holidays)
    if clash:
        raise DataFileError(path, "years", f"同一天既是假日又是调休上班日：{', '.join(clash)}")
    try:
        return WorkdayCalendar(years, holidays, working, weekend)
    except WorkdayCalendarError as exc:
        raise DataFileError(path, "years", str(exc)) from exc


@lru_cache(maxsize=1)
def default_calendar() -> WorkdayCalendar:
    return load_calendar(CALENDAR_FILE)


def is_working_day(day: dt.date) -> bool:
    return default_calendar().is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return default_calendar().add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return default_calendar().working_days_between(start, end)


def coverage_notice(today: dt.date) -> str | None:
    return default_calendar().coverage_notice(today)
