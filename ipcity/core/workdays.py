"""The working-day calendar as the city office keeps it in the database.

`current_calendar()` builds an `ipcity.lib.workdays.WorkdayCalendar` from CalendarYear/CalendarDay and
keeps it in the process, keyed by a version (the number of years and the latest `updated_at`; every
calendar write touches its year). The version is read once per request (again after a write in
that request); outside requests (commands, the worker) on every call, so a change made anywhere is
seen at once. The services call `invalidate()` on every write.

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

from ipcity.core.models import CalendarDay, CalendarYear
from ipcity.lib.workdays import WorkdayCalendar, WorkdayCalendarError

__all__ = [
    "WorkdayCalendarError",
    "add_working_days",
    "coverage_notice",
    "current_calendar",
    "invalidate",
    "is_working_day",
    "working_days_between",
]

Version = tuple[int, Any]

_cache: tuple[Version, WorkdayCalendar | str] | None = None  # a str: why it cannot be used
_request = threading.local()  # .active: inside a request; .checked: version read in this request


def _version() -> Version:
    row = CalendarYear.objects.aggregate(years=Count("id"), changed=Max("updated_at"))
    return row["years"], row["changed"]


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
    cached = _cache
    if cached is None or not getattr(_request, "checked", False):
        # The version first, then the rows: a write between the two leaves a newer calendar under an
        # older version, which the next check replaces (never the reverse).
        version = _version()
        if cached is None or cached[0] != version:
            cached = (version, _build())
            _cache = cached
        _request.checked = getattr(_request, "active", False)
    calendar = cached[1]
    if isinstance(calendar, str):
        raise WorkdayCalendarError(calendar)
    return calendar


def invalidate() -> None:
    """Forget the built calendar (the services call this on every write)."""
    global _cache
    _cache = None
    _request.checked = False


def request_started(**kwargs: Any) -> None:
    _request.active = True
    _request.checked = False


def request_finished(**kwargs: Any) -> None:
    _request.active = False
    _request.checked = False


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return current_calendar().add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return current_calendar().working_days_between(start, end)


def coverage_notice(today: dt.date) -> str | None:
    """What the city office must do so that working-day deadlines stay computable, or None."""
    try:
        return current_calendar().coverage_notice(today)
    except WorkdayCalendarError as exc:
        return f"{exc}：兑现期限和公示截止日期无法计算，请录入国务院办公厅公布的节假日安排。"
