"""China's working-day calendar: statutory holidays and adjusted working weekends kept as data.

Pure: no models. The city office keeps the calendar in the database (ipcity.core.workdays builds a
`WorkdayCalendar` from it); `data/calendar/cn-workdays.yaml` is the reviewed seed the database
starts from (`read_calendar_file`). Each year follows one 国务院办公厅 notice, entered as a small
table: one row per date or date range, 放假 or 调休上班, and the holiday's name (`parse_table_rows`,
then `check_year_rows` for the rules every year's table must keep).

A working day is a Monday–Friday that is not a holiday, or a Saturday/Sunday that the notice makes a
working day (调休上班). Dates in years the calendar does not cover are refused with
`WorkdayCalendarError` rather than guessed.

    is_working_day(d)            -> bool
    add_working_days(d, n)       -> the n-th working day after d (n < 0: before d; n == 0: d)
    working_days_between(a, b)   -> number of working days in (a, b]; negative when b < a

so that `working_days_between(d, add_working_days(d, n)) == n` for every n >= 0, and for n < 0 when
d is itself a working day (counting back from a holiday, the first working day before it is n = -1).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.lib.dates import DateFormatError, parse_date_text

COVERAGE_HORIZON_DAYS = 90  # warn the office this long before the calendar's last day
WEEKEND = frozenset({6, 7})  # ISO weekdays: Saturday, Sunday
WEEKDAY_NAMES = "一二三四五六日"
MAX_RANGE_DAYS = 14  # the longest statutory break (春节) is 9 days; a longer row is a typing error
# A notice for year Y may start the New Year break in the last days of Y-1 (2023: 2022-12-31 off;
# 2019: 2018-12-29 worked, 12-30 and 12-31 off).
PREVIOUS_YEAR_FROM = (12, 25)

HOLIDAY = "holiday"
WORKDAY = "workday"
KIND_LABELS = {HOLIDAY: "放假", WORKDAY: "调休上班"}
# What the office may type in the 类型 column.
KIND_WORDS = {
    "放假": HOLIDAY,
    "休": HOLIDAY,
    "调休上班": WORKDAY,
    "上班": WORKDAY,
    "补班": WORKDAY,
    "班": WORKDAY,
}
VERIFIED = "verified"
UNVERIFIED = "unverified"

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "weekend", "years"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "weekend": {"const": [6, 7]},
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
                    "status": {"enum": [VERIFIED, UNVERIFIED]},
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
    """A date outside the years the calendar covers, or an inconsistent calendar."""


@dataclass(frozen=True)
class YearInfo:
    """The notice a year's arrangement follows, and whether its dates were checked against it."""

    year: int
    notice: str
    number: str
    issuer: str
    published: dt.date
    status: str
    checked: dt.date | None
    note: str = ""


@dataclass(frozen=True)
class DayEntry:
    """One date of a year's arrangement: a holiday (放假) or an adjusted working weekend (调休上班)."""

    date: dt.date
    kind: str
    name: str = ""


@dataclass(frozen=True)
class RangeRow:
    """One row of a year's table: a date or a date range of one kind. `ref` names the row in errors
    ("第 3 行" for the office's table, "years[2].holidays[4]" for the seed file)."""

    ref: str
    start: dt.date
    end: dt.date
    kind: str
    name: str = ""

    def days(self) -> list[DayEntry]:
        count = (self.end - self.start).days + 1
        return [
            DayEntry(self.start + dt.timedelta(days=i), self.kind, self.name) for i in range(max(count, 0))
        ]


@dataclass(frozen=True)
class Problem:
    ref: str
    message: str

    def __str__(self) -> str:
        return f"{self.ref}：{self.message}"


def weekday_name(day: dt.date) -> str:
    return "星期" + WEEKDAY_NAMES[day.isoweekday() - 1]


def in_notice_year(day: dt.date, year: int) -> bool:
    """Whether a date may appear in the notice for `year` (its own dates, or the New Year break
    starting in the last days of the year before)."""
    return day.year == year or (day.year == year - 1 and (day.month, day.day) >= PREVIOUS_YEAR_FROM)


def _dates_text(dates: list[dt.date]) -> str:
    if len(dates) == 1:
        return dates[0].isoformat()
    if (dates[-1] - dates[0]).days == len(dates) - 1:
        return f"{dates[0].isoformat()} 至 {dates[-1].isoformat()}"
    shown = "、".join(d.isoformat() for d in dates[:3])
    return shown if len(dates) <= 3 else f"{shown} 等 {len(dates)} 天"


