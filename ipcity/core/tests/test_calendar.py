"""The working-day calendar kept by the city office: services (validation naming the row, audit, all
or nothing), the seed, the cache, pages and permissions, and the coverage banner."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from ipcity.core import context_processors, workdays
from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, CalendarDay, CalendarYear
from ipcity.core.services import (
    CALENDAR_FILE,
    CalendarRejected,
    delete_calendar_day,
    import_calendar_year,
    load_reference_data,
    save_calendar_day,
    verify_calendar_year,
)
from ipcity.core.workdays import WorkdayCalendarError
from ipcity.lib.workdays import read_calendar_file

pytestmark = pytest.mark.django_db

D = dt.date
CLI = Actor.cli("calendar tests")
# A made-up 2027 for the tests (the real notice was not published when this was written).
TABLE_2027 = [
    (1, ["日期", "类型", "节日名称"]),
    (2, ["2027-01-01 至 2027-01-03", "放假", "元旦"]),
    (3, ["2027-02-06 至 2027-02-12", "放假", "春节"]),
    (4, ["2027-02-13", "调休上班", "春节"]),
]
PASTED_2027 = "日期\t类型\t节日名称\n2027-01-01 至 2027-01-03\t放假\t元旦\n2027-02-06 至 2027-02-12\t放假\t春节\n2027-02-13\t调休上班\t春节\n"


def enter_2027(rows: list[tuple[int, list[Any]]] | None = None, **kwargs: Any) -> CalendarYear:
    return import_calendar_year(
        2027,
        TABLE_2027 if rows is None else rows,
        actor=kwargs.pop("actor", CLI),
        notice="国务院办公厅关于2027年部分节假日安排的通知",
        published=D(2026, 11, 1),
        **kwargs,
    )


def rejected(rows: list[tuple[int, list[Any]]], year: int = 2027, **kwargs: Any) -> list[str]:
    years, days, events = (
        CalendarYear.objects.count(),
        CalendarDay.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(CalendarRejected) as err:
        import_calendar_year(
            year,
            rows,
            actor=CLI,
            notice=f"国务院办公厅关于{year}年部分节假日安排的通知",
            published=kwargs.pop("published", D(year - 1, 11, 1)),
            **kwargs,
        )
    # Nothing half-written.
    assert (CalendarYear.objects.count(), CalendarDay.objects.count(), AuditEvent.objects.count()) == (
        years,
        days,
        events,
    )
    return err.value.errors


# --- services ----------------------------------------------------------------------------------------


def test_a_year_entered_as_a_table_is_stored_unverified_and_audited(plan: Any) -> None:
    year = enter_2027()
    assert year.status == "unverified" and year.checked is None and year.issuer == "国务院办公厅"
    days = list(year.days.values_list("date", "kind", "name"))
    assert len(days) == 3 + 7 + 1
    assert (D(2027, 2, 13), "workday", "春节") in days and (D(2027, 1, 2), "holiday", "元旦") in days
    event = AuditEvent.objects.get(action="calendar_year.import")
    assert event.object_id == str(year.pk) and event.source == "cli" and event.before is None
    assert event.after is not None
    assert event.after["year"] == 2027 and "2027-02-13 调休上班 春节" in event.after["days"]


def test_each_rule_is_refused_naming_the_row(plan: Any) -> None:
    errors = rejected(
        [
            (1, ["日期", "类型", "节日名称"]),
            (2, ["2027-01-01", "放假", "元旦"]),
            (3, ["2027-01-01", "放假", "元旦"]),  # twice
            (4, ["2027-02-08", "调休上班", "春节"]),  # a Monday
            (5, ["2028-01-01", "放假", "元旦"]),  # not in 2027
            (6, ["2027-05-05 至 2027-05-01", "放假", "劳动节"]),  # reversed
            (7, ["2027-13-01", "放假", "x"]),  # no such date
            (8, ["2027-06-01", "休假", "x"]),  # no type
            (9, ["2027-10-01", "放假"]),  # no name
        ]
    )
    assert errors == [
        "第 3 行：2027-01-01 重复：第 2 行已有这一天",
        "第 4 行：2027-02-08（星期一）不是周末：调休上班日只能是星期六或星期日",
        "第 5 行：2028-01-01 不属于 2027 年的安排（只能是 2027 年的日期，或上一年 12 月下旬的元旦假期）",
        "第 6 行：起止日期颠倒：结束日期 2027-05-01 早于开始日期 2027-05-05",
        "第 7 行：不存在的日期 2027年13月1日",
        "第 8 行：缺少类型：应写“放假”或“调休上班”",
        "第 9 行：放假的日期须填写节日名称",
    ]


def test_a_holiday_listed_on_a_weekend_is_fine(plan: Any) -> None:
    # 2027-01-02 and 01-03 are Saturday and Sunday: holidays include weekends.
    year = enter_2027([(1, ["2027-01-02 至 2027-01-03", "放假", "元旦"])])
    assert year.days.count() == 2


def test_a_date_of_another_year_and_an_empty_table_are_refused(plan: Any) -> None:
    # 2023-12-30 belongs to the 2024 notice (元旦 2024 began on it).
    errors = rejected([(2, ["2023-12-30", "放假", "元旦"])], year=2023, replace=True)
    assert errors == ["第 2 行：2023-12-30 已在 2024 年的安排中（2023-12-30 放假（元旦））"]
    assert rejected([(1, ["日期", "类型", "节日名称"]), (2, ["", ""])]) == [
        "表格中没有日期：每行写日期或起止日期、类型（放假或调休上班）、节日名称"
    ]


def test_the_year_must_follow_the_calendar_and_not_be_entered_twice(plan: Any) -> None:
    assert rejected(TABLE_2027, year=2029, published=D(2026, 11, 1)) == [
        "发布日期 2026-11-01 不像 2029 年的通知（应在 2028 年或 2029 年发布）",
        "工作日历现有 2022–2026 年，只能录入相连的年份（2027 年或 2021 年）",
        "第 2 行：2027-01-01 至 2027-01-03 不属于 2029 年的安排（只能是 2029 年的日期，或上一年 12 月下旬的元旦假期）",
        "第 3 行：2027-02-06 至 2027-02-12 不属于 2029 年的安排（只能是 2029 年的日期，或上一年 12 月下旬的元旦假期）",
        "第 4 行：2027-02-13 不属于 2029 年的安排（只能是 2029 年的日期，或上一年 12 月下旬的元旦假期）",
    ]
    enter_2027()
    assert rejected(TABLE_2027) == ["2027 年已经录入；如需整体替换，请勾选“替换该年已有的安排”"]
    assert rejected(TABLE_2027, published=D(2025, 1, 1), replace=True) == [
        "发布日期 2025-01-01 不像 2027 年的通知（应在 2026 年或 2027 年发布）"
    ]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert rejected(TABLE_2027, published=tomorrow, replace=True) == [
        f"发布日期 {tomorrow.isoformat()} 晚于今天"
    ]


def test_replacing_a_year_keeps_nothing_of_the_old_table_and_audits_both(plan: Any) -> None:
    year = enter_2027()
    verify_calendar_year(year, actor=CLI)
    replaced = enter_2027([(2, ["2027-01-01", "放假", "元旦"])], replace=True, number="国办发明电〔2026〕1号")
    assert replaced.pk == year.pk and replaced.status == "unverified" and replaced.checked is None
    assert list(replaced.days.values_list("date", flat=True)) == [D(2027, 1, 1)]
    event = AuditEvent.objects.get(action="calendar_year.replace")
    assert event.before is not None and event.after is not None
    assert len(event.before["days"]) == 11 and event.after["days"] == ["2027-01-01 放假 元旦"]
    assert event.before["status"] == "verified" and event.after["number"] == "国办发明电〔2026〕1号"


def test_single_days_are_added_changed_and_deleted_with_their_rules(plan: Any) -> None:
    year = enter_2027()
    verify_calendar_year(year, actor=CLI)
    day = save_calendar_day(year, actor=CLI, date=D(2027, 5, 1), kind="holiday", name="劳动节")
    year.refresh_from_db()
    assert year.status == "unverified"  # a changed date must be checked again
    created = AuditEvent.objects.get(action="calendar_day.create")
    assert created.after == {
        "date": "2027-05-01",
        "kind": "holiday",
        "name": "劳动节",
        "year_status": ["verified", "unverified"],
    }
    save_calendar_day(year, actor=CLI, date=D(2027, 5, 8), kind="workday", name="劳动节", day=day)
    day.refresh_from_db()
    assert (day.date, day.kind) == (D(2027, 5, 8), "workday")
    updated = AuditEvent.objects.get(action="calendar_day.update")
    assert updated.before == {"date": "2027-05-01", "kind": "holiday", "name": "劳动节"}
    with pytest.raises(CalendarRejected) as err:
        save_calendar_day(year, actor=CLI, date=D(2027, 5, 10), kind="workday", day=day)
    assert err.value.errors == ["2027-05-10（星期一）不是周末：调休上班日只能是星期六或星期日"]
    with pytest.raises(CalendarRejected) as err:
        save_calendar_day(year, actor=CLI, date=D(2027, 1, 1), kind="holiday", name="元旦")
    assert err.value.errors == ["2027-01-01 已在 2027 年的安排中（2027-01-01 放假（元旦））"]
    with pytest.raises(CalendarRejected) as err:
        save_calendar_day(year, actor=CLI, date=D(2028, 1, 1), kind="holiday", name="元旦")
    assert "不属于 2027 年的安排" in err.value.errors[0]
    delete_calendar_day(day, actor=CLI)
    assert not CalendarDay.objects.filter(date=D(2027, 5, 8)).exists()
    deleted = AuditEvent.objects.get(action="calendar_day.delete")
    assert deleted.before == {"date": "2027-05-08", "kind": "workday", "name": "劳动节"}


def test_marking_a_year_verified(plan: Any, personas: Any) -> None:
    year = enter_2027()
    verify_calendar_year(year, actor=Actor.web(personas.admin))
    year.refresh_from_db()
    assert year.status == "verified" and year.checked == timezone.localdate()
    event = AuditEvent.objects.get(action="calendar_year.verify")
    assert event.actor == personas.admin
    assert event.before == {"status": "unverified", "checked": None}
    assert event.after == {"status": "verified", "checked": timezone.localdate().isoformat()}
    empty = enter_2027([(2, ["2027-01-01", "放假", "元旦"])], replace=True)
    delete_calendar_day(empty.days.get(), actor=CLI)
    with pytest.raises(CalendarRejected, match="还没有任何日期"):
        verify_calendar_year(empty, actor=CLI)


# --- the seed ----------------------------------------------------------------------------------------


def test_reference_load_seeds_the_missing_years_and_keeps_the_offices_changes(plan: Any) -> None:
    seed = read_calendar_file(CALENDAR_FILE)
    CalendarYear.objects.all().delete()
    result = load_reference_data(actor=CLI)
    assert result.counts["calendar_year"]["created"] == 5
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == [2022, 2023, 2024, 2025, 2026]
    assert CalendarDay.objects.count() == sum(len(y.days) for y in seed)
    assert set(CalendarYear.objects.values_list("status", flat=True)) == {"verified"}
    assert (
        AuditEvent.objects.filter(
            action="calendar_year.create", actor_label=CLI.label, note__contains="cn-workdays.yaml"
        ).count()
        == 5
    )
    # The office changes a seeded year: loading again leaves it as the office left it.
    year_2024 = CalendarYear.objects.get(year=2024)
    save_calendar_day(year_2024, actor=CLI, date=D(2024, 2, 9), kind="holiday", name="除夕")
    result = load_reference_data(actor=CLI)
    assert result.counts["calendar_year"] == {"created": 0, "updated": 0, "unchanged": 5, "deleted": 0}
    assert CalendarDay.objects.filter(date=D(2024, 2, 9)).exists()


def test_the_migration_seeds_an_empty_database(plan: Any) -> None:
    migration = importlib.import_module("ipcity.core.migrations.0005_calendar_seed")
    CalendarYear.objects.all().delete()
    migration.seed_calendar(django_apps, SimpleNamespace(connection=connection))
    assert CalendarYear.objects.count() == 5
    assert workdays.add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 18)
    migration.seed_calendar(django_apps, SimpleNamespace(connection=connection))  # idempotent
    assert CalendarYear.objects.count() == 5


# --- the cache ---------------------------------------------------------------------------------------


def test_a_change_is_visible_immediately(plan: Any) -> None:
    with pytest.raises(WorkdayCalendarError, match="工作日历尚未录入 2027 年"):
        workdays.add_working_days(D(2026, 12, 10), 60)
    year = enter_2027()
    # Hand count: Dec 2026 has 15 working days after the 10th; Jan 4–Feb 5 25; Feb 13 (调休); Feb 15–Mar 10
    # 18; the 60th is Thursday 11 March.
    assert workdays.add_working_days(D(2026, 12, 10), 60) == D(2027, 3, 11)
    day = save_calendar_day(year, actor=CLI, date=D(2027, 3, 11), kind="holiday", name="测试")
    assert workdays.add_working_days(D(2026, 12, 10), 60) == D(2027, 3, 12)
    delete_calendar_day(day, actor=CLI)
    assert workdays.add_working_days(D(2026, 12, 10), 60) == D(2027, 3, 11)


def test_the_calendar_is_built_once_and_its_version_read_once_per_request(plan: Any) -> None:
    workdays.invalidate()
    workdays.request_started()
    try:
        with CaptureQueriesContext(connection) as first:
            for _ in range(5):
                workdays.is_working_day(D(2024, 2, 4))
        assert len(first) == 3  # the version, the years, the days
        with CaptureQueriesContext(connection) as same_request:
            workdays.add_working_days(D(2024, 2, 9), 1)
        assert len(same_request) == 0
    finally:
        workdays.request_finished()
    workdays.request_started()
    try:
        with CaptureQueriesContext(connection) as next_request:
            workdays.is_working_day(D(2024, 2, 4))
            workdays.is_working_day(D(2024, 2, 5))
        assert len(next_request) == 1  # the version only: nothing changed
    finally:
        workdays.request_finished()


def test_a_write_by_another_process_is_seen_on_the_next_read(plan: Any) -> None:
    assert workdays.is_working_day(D(2024, 2, 9))
    # Another process's write: rows changed without this process's services (no invalidate()).
    year = CalendarYear.objects.get(year=2024)
    CalendarDay.objects.create(calendar_year=year, date=D(2024, 2, 9), kind="holiday", name="除夕")
    CalendarYear.objects.filter(pk=year.pk).update(updated_at=timezone.now())
    assert not workdays.is_working_day(D(2024, 2, 9))


def test_an_empty_calendar_is_refused_in_plain_chinese(plan: Any) -> None:
    CalendarYear.objects.all().delete()
    workdays.invalidate()
    with pytest.raises(WorkdayCalendarError, match=r"^工作日历尚未录入任何年份$"):
        workdays.add_working_days(D(2024, 6, 3), 60)
    notice = workdays.coverage_notice(D(2024, 6, 3))
    assert notice is not None and notice.startswith("工作日历尚未录入任何年份：")


# --- pages and permissions ---------------------------------------------------------------------------


def _urls(day: CalendarDay) -> tuple[list[str], list[tuple[str, dict[str, Any]]]]:
    pages = [
        reverse("core:calendar"),
        reverse("core:calendar_import"),
        reverse("core:calendar_year", args=[2026]),
        reverse("core:calendar_day_add", args=[2026]),
        reverse("core:calendar_day_edit", args=[day.pk]),
    ]
    posts = [
        (
            reverse("core:calendar_import"),
            {"year": "2027", "notice": "x", "issuer": "x", "published": "2026-11-01", "table": PASTED_2027},
        ),
        (reverse("core:calendar_verify", args=[2026]), {}),
        (reverse("core:calendar_day_add", args=[2026]), {"date": "2026-12-26", "kind": "workday"}),
        (
            reverse("core:calendar_day_edit", args=[day.pk]),
            {"date": "2026-01-01", "kind": "holiday", "name": "改"},
        ),
        (reverse("core:calendar_day_delete", args=[day.pk]), {}),
    ]
    return pages, posts


def test_only_the_city_office_sees_and_changes_the_calendar(personas: Any) -> None:
    day = CalendarDay.objects.get(date=D(2026, 1, 1))
    pages, posts = _urls(day)
    calendar_events = AuditEvent.objects.filter(object_type__startswith="core.calendar")
    before = (list(CalendarDay.objects.values_list("date", "kind", "name")), calendar_events.count())
    for user in (
        personas.district_a,
        personas.district_b,
        personas.liaison,
        personas.liaison_other,
        personas.enterprise_a,
        personas.enterprise_b,
        personas.agency,
    ):
        client = personas.client(user)
        for url in pages:
            assert client.get(url).status_code == 403, (user, url)
        for url, data in posts:
            assert client.post(url, data).status_code == 403, (user, url)
    anonymous = personas.client(None)
    for url in pages:
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    for url, data in posts:
        assert anonymous.post(url, data).status_code == 302
    after = (list(CalendarDay.objects.values_list("date", "kind", "name")), calendar_events.count())
    assert after == before
    admin = personas.client(personas.admin)
    for url in pages:
        assert admin.get(url).status_code == 200, url
    for url, data in posts:
        assert admin.post(url, data).status_code == 302, url
    assert CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_pages_refuse_wrong_methods_and_unknown_years(personas: Any) -> None:
    admin = personas.client(personas.admin)
    assert admin.get(reverse("core:calendar_verify", args=[2026])).status_code == 405
    assert admin.get(reverse("core:calendar_year", args=[2031])).status_code == 404
    assert admin.get(reverse("core:calendar_year", args=[99999999999])).status_code == 404
    assert admin.get(reverse("core:calendar_import"), {"year": "abc"}).status_code == 200


def test_the_city_admin_enters_a_year_by_pasting_and_sees_it(personas: Any) -> None:
    admin = personas.client(personas.admin)
    page = admin.get(reverse("core:calendar_import")).content.decode()
    assert 'value="2027"' in page and "国务院办公厅关于2027年部分节假日安排的通知" in page
    data = {
        "year": "2027",
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "issuer": "国务院办公厅",
        "published": "2026-11-01",
        "table": PASTED_2027,
    }
    response = admin.post(reverse("core:calendar_import"), data)
    assert response.status_code == 302 and response["Location"] == reverse("core:calendar_year", args=[2027])
    event = AuditEvent.objects.get(action="calendar_year.import")
    assert event.actor == personas.admin and event.source == "web"
    page = admin.get(response["Location"]).content.decode()
    assert "未核对" in page and "放假 元旦" in page and "2027-02-13" in page
    listing = admin.get(reverse("core:calendar")).content.decode()
    assert "2027-12-31" in listing and listing.count('data-testid="calendar-year-row"') == 6
    # The year's table comes back as text, to start a replacement from.
    again = admin.get(reverse("core:calendar_import"), {"year": "2027"}).content.decode()
    assert "2027-02-06 至 2027-02-12\t放假\t春节" in again and 'name="replace"' in again


def test_errors_are_listed_by_row_and_the_input_is_kept(personas: Any) -> None:
    admin = personas.client(personas.admin)
    data = {
        "year": "2027",
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "issuer": "国务院办公厅",
        "published": "2026-11-01",
        "table": "2027-01-01,放假,元旦\n2027-02-08,调休上班,春节\n",
    }
    response = admin.post(reverse("core:calendar_import"), data)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="calendar-errors"' in page
    assert "第 2 行：2027-02-08（星期一）不是周末" in page and "2027-02-08,调休上班,春节" in page
    assert not CalendarYear.objects.filter(year=2027).exists()
    response = admin.post(reverse("core:calendar_import"), {**data, "table": "", "published": "昨天"})
    page = response.content.decode()
    assert "请粘贴日期表或上传 Excel 文件" in page and "日期格式应为 YYYY-MM-DD" in page


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_year_is_entered_from_an_excel_file(personas: Any) -> None:
    admin = personas.client(personas.admin)
    content = _xlsx(
        [
            ["日期", "类型", "节日名称"],
            [dt.datetime(2027, 1, 1), "放假", "元旦"],
            ["2027-02-13", "调休上班", None],
        ]
    )
    data = {"year": "2027", "notice": "通知", "issuer": "国务院办公厅", "published": "2026-11-01"}
    response = admin.post(
        reverse("core:calendar_import"), {**data, "file": SimpleUploadedFile("2027.xlsx", content)}
    )
    assert response.status_code == 302
    assert list(CalendarDay.objects.filter(calendar_year__year=2027).values_list("date", "kind")) == [
        (D(2027, 1, 1), "holiday"),
        (D(2027, 2, 13), "workday"),
    ]
    response = admin.post(
        reverse("core:calendar_import"),
        {**data, "year": "2028", "file": SimpleUploadedFile("x.xlsx", b"not a workbook")},
    )
    assert "不是有效的 Excel（.xlsx）文件" in response.content.decode()
    response = admin.post(
        reverse("core:calendar_import"),
        {
            **data,
            "year": "2028",
            "table": "2028-01-01 放假 元旦",
            "file": SimpleUploadedFile("2028.xlsx", content),
        },
    )
    assert "请只用一种方式" in response.content.decode()


def test_a_single_day_form_shows_the_rule_it_breaks(personas: Any) -> None:
    admin = personas.client(personas.admin)
    url = reverse("core:calendar_day_add", args=[2026])
    response = admin.post(url, {"date": "2026-12-28", "kind": "workday"})  # a Monday
    assert response.status_code == 200
    assert "2026-12-28（星期一）不是周末" in response.content.decode()
    assert not CalendarDay.objects.filter(date=D(2026, 12, 28)).exists()


# --- the banner --------------------------------------------------------------------------------------


def test_the_banner_links_to_the_calendar_page_and_goes_once_2027_is_entered(
    personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context_processors, "_today", lambda: D(2026, 12, 6))
    admin = personas.client(personas.admin)
    page = admin.get(reverse("portal:home")).content.decode()
    banner = page[page.index('data-testid="system-notice"') :].split("</div>", 1)[0]
    assert "工作日历只到 2026-12-31（还有 25 天到期）" in banner
    assert f'href="{reverse("core:calendar")}"' in banner and "录入工作日历" in banner
    assert ".yaml" not in page and "data/calendar" not in page
    enter_2027(actor=Actor.web(personas.admin))
    assert 'data-testid="system-notice"' not in admin.get(reverse("portal:home")).content.decode()
