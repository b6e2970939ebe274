"""Writes on reference data (departments, regions, the working-day calendar). Each function is one
transaction with its audit rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ipcity.core import workdays
from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.core.choices import CalendarDayKind, CalendarYearStatus
from ipcity.core.models import CalendarDay, CalendarYear, DataSet, Department, Region
from ipcity.core.schemas import DEPARTMENTS_SCHEMA, REGIONS_SCHEMA
from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.lib.workdays import (
    KIND_LABELS,
    DayEntry,
    RangeRow,
    SeedYear,
    WorkdayCalendar,
    WorkdayCalendarError,
    YearInfo,
    check_year_rows,
    parse_table_rows,
    read_calendar_file,
)

DEPARTMENTS_FILE = settings.DATA_DIR / "reference" / "departments.yaml"
REGIONS_FILE = settings.DATA_DIR / "reference" / "regions.yaml"
CALENDAR_FILE = settings.DATA_DIR / "calendar" / "cn-workdays.yaml"


@dataclass
class LoadResult:
    """Counts of what a load did, by object kind: {"department": {"created": 3, ...}}."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, status: str) -> None:
        bucket = self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0})
        bucket[status] += 1

    def total(self, status: str) -> int:
        return sum(bucket[status] for bucket in self.counts.values())

    @property
    def changed(self) -> bool:
        return any(self.total(s) for s in ("created", "updated", "deleted"))


def mark_dataset(*, code: str, name: str, is_demo: bool, source: str, checksum: str, actor: Actor) -> DataSet:
    dataset, _status = upsert(
        DataSet,
        key={"code": code},
        values={"name": name, "is_demo": is_demo, "source": source, "checksum": checksum},
        actor=actor,
        action_prefix="dataset",
    )
    return dataset


@transaction.atomic
def load_reference_data(
    *,
    actor: Actor,
    departments_file: Path = DEPARTMENTS_FILE,
    regions_file: Path = REGIONS_FILE,
    calendar_file: Path = CALENDAR_FILE,
) -> LoadResult:
    """Load departments and regions from their data files (idempotent upsert by code), and the
    working-day calendar's seed years the database does not have yet (load_calendar_seed).

    The files are validated before anything is written.
    """
    departments, dep_sum = load_data_file(departments_file, DEPARTMENTS_SCHEMA)
    regions, reg_sum = load_data_file(regions_file, REGIONS_SCHEMA)
    calendar_seed = read_calendar_file(calendar_file)
    _check_unique(departments["departments"], "departments", ("code", "name"), departments_file)
    _check_unique(regions["regions"], "regions", ("code", "name"), regions_file)
    result = LoadResult()
    for position, item in enumerate(departments["departments"]):
        _department, status = upsert(
            Department,
            key={"code": item["code"]},
            values={
                "name": item["name"],
                "full_name": item["full_name"],
                "kind": item["kind"],
                "is_lead_ip_authority": item.get("is_lead_ip_authority", False),
                "position": position,
                "source": departments["source"],
            },
            actor=actor,
            action_prefix="department",
        )
        result.add("department", status)
    for position, item in enumerate(regions["regions"]):
        _region, status = upsert(
            Region,
            key={"code": item["code"]},
            values={
                "division_code": item.get("division_code", ""),
                "name": item["name"],
                "kind": item["kind"],
                "note": item.get("note", ""),
                "position": position,
                "source": regions["source"],
            },
            actor=actor,
            action_prefix="region",
        )
        result.add("region", status)
    for status in _load_calendar_seed(calendar_seed, calendar_file, actor=actor):
        result.add("calendar_year", status)
    mark_dataset(
        code="reference",
        name="基础数据（责任部门、区市）",
        is_demo=False,
        source=f"{departments_file.name}, {regions_file.name}",
        checksum=dep_sum[:32] + reg_sum[:32],
        actor=actor,
    )
    return result