def check_year_rows(year: int, rows: Sequence[RangeRow]) -> tuple[list[DayEntry], list[Problem]]:
    """The days of one year's table, and every rule it breaks (each naming its row).

    Rules: a range does not run backwards nor span more than MAX_RANGE_DAYS; every date belongs to the
    notice's year; a 调休上班 day is a Saturday or Sunday (a 放假 day may fall on a weekend: holidays
    include weekends); a 放假 row names its holiday; no date appears twice."""
    days: list[DayEntry] = []
    problems: list[Problem] = []
    seen: dict[dt.date, str] = {}
    for row in rows:
        if row.end < row.start:
            problems.append(
                Problem(
                    row.ref,
                    f"起止日期颠倒：结束日期 {row.end.isoformat()} 早于开始日期 {row.start.isoformat()}",
                )
            )
            continue
        span = (row.end - row.start).days + 1
        if span > MAX_RANGE_DAYS:
            problems.append(Problem(row.ref, f"起止日期跨越 {span} 天，一行最多 {MAX_RANGE_DAYS} 天"))
            continue
        if row.kind == HOLIDAY and not row.name.strip():
            problems.append(Problem(row.ref, "放假的日期须填写节日名称"))
        outside: list[dt.date] = []
        weekdays: list[dt.date] = []
        repeated: dict[str, list[dt.date]] = {}
        for entry in row.days():
            if not in_notice_year(entry.date, year):
                outside.append(entry.date)
            elif entry.kind == WORKDAY and entry.date.isoweekday() not in WEEKEND:
                weekdays.append(entry.date)
            elif entry.date in seen:
                repeated.setdefault(seen[entry.date], []).append(entry.date)
            else:
                seen[entry.date] = row.ref
                days.append(entry)
        if outside:
            problems.append(
                Problem(
                    row.ref,
                    f"{_dates_text(outside)} 不属于 {year} 年的安排"
                    f"（只能是 {year} 年的日期，或上一年 12 月下旬的元旦假期）",
                )
            )
        if weekdays:
            named = "、".join(f"{d.isoformat()}（{weekday_name(d)}）" for d in weekdays[:3])
            problems.append(Problem(row.ref, f"{named}不是周末：调休上班日只能是星期六或星期日"))
        for earlier, dates in repeated.items():
            where = "本行前面" if earlier == row.ref else earlier
            problems.append(Problem(row.ref, f"{_dates_text(dates)} 重复：{where}已有这一天"))
    return days, problems


# --- the office's table: one row per date or date range -------------------------------------------

_RANGE = re.compile(r"^(.+?)\s*(?:至|到|~|～|—|–|--)\s*(.+)$")
_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})日?$")
_DAY_ONLY = re.compile(r"^(\d{1,2})日$")


def parse_when(text: str) -> tuple[dt.date, dt.date]:
    """A 日期 or 起止日期 cell: `2027-02-06`, `2027-02-06至2027-02-12`, `2027年2月6日至2月12日`,
    `2027-02-06 2027-02-12` … Raises DateFormatError with a Chinese reason."""
    text = text.strip()
    if not text:
        raise DateFormatError("日期为空")
    match = _RANGE.match(text)
    if match:
        start_text, end_text = match.group(1), match.group(2).strip()
    elif len(text.split()) == 2:
        start_text, end_text = text.split()
    else:
        day = parse_date_text(text)
        return day, day
    start = parse_date_text(start_text)
    month_day = _MONTH_DAY.match(end_text)
    day_only = _DAY_ONLY.match(end_text)
    try:
        if month_day:
            end = dt.date(start.year, int(month_day.group(1)), int(month_day.group(2)))
        elif day_only:
            end = dt.date(start.year, start.month, int(day_only.group(1)))
        else:
            return start, parse_date_text(end_text)
    except ValueError as exc:
        raise DateFormatError(f"不存在的日期“{end_text}”") from exc
    return start, end


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip()


def parse_table_rows(rows: Iterable[tuple[int, Sequence[object]]]) -> tuple[list[RangeRow], list[Problem]]:
    """Rows of the office's table as (row number, cells): 日期或起止日期, 类型, 节日名称.

    Cells may be split further (a pasted line "2027-02-06 至 2027-02-12 放假 春节" arrives as
    several cells): the 类型 cell is found by its word, the cells before it are the date, the cells
    after it the name. Empty rows and a header row (日期 … 类型 …) are skipped."""
    parsed: list[RangeRow] = []
    problems: list[Problem] = []
    first = True
    for number, raw_cells in rows:
        cells = [text for text in (_cell_text(c) for c in raw_cells if c is not None) if text]
        if not cells:
            continue
        ref = f"第 {number} 行"
        kind_at = next((i for i, c in enumerate(cells) if c in KIND_WORDS), None)
        if first and kind_at is None and any("日期" in c for c in cells):
            first = False
            continue  # the header row
        first = False
        if kind_at is None:
            problems.append(Problem(ref, "缺少类型：应写“放假”或“调休上班”"))
            continue
        if kind_at == 0:
            problems.append(Problem(ref, "缺少日期：类型前应写日期或起止日期"))
            continue
        name = " ".join(cells[kind_at + 1 :])
        if len(name) > 40:
            problems.append(Problem(ref, "节日名称最多 40 个字"))
            continue
        try:
            start, end = parse_when(" ".join(cells[:kind_at]))
        except DateFormatError as exc:
            problems.append(Problem(ref, str(exc)))
            continue
        parsed.append(RangeRow(ref, start, end, KIND_WORDS[cells[kind_at]], name))
    return parsed, problems


