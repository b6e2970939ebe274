"""The flag engine: a milestone's state on a date, its colour under the rules, and its history.

Plain Python (no Django): the inputs are the milestone's schedule and its dated report events,
so the state on any past date can be replayed exactly (as-of replay), and the same code answers
the dashboard, the CLI and the stored flag history.

Definitions (docs/supervision.md):
- 序时进度 (elapsed share) on day d = (d − start) / (due − start), clamped to 0..100 %.
- behind = 序时进度 − the % complete of the latest report submitted on or before d (0 without one).
- complete = that latest report says 100 % and its period's report is not currently returned.
- a reporting period is missing on d when its report was due before d (due date + report_due_days)
  and nothing was submitted for it by d; `missing_periods` counts the latest consecutive ones.
- the indicator check on d is the latest progress-to-target check of the milestone's linked
  indicator dated on or before d (the indicators module supplies them; none without a link).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ipcity.supervision.rules import Condition, FlagRules

SUBMIT = "submit"
RETURN = "return"
ACCEPT = "accept"


@dataclass(frozen=True)
class Period:
    code: str
    label: str
    start: dt.date
    end: dt.date

    def report_due(self, rules: FlagRules) -> dt.date:
        return self.end + dt.timedelta(days=rules.report_due_days)


def month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def reporting_periods(start: dt.date, due: dt.date, frequency: str) -> list[Period]:
    """Calendar months or quarters overlapping start..due, clipped to the milestone's span."""
    periods = []
    step = 1 if frequency == "monthly" else 3
    year, month = start.year, start.month
    if step == 3:
        month = (month - 1) // 3 * 3 + 1
    while dt.date(year, month, 1) <= due:
        last_month = month + step - 1
        p_start = max(dt.date(year, month, 1), start)
        p_end = min(month_end(year, last_month), due)
        if step == 1:
            code, label = f"{year}-{month:02d}", f"{year}年{month}月"
        else:
            quarter = (month - 1) // 3 + 1
            code, label = f"{year}-Q{quarter}", f"{year}年第{quarter}季度"
        periods.append(Period(code, label, p_start, p_end))
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    return periods


@dataclass(frozen=True)
class ReportEvent:
    """A submission (with its %), a return or an acceptance of one period's report."""

    at: dt.datetime
    on: dt.date  # local (Asia/Shanghai) date of `at`
    period_code: str
    kind: str
    percent: Decimal | None = None


@dataclass(frozen=True)
class IndicatorCheck:
    """Whether the indicator the milestone counts towards was on track to its target, as of `on`
    (a snapshot's statistics date), with the explanation of the progress-to-target judgement."""

    on: dt.date
    on_track: bool
    explanation: str


@dataclass
class MilestoneFacts:
    start: dt.date
    due: dt.date
    frequency: str
    events: list[ReportEvent] = field(default_factory=list)  # sorted by `at`
    checks: list[IndicatorCheck] = field(default_factory=list)  # sorted by `on`

    def __post_init__(self) -> None:
        self.events = sorted(self.events, key=lambda e: e.at)
        # On a tie the off-track check sorts last, so it is the one in force that day.
        self.checks = sorted(self.checks, key=lambda c: (c.on, not c.on_track))
        self._check_days = [c.on for c in self.checks]
        self.periods = reporting_periods(self.start, self.due, self.frequency)
        self._dues: dict[int, list[tuple[str, dt.date]]] = {}

    def check_on(self, on: dt.date) -> IndicatorCheck | None:
        """The latest indicator check dated on or before `on` (a later one is not yet known)."""
        index = bisect.bisect_right(self._check_days, on)
        return self.checks[index - 1] if index else None

    def report_dues(self, report_due_days: int) -> list[tuple[str, dt.date]]:
        """(period code, report due date) for each period, cached per rule setting."""
        if report_due_days not in self._dues:
            delta = dt.timedelta(days=report_due_days)
            self._dues[report_due_days] = [(p.code, p.end + delta) for p in self.periods]
        return self._dues[report_due_days]


@dataclass(frozen=True)
class State:
    on: dt.date
    percent: Decimal
    elapsed_days: int  # elapsed = elapsed_days / span_days, clamped to 0..1
    span_days: int
    complete: bool
    days_to_due: int
    missing_periods: int
    returned_periods: tuple[str, ...]
    submitted_periods: frozenset[str]
    # behind × 100 × span_days, an integer, so threshold tests are exact and cheap.
    behind_scaled: int
    indicator_check: IndicatorCheck | None = None

    @property
    def elapsed(self) -> Fraction:
        return Fraction(self.elapsed_days, self.span_days)

    @property
    def behind(self) -> Fraction:
        """Percentage points behind 序时进度 (negative when ahead)."""
        return Fraction(self.behind_scaled, 100 * self.span_days)

    @property
    def overdue(self) -> bool:
        return self.days_to_due < 0 and not self.complete

    @property
    def scheduled_percent(self) -> Decimal:
        return (Decimal(self.elapsed_days) * 100 / Decimal(self.span_days)).quantize(Decimal("0.1"))


