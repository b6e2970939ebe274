"""The working-day calendar: boundaries around holidays and adjusted working weekends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from ipcity.lib.datafile import DataFileError
from ipcity.lib.workdays import (
    CALENDAR_FILE,
    WorkdayCalendarError,
    add_working_days,
    default_calendar,
    is_working_day,
    load_calendar,
    working_days_between,
)

D = dt.date


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
    cal = default_calendar()
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
    with pytest.raises(WorkdayCalendarError, match="2022–2026"):
        is_working_day(D(2021, 12, 31))
    with pytest.raises(WorkdayCalendarError, match="超出工作日历范围"):
        add_working_days(D(2026, 12, 30), 5)


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
    assert "不是周末" in err.value.reason


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
    import datetime as dt

    from ipcity.lib.workdays import default_calendar

    calendar = default_calendar()
    last = calendar.last
    assert calendar.coverage_notice(last - dt.timedelta(days=91)) is None
    assert calendar.coverage_notice(last - dt.timedelta(days=90)) is None  # exactly the horizon
    soon = calendar.coverage_notice(last - dt.timedelta(days=89))
    assert soon is not None and f"工作日历只到 {last.isoformat()}（还有 89 天到期）" in soon
    assert f"{last.year + 1} 年节假日安排" in soon
    late = calendar.coverage_notice(last + dt.timedelta(days=3))
    assert late is not None and "（已过）" in late
