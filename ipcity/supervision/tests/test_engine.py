"""The flag engine at every boundary of the default rules (data/supervision/flag-rules.yaml).

Pure Python: a milestone's schedule and dated report events in, its state and colour out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.supervision import engine, selectors
from ipcity.supervision.choices import RuleKind
from ipcity.supervision.rules import parse_flag_rules

from .conftest import at

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def rules():
    data, _checksum = selectors.file_rules(RuleKind.FLAGS)
    return parse_flag_rules(data)


def submit(day: str, period: str, percent: str | int) -> engine.ReportEvent:
    return engine.ReportEvent(at(day), D(day), period, engine.SUBMIT, Decimal(str(percent)))


def review(day: str, period: str, kind: str) -> engine.ReportEvent:
    return engine.ReportEvent(at(day, 15), D(day), period, kind)


def colour(facts: engine.MilestoneFacts, day: str, rules) -> str | None:
    _state, flag = engine.flag_on(facts, D(day), rules)
    return flag.colour if flag else None


def test_default_rules_are_exactly_the_issue(rules) -> None:
    assert [c.code for c in rules.colours] == ["red", "yellow", "blue"]
    red, yellow, blue = rules.colours
    assert [c.describe() for c in red.when] == [
        "已超过完成时限仍未完成",
        "落后序时进度超过30个百分点",
        "连续2个报送周期未报送进度",
    ]
    assert [c.describe() for c in yellow.when] == [
        "落后序时进度10至30个百分点",
        "进度报告被退回（质量不合格），尚未重新报送",
        "关联指标偏离目标进度",
    ]
    assert [c.describe() for c in blue.when] == ["距完成时限不足15天且未完成"]


# A 100-day milestone: on day 50 序时进度 is exactly 50 %.
HUNDRED = ("2023-01-01", "2023-04-11")


@pytest.mark.parametrize(
    ("percent", "behind", "expected"),
    [("40.1", "9.9", None), ("40", "10", "yellow"), ("20", "30", "yellow"), ("19.9", "30.1", "red")],
)
def test_behind_schedule_boundaries(rules, percent, behind, expected) -> None:
    facts = engine.MilestoneFacts(
        D(HUNDRED[0]), D(HUNDRED[1]), "quarterly", [submit("2023-02-20", "2023-Q1", percent)]
    )
    state, flag = engine.flag_on(facts, D("2023-02-20"), rules)
    assert state.elapsed * 100 == 50
    assert state.behind == Decimal(behind)
    assert (flag.colour if flag else None) == expected
    if expected == "red":
        assert flag is not None and flag.reasons == ("落后序时进度超过30个百分点",)


def test_schedule_is_elapsed_share_of_the_planned_span(rules) -> None:
    facts = engine.MilestoneFacts(D("2023-03-01"), D("2023-03-31"), "monthly")
    assert engine.state_at(facts, D("2023-02-28"), rules).elapsed == 0
    assert engine.state_at(facts, D("2023-03-01"), rules).elapsed == 0
    assert engine.state_at(facts, D("2023-03-16"), rules).elapsed * 100 == 50
    assert engine.state_at(facts, D("2023-03-31"), rules).elapsed == 1
    assert engine.state_at(facts, D("2023-05-01"), rules).elapsed == 1


def on_track_facts(*extra: engine.ReportEvent) -> engine.MilestoneFacts:
    # Due 2023-06-30; reports keep it ahead of schedule, so only the deadline rules can fire.
    events = [submit("2023-03-31", "2023-Q1", 60), submit("2023-06-10", "2023-Q2", 95), *extra]
    return engine.MilestoneFacts(D("2023-01-01"), D("2023-06-30"), "quarterly", events)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2023-06-14", None),  # 16 days before the deadline
        ("2023-06-15", "blue"),  # 15 days before
        ("2023-06-29", "blue"),  # the day before the deadline
        ("2023-06-30", "blue"),  # the deadline itself: due within 0 days, not yet overdue
        ("2023-07-01", "red"),  # the day after: overdue
    ],
)
def test_deadline_boundaries(rules, day, expected) -> None:
    assert colour(on_track_facts(), day, rules) == expected


def test_overdue_reason_and_completion_clears_every_flag(rules) -> None:
    _state, flag = engine.flag_on(on_track_facts(), D("2023-07-01"), rules)
    assert flag is not None and flag.reasons == ("已超过完成时限仍未完成",)
    done = on_track_facts(submit("2023-06-30", "2023-Q2", 100))
    assert colour(done, "2023-06-30", rules) is None
    assert colour(done, "2023-07-01", rules) is None
    assert colour(done, "2023-12-31", rules) is None


def monthly_facts(*extra: engine.ReportEvent) -> engine.MilestoneFacts:
    # January reported 50 % (far ahead), so only missing reports can turn it red.
    return engine.MilestoneFacts(
        D("2023-01-01"), D("2023-12-31"), "monthly", [submit("2023-01-31", "2023-01", 50), *extra]
    )


@pytest.mark.parametrize(
    ("day", "missing", "expected"),
    [
        ("2023-03-05", 0, None),  # February's report is due today (month end + 5 days)
        ("2023-03-06", 1, None),  # one period missing: no flag by default
        ("2023-04-05", 1, None),  # March's report due today
        ("2023-04-06", 2, "red"),  # two consecutive periods missing: red
    ],
)
def test_missing_period_boundaries(rules, day, missing, expected) -> None:
    state, flag = engine.flag_on(monthly_facts(), D(day), rules)
    assert state.missing_periods == missing
    assert (flag.colour if flag else None) == expected
    if expected:
        assert flag is not None and "连续2个报送周期未报送进度" in flag.reasons


def test_a_late_report_counts_from_the_day_it_is_filed(rules) -> None:
    facts = monthly_facts(submit("2023-04-10", "2023-02", 55))
    assert colour(facts, "2023-04-09", rules) == "red"
    assert engine.state_at(facts, D("2023-04-10"), rules).missing_periods == 1  # March still missing
    assert colour(facts, "2023-04-10", rules) is None


def test_returned_report_is_yellow_until_resubmitted(rules) -> None:
    base = [submit("2023-02-20", "2023-Q1", 45)]
    returned = engine.MilestoneFacts(
        D(HUNDRED[0]), D(HUNDRED[1]), "quarterly", [*base, review("2023-02-22", "2023-Q1", engine.RETURN)]
    )
    assert colour(returned, "2023-02-21", rules) is None
    _state, flag = engine.flag_on(returned, D("2023-02-22"), rules)
    assert flag is not None and flag.colour == "yellow"
    assert flag.reasons == ("进度报告被退回（质量不合格），尚未重新报送",)
    resubmitted = engine.MilestoneFacts(
        D(HUNDRED[0]), D(HUNDRED[1]), "quarterly", [*returned.events, submit("2023-02-25", "2023-Q1", 56)]
    )
    assert colour(resubmitted, "2023-02-24", rules) == "yellow"
    assert colour(resubmitted, "2023-02-25", rules) is None


def test_a_returned_100_percent_report_is_not_complete(rules) -> None:
    facts = engine.MilestoneFacts(
        D(HUNDRED[0]),
        D(HUNDRED[1]),
        "quarterly",
        [submit("2023-04-01", "2023-Q2", 100), review("2023-04-02", "2023-Q2", engine.RETURN)],
    )
    assert engine.state_at(facts, D("2023-04-01"), rules).complete
    assert not engine.state_at(facts, D("2023-04-02"), rules).complete
    assert colour(facts, "2023-04-02", rules) == "yellow"
    assert colour(facts, "2023-04-12", rules) == "red"  # overdue beats returned


def test_timeline_keeps_the_red_when_it_catches_up(rules) -> None:
    # No report: yellow from day 10 (10 points behind), red from day 31; a 30 % report on day 50
    # brings it back to 20 points behind: yellow again. The red keeps its dates.
    facts = engine.MilestoneFacts(
        D(HUNDRED[0]), D(HUNDRED[1]), "quarterly", [submit("2023-02-20", "2023-Q1", 30)]
    )
    runs = engine.timeline(facts, lambda _d: rules, D("2023-02-28"))
    assert [(r.colour, r.since, r.until) for r in runs] == [
        ("yellow", D("2023-01-11"), D("2023-02-01")),
        ("red", D("2023-02-01"), D("2023-02-20")),
        ("yellow", D("2023-02-20"), None),
    ]
    assert runs[1].reason == "落后序时进度超过30个百分点"


def test_timeline_is_constant_after_the_last_change(rules) -> None:
    facts = engine.MilestoneFacts(
        D(HUNDRED[0]), D(HUNDRED[1]), "quarterly", [submit("2023-02-20", "2023-Q1", 30)]
    )
    short = engine.timeline(facts, lambda _d: rules, D("2023-06-30"))
    long = engine.timeline(facts, lambda _d: rules, D("2026-06-30"))
    assert short == long
    assert short[-1].colour == "red" and short[-1].until is None


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        (
            "quarterly",
            [
                ("2022-Q1", "2022-03-01", "2022-03-31"),
                ("2022-Q2", "2022-04-01", "2022-06-30"),
                ("2022-Q3", "2022-07-01", "2022-08-15"),
            ],
        ),
        ("monthly", [("2022-03", "2022-03-01", "2022-03-31")]),
    ],
)
def test_reporting_periods_are_clipped_calendar_periods(frequency, expected) -> None:
    due = "2022-08-15" if frequency == "quarterly" else "2022-03-31"
    periods = engine.reporting_periods(D("2022-03-01"), D(due), frequency)
    assert [(p.code, p.start.isoformat(), p.end.isoformat()) for p in periods] == expected


def test_change_days_give_the_same_history_as_every_day(rules) -> None:
    """The fast timeline evaluates only the days on which a condition can change; on random
    milestones (spans, frequencies, reports, returns, a stricter rule version) it must equal the
    day-by-day evaluation."""
    import random

    from ipcity.supervision.rules import parse_flag_rules

    data, _checksum = selectors.file_rules(RuleKind.FLAGS)
    stricter = parse_flag_rules(
        {
            **data,
            "effective_from": "2023-05-01",
            "colours": [
                {
                    **data["colours"][0],
                    "when": [{"condition": "overdue"}, {"condition": "behind", "above": 17.5}],
                },
                {**data["colours"][1], "when": [{"condition": "behind", "at_least": 3.25, "below": 17.5}]},
                {**data["colours"][2], "when": [{"condition": "due_within", "days": 40}]},
            ],
            "reporting": {**data["reporting"], "report_due_days": 12},
        }
    )

    def rules_at(day: dt.date):
        return stricter if day >= stricter.effective_from else rules

    rng = random.Random(20221)
    for _case in range(150):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
        due = start + dt.timedelta(days=rng.randrange(0, 300))
        frequency = rng.choice(["monthly", "quarterly"])
        periods = engine.reporting_periods(start, due, frequency)
        events = []
        for _n in range(rng.randrange(0, 8)):
            day = start + dt.timedelta(days=rng.randrange(0, (due - start).days + 60))
            period = rng.choice(periods).code
            percent = Decimal(rng.choice([0, 5, 12.5, 33.3, 50, 61.7, 80, 99.9, 100])).quantize(
                Decimal("0.1")
            )
            events.append(engine.ReportEvent(at(day), day, period, engine.SUBMIT, percent))
            if rng.random() < 0.3:
                later = day + dt.timedelta(days=rng.randrange(0, 10))
                events.append(
                    engine.ReportEvent(
                        at(later, 15), later, period, rng.choice([engine.RETURN, engine.ACCEPT])
                    )
                )
        facts = engine.MilestoneFacts(start, due, frequency, events)
        until = due + dt.timedelta(days=rng.randrange(-30, 120))
        fast = engine.timeline(facts, rules_at, until, rule_dates=(stricter.effective_from,))
        slow = engine.timeline_daily(facts, rules_at, until, rule_dates=(stricter.effective_from,))
        assert fast == slow, (start, due, frequency, events, until)


# Indicator checks: a milestone reported well ahead (80 % on 10 January, then every quarter), so
# only its linked indicator can raise a flag during 2023.
def ahead_facts(*checks: engine.IndicatorCheck) -> engine.MilestoneFacts:
    events = [
        submit("2023-01-10", "2023-Q1", 80),
        submit("2023-04-03", "2023-Q2", 85),
        submit("2023-07-03", "2023-Q3", 88),
    ]
    return engine.MilestoneFacts(D("2023-01-01"), D("2023-12-31"), "quarterly", events, list(checks))


def check(day: str, on_track: bool, text: str = "") -> engine.IndicatorCheck:
    return engine.IndicatorCheck(D(day), on_track, text or f"{day} {'正常' if on_track else '偏离'}")


def test_indicator_off_track_is_yellow_from_its_check_date_until_an_on_track_check(rules) -> None:
    facts = ahead_facts(check("2023-03-31", False, "万人高价值发明专利拥有量偏离"), check("2023-06-30", True))
    assert colour(ahead_facts(), "2023-06-01", rules) is None  # no check: no indicator flag
    assert colour(facts, "2023-03-30", rules) is None
    state, flag = engine.flag_on(facts, D("2023-03-31"), rules)
    assert flag is not None and flag.colour == "yellow" and flag.reasons == ("关联指标偏离目标进度",)
    assert (
        state.indicator_check is not None
        and state.indicator_check.explanation == "万人高价值发明专利拥有量偏离"
    )
    assert colour(facts, "2023-06-29", rules) == "yellow"
    assert colour(facts, "2023-06-30", rules) is None
    # Other conditions still rank by colour: overdue is red whatever the indicator says.
    assert colour(ahead_facts(check("2023-12-31", False)), "2024-01-01", rules) == "red"
    # A milestone reported complete has no flag, even with its indicator off track.
    done = engine.MilestoneFacts(
        D("2023-01-01"),
        D("2023-12-31"),
        "quarterly",
        [submit("2023-01-10", "2023-Q1", 100)],
        [check("2023-03-31", False)],
    )
    assert colour(done, "2023-04-01", rules) is None


def test_as_of_replay_ignores_checks_dated_after_the_day(rules) -> None:
    facts = ahead_facts(check("2023-03-31", False), check("2023-06-30", True), check("2023-09-30", False))
    # Replaying 1 May sees the March check only, whatever was computed later.
    state = engine.state_at(facts, D("2023-05-01"), rules)
    assert state.indicator_check == check("2023-03-31", False)
    assert engine.state_at(facts, D("2023-03-30"), rules).indicator_check is None
    assert engine.state_at(facts, D("2023-10-01"), rules).indicator_check == check("2023-09-30", False)
    runs = engine.timeline(facts, lambda _d: rules, D("2023-10-31"))
    assert [(r.colour, r.since, r.until, r.reason) for r in runs] == [
        ("yellow", D("2023-03-31"), D("2023-06-30"), "关联指标偏离目标进度"),
        ("yellow", D("2023-09-30"), None, "关联指标偏离目标进度"),
    ]
    assert runs == engine.timeline_daily(facts, lambda _d: rules, D("2023-10-31"))
    # Two checks on one day (two indicators carry the target): the off-track one is in force.
    tie = ahead_facts(check("2023-03-31", True), check("2023-03-31", False))
    assert colour(tie, "2023-03-31", rules) == "yellow"


def test_indicator_off_track_raises_nothing_under_rules_without_it(rules) -> None:
    data, _checksum = selectors.file_rules(RuleKind.FLAGS)
    without = parse_flag_rules(
        {
            **data,
            "colours": [
                {**c, "when": [w for w in c["when"] if w["condition"] != "indicator_off_track"]}
                for c in data["colours"]
            ],
        }
    )
    facts = ahead_facts(check("2023-03-31", False))
    assert colour(facts, "2023-04-01", rules) == "yellow"
    assert colour(facts, "2023-04-01", without) is None


def test_indicator_off_track_takes_no_parameters() -> None:
    from ipcity.supervision.rules import RulesError, _parse_condition

    assert _parse_condition({"condition": "indicator_off_track"}, "p").kind == "indicator_off_track"
    with pytest.raises(RulesError) as info:
        _parse_condition({"condition": "indicator_off_track", "days": 3}, "colours[1].when[2]")
    assert info.value.path == "colours[1].when[2]" and "不接受参数：days" in info.value.reason


def test_change_days_with_indicator_checks_give_the_same_history_as_every_day(rules) -> None:
    import random

    rng = random.Random(20230)
    for _case in range(100):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
        due = start + dt.timedelta(days=rng.randrange(0, 300))
        frequency = rng.choice(["monthly", "quarterly"])
        periods = engine.reporting_periods(start, due, frequency)
        events = []
        for _n in range(rng.randrange(0, 6)):
            day = start + dt.timedelta(days=rng.randrange(0, (due - start).days + 60))
            percent = Decimal(rng.choice([0, 20, 50, 80, 95, 100]))
            events.append(engine.ReportEvent(at(day), day, rng.choice(periods).code, engine.SUBMIT, percent))
        checks = [
            engine.IndicatorCheck(
                start + dt.timedelta(days=rng.randrange(-60, (due - start).days + 60)),
                rng.random() < 0.5,
                "x",
            )
            for _n in range(rng.randrange(0, 5))
        ]
        facts = engine.MilestoneFacts(start, due, frequency, events, checks)
        until = due + dt.timedelta(days=rng.randrange(-30, 120))
        fast = engine.timeline(facts, lambda _d: rules, until)
        assert fast == engine.timeline_daily(facts, lambda _d: rules, until), (start, due, events, checks)