def _check_unique(items: list[dict], list_name: str, keys: tuple[str, ...], file: Path) -> None:
    for key in keys:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            value = item[key]
            if value in seen:
                raise DataFileError(
                    file, f"{list_name}[{index}].{key}", f"与第 {seen[value] + 1} 项重复：{value}"
                )
            seen[value] = index


CONTACT_FIELDS = ["contact_person", "contact_phone", "contact_email"]


@transaction.atomic
def update_contacts(obj: Department | Region, *, actor: Actor, values: dict[str, str]) -> bool:
    """Change the liaison contact of a department or region. Returns whether anything changed."""
    changed = [name for name in CONTACT_FIELDS if getattr(obj, name) != values.get(name, "")]
    if not changed:
        return False
    before = snapshot(obj, changed)
    for name in changed:
        setattr(obj, name, values.get(name, ""))
    obj.full_clean()
    obj.save(update_fields=changed)
    record_event(
        actor, f"{obj._meta.model_name}.contacts.update", obj=obj, before=before, after=snapshot(obj, changed)
    )
    return True


# --- the working-day calendar ------------------------------------------------------------------------

CALENDAR_FIELDS = ["year", "notice", "number", "issuer", "published", "status", "checked", "note"]
DEFAULT_ISSUER = "国务院办公厅"


class CalendarRejected(ValueError):
    """A calendar change refused, nothing written; `errors` are Chinese, each naming its row."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors[:20]))


def _day_text(entry: DayEntry) -> str:
    label = f"{entry.date.isoformat()} {KIND_LABELS[entry.kind]}"
    return f"{label} {entry.name}" if entry.name else label


def _year_snapshot(year: CalendarYear) -> dict[str, Any]:
    """A year and its days as the audit log keeps them."""
    return {**snapshot(year, CALENDAR_FIELDS), "days": [_day_text(d.entry()) for d in year.days.all()]}


def _changed_calendar(actor: Actor) -> None:
    # This process forgets the calendar now (a read later in this transaction sees the change) and
    # again at commit; other processes see the new version on their next read. After the commit,
    # the apps that keep deadlines computed from the calendar recompute them (calendar_changed).
    workdays.invalidate()
    transaction.on_commit(workdays.invalidate)
    transaction.on_commit(lambda: workdays.calendar_changed.send(sender=CalendarYear, actor=actor))


def _check_whole_calendar(year: YearInfo, days: list[DayEntry]) -> str | None:
    """Why the calendar would be unusable with `year` (re)placed by `days`, or None."""
    others = CalendarYear.objects.exclude(year=year.year)
    entries = [d.entry() for d in CalendarDay.objects.exclude(calendar_year__year=year.year)]
    try:
        WorkdayCalendar.from_entries([*(y.info() for y in others), year], [*entries, *days])
    except WorkdayCalendarError as exc:
        return str(exc)
    return None


def _load_calendar_seed(seed: list[SeedYear], path: Path, *, actor: Actor) -> list[str]:
    """Create the seed file's years the database lacks; years already present are the office's and
    stay as they are (the database is the calendar's source once seeded)."""
    present = set(CalendarYear.objects.values_list("year", flat=True))
    statuses: list[str] = []
    for item in seed:
        info = item.info
        if info.year in present:
            statuses.append("unchanged")
            continue
        problem = _check_whole_calendar(info, item.days)
        if problem:
            raise DataFileError(path, f"years（{info.year} 年）", problem)
        year = CalendarYear.objects.create(**{name: getattr(info, name) for name in CALENDAR_FIELDS})
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=year, date=d.date, kind=d.kind, name=d.name) for d in item.days
        )
        present.add(info.year)
        record_event(
            actor, "calendar_year.create", obj=year, after=_year_snapshot(year), note=f"由 {path.name} 载入"
        )
        statuses.append("created")
    if "created" in statuses:
        _changed_calendar(actor)
    return statuses