# --- the calendar ------------------------------------------------------------------------------------


class WorkdayCalendar:
    """Working days over the covered years, precomputed as a sorted list of ordinals."""

    def __init__(
        self,
        years: list[YearInfo],
        holidays: dict[dt.date, str],
        working_weekends: set[dt.date],
        weekend: frozenset[int] = WEEKEND,
    ) -> None:
        if not years:
            raise WorkdayCalendarError("工作日历尚未录入任何年份")
        covered = sorted(y.year for y in years)
        missing = sorted(set(range(covered[0], covered[-1] + 1)) - set(covered))
        if missing:
            raise WorkdayCalendarError(f"工作日历缺少 {'、'.join(str(y) for y in missing)} 年")
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

    @classmethod
    def from_entries(cls, years: list[YearInfo], days: Iterable[DayEntry]) -> WorkdayCalendar:
        holidays: dict[dt.date, str] = {}
        working: set[dt.date] = set()
        for entry in days:
            if entry.date in holidays or entry.date in working:
                raise WorkdayCalendarError(f"{entry.date.isoformat()} 在工作日历中出现了两次")
            if entry.kind == HOLIDAY:
                holidays[entry.date] = entry.name
            else:
                working.add(entry.date)
        return cls(years, holidays, working)

    def _computed_is_working(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        if day.isoweekday() in self.weekend:
            return day in self.working_weekends
        return True

    def _check(self, day: dt.date) -> None:
        if day > self.last:
            raise WorkdayCalendarError(
                f"工作日历尚未录入 {day.year} 年，无法判断 {day.isoformat()} 是否为工作日"
            )
        if day < self.first:
            raise WorkdayCalendarError(
                f"工作日历从 {self.first.year} 年开始，无法判断 {day.isoformat()} 是否为工作日"
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
            beyond = (
                f"工作日历尚未录入 {self.last.year + 1} 年"
                if n > 0
                else f"工作日历从 {self.first.year} 年开始"
            )
            raise WorkdayCalendarError(
                f"{day.isoformat()} {direction}第 {abs(n)} 个工作日超出工作日历范围（{beyond}）"
            )
        return dt.date.fromordinal(self._working[index])

    def unverified_years(self) -> list[int]:
        return sorted(y.year for y in self.years.values() if y.status != VERIFIED)

    def coverage_notice(self, today: dt.date, horizon_days: int = COVERAGE_HORIZON_DAYS) -> str | None:
        return coverage_notice(self.last, today, horizon_days)


def coverage_notice(last: dt.date, today: dt.date, horizon_days: int = COVERAGE_HORIZON_DAYS) -> str | None:
    """A warning for the office when the calendar (ending on `last`) ends within `horizon_days` of
    today: deadlines counted in working days (兑现期限, 公示截止) cannot be computed past its last day."""
    if today + dt.timedelta(days=horizon_days) <= last:
        return None
    state = "已过" if today > last else f"还有 {(last - today).days} 天到期"
    return (
        f"工作日历只到 {last.isoformat()}（{state}）：国务院办公厅发布 {last.year + 1} 年节假日安排后，"
        f"请录入工作日历；在此之前，超出该日的兑现期限和公示截止日期无法计算。"
    )


# --- the seed file -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedYear:
    info: YearInfo
    days: list[DayEntry]


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def read_calendar_file(path: str | Path) -> list[SeedYear]:
    """Read and check the seed file; raise DataFileError naming the entry at fault."""
    data, _ = load_data_file(path, SCHEMA)
    years: list[SeedYear] = []
    seen: set[int] = set()
    for i, block in enumerate(data["years"]):
        where = f"years[{i}]"
        year = block["year"]
        if year in seen:
            raise DataFileError(path, f"{where}.year", f"年份 {year} 重复")
        seen.add(year)
        rows = [
            RangeRow(f"{where}.holidays[{j}]", _date(h["from"]), _date(h["to"]), HOLIDAY, h["name"])
            for j, h in enumerate(block["holidays"])
        ] + [
            RangeRow(f"{where}.working_weekends[{j}]", _date(d), _date(d), WORKDAY)
            for j, d in enumerate(block["working_weekends"])
        ]
        days, problems = check_year_rows(year, rows)
        if problems:
            raise DataFileError(path, problems[0].ref, problems[0].message)
        info = YearInfo(
            year=year,
            notice=block["notice"],
            number=block["number"] or "",
            issuer=block["issuer"],
            published=_date(block["published"]),
            status=block["status"],
            checked=_date(block["checked"]),
            note=block.get("note", ""),
        )
        years.append(SeedYear(info, days))
    try:
        WorkdayCalendar.from_entries([y.info for y in years], [d for y in years for d in y.days])
    except WorkdayCalendarError as exc:
        raise DataFileError(path, "years", str(exc)) from exc
    return years


def load_calendar(path: str | Path) -> WorkdayCalendar:
    """The calendar of the seed file alone (tests, and checking the file before it is loaded)."""
    years = read_calendar_file(path)
    return WorkdayCalendar.from_entries([y.info for y in years], [d for y in years for d in y.days])