def state_at(facts: MilestoneFacts, on: dt.date, rules: FlagRules) -> State:
    percent = Decimal(0)
    percent_period = ""
    last_kind: dict[str, str] = {}
    submitted: set[str] = set()
    for event in facts.events:
        if event.on > on:
            break  # events are sorted by time
        last_kind[event.period_code] = event.kind
        if event.kind == SUBMIT:
            submitted.add(event.period_code)
            percent = event.percent if event.percent is not None else percent
            percent_period = event.period_code
    returned = tuple(code for code, kind in last_kind.items() if kind == RETURN)
    complete = percent >= 100 and percent_period not in returned
    span = (facts.due - facts.start).days
    if on < facts.start:
        elapsed_days, span = 0, 1
    elif span <= 0 or on >= facts.due:
        elapsed_days, span = 1, 1
    else:
        elapsed_days = (on - facts.start).days
    missing = 0
    for code, report_due in reversed(facts.report_dues(rules.report_due_days)):
        if report_due >= on:
            continue
        if code in submitted:
            break
        missing += 1
    return State(
        on=on,
        percent=percent,
        elapsed_days=elapsed_days,
        span_days=span,
        complete=complete,
        days_to_due=(facts.due - on).days,
        missing_periods=missing,
        returned_periods=returned,
        submitted_periods=frozenset(submitted),
        behind_scaled=elapsed_days * 10000 - int(percent * 100) * span,
        indicator_check=facts.check_on(on) if facts.checks else None,
    )


@functools.cache
def _bounds(condition: Condition) -> tuple[int | None, int | None, int | None, int | None]:
    """Thresholds in hundredths of a percentage point (the schema allows two decimals)."""

    def scaled(value: Decimal | None) -> int | None:
        return None if value is None else int(value * 100)

    return (
        scaled(condition.at_least),
        scaled(condition.above),
        scaled(condition.at_most),
        scaled(condition.below),
    )


@functools.cache
def _describe(condition: Condition) -> str:
    return condition.describe()


def holds(condition: Condition, state: State) -> bool:
    if condition.kind == "overdue":
        return state.overdue
    if condition.kind == "returned_report":
        return bool(state.returned_periods)
    if condition.kind == "due_within":
        return 0 <= state.days_to_due <= (condition.days or 0)
    if condition.kind == "missing_periods":
        return condition.at_least is not None and state.missing_periods >= condition.at_least
    if condition.kind == "indicator_off_track":
        return state.indicator_check is not None and not state.indicator_check.on_track
    at_least, above, at_most, below = _bounds(condition)
    behind, span = state.behind_scaled, state.span_days
    if at_least is not None and behind < at_least * span:
        return False
    if above is not None and behind <= above * span:
        return False
    if at_most is not None and behind > at_most * span:
        return False
    return not (below is not None and behind >= below * span)


@dataclass(frozen=True)
class Flag:
    colour: str
    label: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def evaluate(state: State, rules: FlagRules) -> Flag | None:
    """The most severe colour any of whose conditions holds; a complete milestone has none."""
    if state.complete:
        return None
    for colour in rules.colours:
        reasons = tuple(_describe(c) for c in colour.when if holds(c, state))
        if reasons:
            return Flag(colour.code, colour.label, reasons)
    return None


def flag_on(facts: MilestoneFacts, on: dt.date, rules: FlagRules) -> tuple[State, Flag | None]:
    state = state_at(facts, on, rules)
    return state, evaluate(state, rules)


@dataclass(frozen=True)
class Run:
    """An interval of one colour: since (inclusive) .. until (exclusive; None = still on at the end)."""

    colour: str
    label: str
    reason: str
    since: dt.date
    until: dt.date | None
    rules_effective_from: dt.date


def _versions(rules_at: Callable[[dt.date], FlagRules], days: tuple[dt.date, ...]) -> list[FlagRules]:
    found: dict[int, FlagRules] = {}
    for day in days:
        rules = rules_at(day)
        found[id(rules)] = rules
    return list(found.values())