def _notice_errors(year: int, notice: str, issuer: str, published: dt.date | None) -> list[str]:
    errors = []
    if not 2000 <= year <= 2100:
        errors.append("年份应在 2000 至 2100 之间")
    if not notice.strip():
        errors.append("请填写通知标题")
    if not issuer.strip():
        errors.append("请填写发布机关")
    if published is None:
        errors.append("请填写通知的发布日期")
    elif published > timezone.localdate():
        errors.append(f"发布日期 {published.isoformat()} 晚于今天")
    elif published.year not in (year - 1, year):
        errors.append(
            f"发布日期 {published.isoformat()} 不像 {year} 年的通知（应在 {year - 1} 年或 {year} 年发布）"
        )
    return errors


@transaction.atomic
def import_calendar_year(
    year: int,
    rows: Sequence[tuple[int, Sequence[object]]],
    *,
    actor: Actor,
    notice: str,
    published: dt.date | None,
    number: str = "",
    issuer: str = DEFAULT_ISSUER,
    note: str = "",
    replace: bool = False,
) -> CalendarYear:
    """Enter a year from the notice as a small table (rows of 日期或起止日期, 类型, 节日名称), or replace
    an entered year's table. All rows are checked before anything is written; the year starts as
    未核对 (verify_calendar_year marks it checked against the notice)."""
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    errors = _notice_errors(year, notice, issuer, published)
    years = sorted(CalendarYear.objects.values_list("year", flat=True))
    if existing is not None and not replace:
        errors.append(f"{year} 年已经录入；如需整体替换，请勾选“替换该年已有的安排”")
    if existing is None and years and year not in (years[0] - 1, years[-1] + 1):
        errors.append(
            f"工作日历现有 {years[0]}–{years[-1]} 年，只能录入相连的年份（{years[-1] + 1} 年或 {years[0] - 1} 年）"
        )
    parsed, problems = parse_table_rows(rows)
    days, more = check_year_rows(year, parsed)
    problems += more
    errors += [str(p) for p in sorted(problems, key=lambda p: _row_number(p.ref))]
    if not parsed and not problems:
        errors.append("表格中没有日期：每行写日期或起止日期、类型（放假或调休上班）、节日名称")
    where = {d.date: r.ref for r in parsed for d in r.days()}
    for other in CalendarDay.objects.filter(date__in=[d.date for d in days]).exclude(
        calendar_year__year=year
    ):
        errors.append(
            f"{where[other.date]}：{other.date.isoformat()} 已在 {other.calendar_year.year} 年的安排中（{other}）"
        )
    if errors:
        raise CalendarRejected(errors)
    assert published is not None
    info = YearInfo(
        year,
        notice.strip(),
        number.strip(),
        issuer.strip(),
        published,
        CalendarYearStatus.UNVERIFIED,
        None,
        note.strip(),
    )
    problem = _check_whole_calendar(info, days)
    if problem:
        raise CalendarRejected([problem])
    before = _year_snapshot(existing) if existing is not None else None
    values = {name: getattr(info, name) for name in CALENDAR_FIELDS}
    try:
        with transaction.atomic():
            if existing is None:
                calendar_year = CalendarYear.objects.create(**values)
            else:
                calendar_year = existing
                for name, value in values.items():
                    setattr(calendar_year, name, value)
                calendar_year.save()
                calendar_year.days.all().delete()
            CalendarDay.objects.bulk_create(
                CalendarDay(calendar_year=calendar_year, date=d.date, kind=d.kind, name=d.name) for d in days
            )
    except IntegrityError as exc:  # another import of the same year or dates committed meanwhile
        raise CalendarRejected(["同时有其他人修改了工作日历，请刷新后重试"]) from exc
    record_event(
        actor,
        "calendar_year.replace" if existing is not None else "calendar_year.import",
        obj=calendar_year,
        before=before,
        after=_year_snapshot(calendar_year),
    )
    _changed_calendar(actor)
    return calendar_year


