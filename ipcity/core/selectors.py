from __future__ import annotations

import calendar as std_calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ipcity.core.audit_labels import action_codes_matching
from ipcity.core.choices import CalendarDayKind
from ipcity.core.models import AuditEvent, CalendarDay, CalendarYear
from ipcity.lib.workdays import KIND_LABELS, WEEKEND


def filter_audit_events(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Filters of the audit-log page; dates are whole days in Asia/Shanghai."""
    if filters.get("actor"):
        events = events.filter(actor_label__icontains=filters["actor"])
    if filters.get("action"):
        # The code or its Chinese label (登录, 区市初审): the codes whose label matches are few.
        codes = list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
        events = events.filter(action__in=action_codes_matching(filters["action"], codes))
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
    if filters.get("q"):
        events = events.filter(object_repr__icontains=filters["q"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        events = events.filter(at__gte=dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz))
    if filters.get("date_to"):
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        events = events.filter(at__lt=end)
    return events


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    kind: str  # "holiday" | "workday" | "weekend" | ""
    name: str
    in_month: bool


@dataclass(frozen=True)
class MonthGrid:
    month: int
    weeks: list[list[DayCell]]


def calendar_years() -> QuerySet[CalendarYear]:
    """The calendar's years with the number of holidays and adjusted working days of each."""
    return CalendarYear.objects.annotate(
        holidays=Count("days", filter=Q(days__kind=CalendarDayKind.HOLIDAY)),
        workdays=Count("days", filter=Q(days__kind=CalendarDayKind.WORKDAY)),
    ).order_by("year")


def calendar_months(year: int) -> list[MonthGrid]:
    """The twelve months of `year` in weeks from Monday, each date marked as the calendar has it
    (a date of the year may belong to the next year's notice: 元旦 breaks starting in late December)."""
    days = {
        d.date: d
        for d in CalendarDay.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    }
    grid = std_calendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for date in week:
                day = days.get(date)
                kind = day.kind if day else ("weekend" if date.isoweekday() in WEEKEND else "")
                cells.append(DayCell(date, kind, day.name if day else "", date.month == month))
            weeks.append(cells)
        months.append(MonthGrid(month, weeks))
    return months


def year_table_text(calendar_year: CalendarYear) -> str:
    """A year's dates as the table the office enters (consecutive dates of one kind and name on one
    row), to start a replacement from what is stored."""
    rows: list[list[Any]] = []  # [start, end, kind, name]
    for day in calendar_year.days.order_by("date"):
        last = rows[-1] if rows else None
        if last and last[1] + dt.timedelta(days=1) == day.date and (last[2], last[3]) == (day.kind, day.name):
            last[1] = day.date
        else:
            rows.append([day.date, day.date, day.kind, day.name])
    lines = []
    for start, end, kind, name in rows:
        when = start.isoformat() if start == end else f"{start.isoformat()} 至 {end.isoformat()}"
        lines.append("\t".join(part for part in (when, KIND_LABELS[kind], name) if part))
    return "\n".join(lines)