def change_days(
    facts: MilestoneFacts,
    versions: list[FlagRules],
    rule_dates: tuple[dt.date, ...],
    first: dt.date,
    last: dt.date,
) -> list[dt.date]:
    """Every day in first..last on which some condition's truth may change; between two such
    days the colour is constant. The 序时进度 grows one day at a time, so each behind threshold
    is crossed on a day computed exactly from the percent reported at the time."""
    one = dt.timedelta(days=1)
    days = {first, facts.start, facts.due, facts.due + one, *rule_dates}
    days.update(e.on for e in facts.events)
    days.update(c.on for c in facts.checks)
    for rules in versions:
        for colour in rules.colours:
            for condition in colour.when:
                if condition.kind == "due_within":
                    days.add(facts.due - dt.timedelta(days=condition.days or 0))
        days.update(due + one for _code, due in facts.report_dues(rules.report_due_days))
    span = (facts.due - facts.start).days
    thresholds = {
        bound
        for rules in versions
        for colour in rules.colours
        for condition in colour.when
        if condition.kind == "behind"
        for bound in _bounds(condition)
        if bound is not None
    }
    if span > 0 and thresholds:
        segments: list[tuple[dt.date, int]] = [(first, 0)]  # (from day, percent × 100)
        for event in facts.events:
            if event.kind != SUBMIT or event.percent is None:
                continue
            scaled = int(event.percent * 100)
            if segments[-1][0] == event.on:
                segments[-1] = (event.on, scaled)
            else:
                segments.append((event.on, scaled))
        for index, (from_day, percent) in enumerate(segments):
            to_day = segments[index + 1][0] if index + 1 < len(segments) else last + one
            for bound in thresholds:
                floor = (bound + percent) * span // 10000
                for elapsed in (floor, floor + 1):
                    if 0 <= elapsed <= span:
                        day = facts.start + dt.timedelta(days=elapsed)
                        if from_day <= day < to_day:
                            days.add(day)
    return sorted(d for d in days if first <= d <= last)


def _first_day(facts: MilestoneFacts, versions: list[FlagRules]) -> dt.date:
    lookahead = max(
        (
            c.days or 0
            for rules in versions
            for col in rules.colours
            for c in col.when
            if c.kind == "due_within"
        ),
        default=0,
    )
    return min(facts.start, facts.due - dt.timedelta(days=lookahead))


def _runs(facts: MilestoneFacts, rules_at: Callable[[dt.date], FlagRules], days: list[dt.date]) -> list[Run]:
    runs: list[Run] = []
    current: Flag | None = None
    since: dt.date | None = None
    current_rules: FlagRules | None = None
    for day in days:
        day_rules = rules_at(day)
        _state, flag = flag_on(facts, day, day_rules)
        if (flag.colour if flag else None) == (current.colour if current else None):
            continue
        if current is not None and since is not None and current_rules is not None:
            runs.append(
                Run(current.colour, current.label, current.reason, since, day, current_rules.effective_from)
            )
        current, since, current_rules = flag, day, day_rules
    if current is not None and since is not None and current_rules is not None:
        runs.append(
            Run(current.colour, current.label, current.reason, since, None, current_rules.effective_from)
        )
    return runs


def timeline(
    facts: MilestoneFacts,
    rules_at: Callable[[dt.date], FlagRules],
    until: dt.date,
    *,
    rule_dates: tuple[dt.date, ...] = (),
) -> list[Run]:
    """The colour runs of a milestone from its first relevant day through `until` (inclusive);
    the last run is open (until None) when it still holds on `until`.

    Evaluates only the days returned by change_days (tests check it against every day)."""
    # Every version in force at any time up to `until` (extra ones only add candidate days).
    versions = _versions(
        rules_at, (dt.date.min, facts.start, facts.due, until, *(d for d in rule_dates if d <= until))
    )
    first = _first_day(facts, versions)
    if until < first:
        return []
    return _runs(
        facts,
        rules_at,
        change_days(facts, versions, tuple(d for d in rule_dates if d <= until), first, until),
    )


def timeline_daily(
    facts: MilestoneFacts,
    rules_at: Callable[[dt.date], FlagRules],
    until: dt.date,
    *,
    rule_dates: tuple[dt.date, ...] = (),
) -> list[Run]:
    """The same runs, evaluating every single day (slow; the reference for tests)."""
    # Every version in force at any time up to `until` (extra ones only add candidate days).
    versions = _versions(
        rules_at, (dt.date.min, facts.start, facts.due, until, *(d for d in rule_dates if d <= until))
    )
    first = _first_day(facts, versions)
    if until < first:
        return []
    return _runs(facts, rules_at, [first + dt.timedelta(days=n) for n in range((until - first).days + 1)])