def _row_number(ref: str) -> int:
    digits = "".join(c for c in ref if c.isdigit())
    return int(digits) if digits else 0


def _touch_year(calendar_year: CalendarYear) -> dict[str, Any]:
    """A changed date makes the year 未核对 again (its dates no longer match what was checked) and
    moves the calendar's version. Returns the year's status change for the audit row."""
    before = snapshot(calendar_year, ["status", "checked"])
    calendar_year.status, calendar_year.checked = CalendarYearStatus.UNVERIFIED, None
    calendar_year.save(update_fields=["status", "checked", "updated_at"])
    after = snapshot(calendar_year, ["status", "checked"])
    return {} if before == after else {"year_status": [before["status"], after["status"]]}


@transaction.atomic
def save_calendar_day(
    calendar_year: CalendarYear,
    *,
    actor: Actor,
    date: dt.date,
    kind: str,
    name: str = "",
    day: CalendarDay | None = None,
) -> CalendarDay:
    """Add one date to a year (day=None) or change one; the same rules as a year's table."""
    calendar_year = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
    if day is not None and day.calendar_year_id != calendar_year.pk:
        raise CalendarRejected(["该日期不属于这一年度"])
    name = name.strip()
    if kind not in CalendarDayKind.values:
        raise CalendarRejected(["类型应为“放假”或“调休上班”"])
    _entries, problems = check_year_rows(calendar_year.year, [RangeRow("", date, date, kind, name)])
    errors = [p.message for p in problems]
    others = CalendarDay.objects.filter(date=date).select_related("calendar_year")
    clash = (others.exclude(pk=day.pk) if day is not None else others).first()
    if clash is not None:
        errors.append(f"{date.isoformat()} 已在 {clash.calendar_year.year} 年的安排中（{clash}）")
    if errors:
        raise CalendarRejected(errors)
    fields = ["date", "kind", "name"]
    before = snapshot(day, fields) if day is not None else None
    if day is None:
        day = CalendarDay(calendar_year=calendar_year)
    elif (day.date, day.kind, day.name) == (date, kind, name):
        return day
    day.date, day.kind, day.name = date, kind, name
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError as exc:
        raise CalendarRejected(["同时有其他人修改了工作日历，请刷新后重试"]) from exc
    after = {**snapshot(day, fields), **_touch_year(calendar_year)}
    record_event(
        actor, "calendar_day.update" if before else "calendar_day.create", obj=day, before=before, after=after
    )
    _changed_calendar(actor)
    return day


@transaction.atomic
def delete_calendar_day(day: CalendarDay, *, actor: Actor) -> None:
    calendar_year = CalendarYear.objects.select_for_update().get(pk=day.calendar_year_id)
    before = snapshot(day, ["date", "kind", "name"])
    record_event(
        actor, "calendar_day.delete", obj=day, before=before, after=_touch_year(calendar_year) or None
    )
    day.delete()
    _changed_calendar(actor)


@transaction.atomic
def verify_calendar_year(calendar_year: CalendarYear, *, actor: Actor) -> CalendarYear:
    """The year's dates were checked day by day against the notice's full text: mark it 已核对 today."""
    calendar_year = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
    if not calendar_year.days.exists():
        raise CalendarRejected([f"{calendar_year.year} 年还没有任何日期，不能标为已核对"])
    before = snapshot(calendar_year, ["status", "checked"])
    calendar_year.status, calendar_year.checked = CalendarYearStatus.VERIFIED, timezone.localdate()
    calendar_year.save(update_fields=["status", "checked", "updated_at"])
    record_event(
        actor,
        "calendar_year.verify",
        obj=calendar_year,
        before=before,
        after=snapshot(calendar_year, ["status", "checked"]),
    )
    _changed_calendar(actor)
    return calendar_year
