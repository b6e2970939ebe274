"""The working-day calendar (pure): boundaries around holidays and adjusted working weekends, the
seed file's checks, and the office's table (parsing and the rules a year's table must keep)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from ipcity.lib.datafile import DataFileError
from ipcity.lib.workdays import (
    HOLIDAY,
    WORKDAY,
    RangeRow,
    WorkdayCalendarError,
    check_year_rows,
    load_calendar,
    parse_table_rows,
    parse_when,
)

D = dt.date
CALENDAR_FILE = Path(__file__).resolve().parents[3] / "data" / "calendar" / "cn-workdays.yaml"
SEED = load_calendar(CALENDAR_FILE)
is_working_day = SEED.is_working_day
add_working_days = SEED.add_working_days
working_days_between = SEED.working_days_between


def test_2024_spring_festival_and_its_adjusted_sundays() -> None:
    # 国务院办公厅 2023-10-25: 2月10日至17日放假调休；2月4日（星期日）、2月18日（星期日）上班。
    assert is_working_day(D(2024, 2, 4))  # Sunday made a working day
    assert is_working_day(D(2024, 2, 9))  # 除夕 2024 is a working day (only "encouraged" off)
    assert not any(is_working_day(D(2024, 2, day)) for day in range(10, 18))
    assert is_working_day(D(2024, 2, 18))  # Sunday made a working day
    assert not is_working_day(D(2024, 2, 3))  # an ordinary Saturday
    assert not is_working_day(D(2024, 2, 25))  # an ordinary Sunday
    assert add_working_days(D(2024, 2, 3), 1) == D(2024, 2, 4)
    assert add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 18)
    assert add_working_days(D(2024, 2, 18), -1) == D(2024, 2, 9)
    assert working_days_between(D(2024, 2, 9), D(2024, 2, 19)) == 2


def test_year_boundaries_and_new_year_holidays() -> None:
    # 2023 notice: 2022年12月31日至2023年1月2日放假.
    assert add_working_days(D(2022, 12, 30), 1) == D(2023, 1, 3)
    assert working_days_between(D(2022, 12, 30), D(2023, 1, 3)) == 1
    # 2025: 元旦 one day only, Wednesday.
    assert not is_working_day(D(2025, 1, 1))
    assert is_working_day(D(2025, 1, 2))
    # 2026: 1月1日至3日放假，1月4日（周日）上班.
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)


def test_2025_national_day_with_mid_autumn() -> None:
    assert is_working_day(D(2025, 9, 28))  # Sunday
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert is_working_day(D(2025, 10, 11))  # Saturday
    assert not is_working_day(D(2025, 10, 8))


@pytest.mark.parametrize(("year", "expected"), [(2023, 249), (2024, 251)])
def test_working_days_in_a_year_match_hand_count(year: int, expected: int) -> None:
    # Hand count: days − weekend days − weekday holidays + adjusted working weekends
    # (2024: 366 − 104 − 19 + 8; 2023: 365 − 105 − 18 + 7).
    assert working_days_between(D(year - 1, 12, 31), D(year, 12, 31)) == expected


def test_sixty_working_day_deadline_round_trips() -> None:
    start = D(2024, 1, 15)
    deadline = add_working_days(start, 60)
    assert working_days_between(start, deadline) == 60
    assert is_working_day(deadline)
    # The day before the deadline is at most 59 working days away.
    assert working_days_between(start, deadline - dt.timedelta(days=1)) == 59
    assert add_working_days(deadline, -60) <= start


def test_add_and_between_are_inverse_everywhere() -> None:
    # Walk the whole covered range naively and compare with the indexed arithmetic.
    cal = SEED
    day = D(2022, 1, 1)
    count = 0
    while day < D(2026, 12, 31):
        nxt = day + dt.timedelta(days=1)
        if cal.is_working_day(nxt):
            count += 1
        day = nxt
    assert working_days_between(D(2022, 1, 1), D(2026, 12, 31)) == count
    for start in (D(2022, 1, 10), D(2023, 6, 24), D(2024, 2, 10), D(2024, 2, 18), D(2025, 10, 1)):
        for n in (1, 5, 60):
            target = add_working_days(start, n)
            assert working_days_between(start, target) == n
            if cal.is_working_day(start):
                assert add_working_days(target, -n) == start
    # Counting back from a holiday: the first working day before it.
    assert add_working_days(D(2023, 6, 24), -1) == D(2023, 6, 21)
    assert add_working_days(D(2023, 6, 26), -3) == D(2023, 6, 20)
    assert working_days_between(D(2023, 6, 20), D(2023, 6, 26)) == 3


def test_outside_the_covered_years_is_refused() -> None:
    with pytest.raises(WorkdayCalendarError, match="工作日历从 2022 年开始"):
        is_working_day(D(2021, 12, 31))
    with pytest.raises(WorkdayCalendarError, match=r"^工作日历尚未录入 2027 年，无法判断 2027-01-04"):
        is_working_day(D(2027, 1, 4))
    with pytest.raises(WorkdayCalendarError, match=r"超出工作日历范围（工作日历尚未录入 2027 年）"):
        add_working_days(D(2026, 12, 30), 5)


def test_no_message_names_a_file() -> None:
    messages = []
    for call in (lambda: is_working_day(D(2027, 1, 4)), lambda: add_working_days(D(2026, 12, 30), 5)):
        with pytest.raises(WorkdayCalendarError) as err:
            call()
        messages.append(str(err.value))
    messages.append(SEED.coverage_notice(D(2026, 12, 6)) or "")
    for message in messages:
        assert ".yaml" not in message and "data/" not in message


def test_every_year_cites_its_notice_and_none_is_unverified() -> None:
    cal = load_calendar(CALENDAR_FILE)
    assert sorted(cal.years) == [2022, 2023, 2024, 2025, 2026]
    for info in cal.years.values():
        assert info.notice.startswith(f"国务院办公厅关于{info.year}年部分节假日安排的通知")
        assert info.published.year in (info.year - 1, info.year)
    assert cal.unverified_years() == []


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _data() -> dict:
    return yaml.safe_load(CALENDAR_FILE.read_text(encoding="utf-8"))


def test_weekday_listed_as_working_weekend_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["years"][2]["working_weekends"].append(D(2024, 2, 5))  # a Monday
    with pytest.raises(DataFileError) as err:
        load_calendar(_write(tmp_path, data))
    assert err.value.path == "years[2].working_weekends[8]"
    assert "2024-02-05（星期一）不是周末" in err.value.reason


def test_year_without_notice_is_refused(tmp_path: Path) -> None:
    data = _data()
    del data["years"][0]["notice"]
    with pytest.raises(DataFileError) as err:
        load_calendar(_write(tmp_path, data))
    assert err.value.path == "years[0]"
    assert "notice" in err.value.reason


def test_holiday_that_is_also_a_working_day_is_refused(tmp_path: Path) -> None:
    data = _data()
    data["years"][2]["holidays"].append({"name": "测试", "from": D(2024, 2, 18), "to": D(2024, 2, 18)})
    with pytest.raises(DataFileError, match="2024-02-18"):
        load_calendar(_write(tmp_path, data))


def test_the_office_is_warned_before_the_calendar_runs_out() -> None:
    calendar = SEED
    last = calendar.last
    assert calendar.coverage_notice(last - dt.timedelta(days=91)) is None
    assert calendar.coverage_notice(last - dt.timedelta(days=90)) is None  # exactly the horizon
    soon = calendar.coverage_notice(last - dt.timedelta(days=89))
    assert soon is not None and f"工作日历只到 {last.isoformat()}（还有 89 天到期）" in soon
    assert f"{last.year + 1} 年节假日安排" in soon and "请录入工作日历" in soon
    late = calendar.coverage_notice(last + dt.timedelta(days=3))
    assert late is not None and "（已过）" in late


# --- the office's table --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2027-02-06", D(2027, 2, 6), D(2027, 2, 6)),
        ("2027/2/6", D(2027, 2, 6), D(2027, 2, 6)),
        ("2027年2月6日", D(2027, 2, 6), D(2027, 2, 6)),
        ("2027-02-06至2027-02-12", D(2027, 2, 6), D(2027, 2, 12)),
        ("2027-02-06 ~ 2027-02-12", D(2027, 2, 6), D(2027, 2, 12)),
        ("2027-02-06 2027-02-12", D(2027, 2, 6), D(2027, 2, 12)),
        ("2027年2月6日至2月12日", D(2027, 2, 6), D(2027, 2, 12)),
        ("2027年2月6日至12日", D(2027, 2, 6), D(2027, 2, 12)),
        ("2026年12月31日至2027年1月2日", D(2026, 12, 31), D(2027, 1, 2)),
    ],
)
def test_dates_and_ranges_as_the_office_writes_them(text: str, start: dt.date, end: dt.date) -> None:
    assert parse_when(text) == (start, end)


def test_table_rows_pasted_or_from_a_spreadsheet() -> None:
    rows, problems = parse_table_rows(
        [
            (1, ["日期", "类型", "节日名称"]),  # header
            (2, ["2027-01-01", "放假", "元旦"]),
            (3, ["2027-02-06", "至", "2027-02-12", "放假", "春节"]),  # a pasted line split on spaces
            (4, [dt.datetime(2027, 2, 20), "调休上班", None]),
            (5, ["", None]),  # empty
            (6, ["2027-02-21", "班"]),
        ]
    )
    assert problems == []
    assert [(r.ref, r.start, r.end, r.kind, r.name) for r in rows] == [
        ("第 2 行", D(2027, 1, 1), D(2027, 1, 1), HOLIDAY, "元旦"),
        ("第 3 行", D(2027, 2, 6), D(2027, 2, 12), HOLIDAY, "春节"),
        ("第 4 行", D(2027, 2, 20), D(2027, 2, 20), WORKDAY, ""),
        ("第 6 行", D(2027, 2, 21), D(2027, 2, 21), WORKDAY, ""),
    ]


def test_table_rows_that_cannot_be_read_name_their_row() -> None:
    _rows, problems = parse_table_rows(
        [(2, ["2027-01-01", "元旦"]), (3, ["放假", "元旦"]), (4, ["2027-02-30", "放假", "春节"])]
    )
    assert [str(p) for p in problems] == [
        "第 2 行：缺少类型：应写“放假”或“调休上班”",
        "第 3 行：缺少日期：类型前应写日期或起止日期",
        "第 4 行：不存在的日期 2027年2月30日",
    ]


def _check(*rows: tuple[str, dt.date, dt.date, str, str]) -> list[str]:
    _days, problems = check_year_rows(2027, [RangeRow(*row) for row in rows])
    return [str(p) for p in problems]


def test_a_date_twice_in_a_year_is_refused() -> None:
    assert _check(
        ("第 2 行", D(2027, 2, 6), D(2027, 2, 12), HOLIDAY, "春节"),
        ("第 3 行", D(2027, 2, 12), D(2027, 2, 13), HOLIDAY, "春节"),
    ) == ["第 3 行：2027-02-12 重复：第 2 行已有这一天"]


def test_an_adjusted_working_day_must_be_a_weekend_but_a_holiday_may_be() -> None:
    assert _check(("第 2 行", D(2027, 2, 8), D(2027, 2, 8), WORKDAY, "")) == [
        "第 2 行：2027-02-08（星期一）不是周末：调休上班日只能是星期六或星期日"
    ]
    # 2027-02-06 is a Saturday: a holiday range may include weekends, a Saturday may be worked.
    assert (
        _check(
            ("第 2 行", D(2027, 2, 6), D(2027, 2, 7), HOLIDAY, "春节"),
            ("第 3 行", D(2027, 2, 13), D(2027, 2, 13), WORKDAY, ""),
        )
        == []
    )


def test_dates_outside_the_notice_year_and_reversed_ranges_are_refused() -> None:
    assert _check(
        ("第 2 行", D(2028, 1, 1), D(2028, 1, 1), HOLIDAY, "元旦"),
        ("第 3 行", D(2027, 5, 5), D(2027, 5, 1), HOLIDAY, "劳动节"),
        ("第 4 行", D(2027, 1, 1), D(2027, 1, 20), HOLIDAY, "春节"),
        ("第 5 行", D(2027, 10, 1), D(2027, 10, 1), HOLIDAY, ""),
        ("第 6 行", D(2026, 11, 30), D(2026, 11, 30), HOLIDAY, "元旦"),
    ) == [
        "第 2 行：2028-01-01 不属于 2027 年的安排（只能是 2027 年的日期，或上一年 12 月下旬的元旦假期）",
        "第 3 行：起止日期颠倒：结束日期 2027-05-01 早于开始日期 2027-05-05",
        "第 4 行：起止日期跨越 20 天，一行最多 14 天",
        "第 5 行：放假的日期须填写节日名称",
        "第 6 行：2026-11-30 不属于 2027 年的安排（只能是 2027 年的日期，或上一年 12 月下旬的元旦假期）",
    ]
    # The New Year break of a notice may start in the last days of the year before (2023's did).
    assert _check(("第 2 行", D(2026, 12, 31), D(2027, 1, 2), HOLIDAY, "元旦")) == []
