"""The working-day calendar as the city office keeps it in the database.

`current_calendar()` builds an `ipcity.lib.workdays.WorkdayCalendar` from CalendarYear/CalendarDay and
keeps it in the process, keyed by a version: the number of years, the last year and the latest
`updated_at` (every calendar write touches its year). The version is one small query, read once per
request (again after a write in that request) and, outside requests (commands, the worker), on
every call; the calendar is rebuilt only when the version changed. So a change made in any process
is seen on the next request everywhere, and the services call `invalidate()` on every write.

The coverage banner needs only the last year, which the version carries: the city office's pages
pay that one query, never the build.

The module-level functions are what the rest of the platform calls (grants' 兑现期限, 公示截止):

    is_working_day(d), add_working_days(d, n), working_days_between(a, b), coverage_notice(today)

They raise WorkdayCalendarError (plain Chinese: "工作日历尚未录入 2027 年…") for dates the calendar
does not cover, and when no year has been entered.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.db.models import Count, Max
from django.dispatch import Signal

from ipcity.core.models import CalendarDay, CalendarYear
from ipcity.lib import workdays as lib
from ipcity.lib.workdays import WorkdayCalendar, WorkdayCalendarError

# Sent after a calendar write has committed, with `actor`: deadlines computed from the calendar
# elsewhere (grants' 兑现期限) are brought up to date by their own app's receiver.
calendar_changed = Signal()

__all__ = [
    "WorkdayCalendarError",
    "add_working_days",
    "coverage_notice",
    "current_calendar",
    "invalidate",
    "is_working_day",
    "working_days_between",
]

Version = tuple[int, int | None, Any]  # (years, last year, latest updated_at)

_cache: tuple[Version, WorkdayCalendar | str] | None = None  # a str: why it cannot be used
_request = threading.local()  # .active: inside a request; .version: read in this request


def _version() -> Version:
    version: Version | None = getattr(_request, "version", None)
    if version is None:
        row = CalendarYear.objects.aggregate(years=Count("id"), last=Max("year"), changed=Max("updated_at"))
        version = (row["years"], row["last"], row["changed"])
        if getattr(_request, "active", False):
            _request.version = version
    return version


def _build() -> WorkdayCalendar | str:
    years = [y.info() for y in CalendarYear.objects.order_by("year")]
    if not years:
        return "工作日历尚未录入任何年份"
    try:
        return WorkdayCalendar.from_entries(years, (d.entry() for d in CalendarDay.objects.all()))
    except WorkdayCalendarError as exc:  # only possible if the tables were changed behind the services
        return str(exc)


def current_calendar() -> WorkdayCalendar:
    """The calendar as stored now; raises WorkdayCalendarError when it cannot be used."""
    global _cache
    # The version first, then the rows: a write between the two leaves a newer calendar under an
    # older version, which the next check replaces (never the reverse).
    version = _version()
    cached = _cache
    if cached is None or cached[0] != version:
        cached = (version, _build())
        _cache = cached
    calendar = cached[1]
    if isinstance(calendar, str):
        raise WorkdayCalendarError(calendar)
    return calendar


def invalidate() -> None:
    """Forget the built calendar and this request's version (the services call this on every write)."""
    global _cache
    _cache = None
    _request.version = None


def request_started(**kwargs: Any) -> None:
    _request.active = True
    _request.version = None


def request_finished(**kwargs: Any) -> None:
    _request.active = False
    _request.version = None


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return current_calendar().add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return current_calendar().working_days_between(start, end)


def coverage_notice(today: dt.date) -> str | None:
    """What the city office must do so that working-day deadlines stay computable, or None."""
    years, last, _changed = _version()
    if not years or last is None:
        return (
            "工作日历尚未录入任何年份：兑现期限和公示截止日期无法计算，请录入国务院办公厅公布的节假日安排。"
        )
    return lib.coverage_notice(dt.date(last, 12, 31), today)
