"""Reads for supervision: the rules in force, milestone facts for the engine, states as of a date,
and the dashboard's aggregates. Views call these with user-scoped querysets."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from ipcity.lib.datafile import load_data_file
from ipcity.lib.inputs import parse_date
from ipcity.plans.models import Plan
from ipcity.plans.selectors import find_current_plan
from ipcity.supervision import engine
from ipcity.supervision.choices import (
    EscalationStatus,
    FollowUpKind,
    ReminderKind,
    ReportStatus,
    ReviewDecision,
    RuleKind,
)
from ipcity.supervision.models import (
    Escalation,
    FlagComputation,
    FlagRecord,
    Milestone,
    MilestoneQuerySet,
    ProgressReport,
    Reminder,
    ReportReview,
    ReportVersion,
    RuleSet,
)
from ipcity.supervision.rules import (
    ASSESSMENT_SCHEMA,
    FLAG_RULES_SCHEMA,
    AssessmentRules,
    FlagRules,
    parse_assessment_rules,
    parse_flag_rules,
)

RULE_FILES: dict[str, Path] = {
    RuleKind.FLAGS: settings.DATA_DIR / "supervision" / "flag-rules.yaml",
    RuleKind.ASSESSMENT: settings.DATA_DIR / "supervision" / "assessment.yaml",
}
RULE_SCHEMAS: dict[str, dict[str, Any]] = {
    RuleKind.FLAGS: FLAG_RULES_SCHEMA,
    RuleKind.ASSESSMENT: ASSESSMENT_SCHEMA,
}
PLAN_YEARS = (2022, 2023, 2024)


def local_date(moment: dt.datetime, tz: dt.tzinfo | None = None) -> dt.date:
    """The local (Asia/Shanghai) date of `moment`; loops pass `tz` (the current time zone) once."""
    return moment.astimezone(tz or timezone.get_current_timezone()).date()


def today() -> dt.date:
    return timezone.localdate()


def default_as_of() -> dt.date:
    """Today, kept inside the supervised period (the plan's period, extended to the last
    milestone's due date), so a finished plan opens on its last day rather than after it."""
    plan = find_current_plan()
    day = today()
    if plan is None:
        return day
    last_due = Milestone.objects.aggregate(last=Max("due"))["last"]
    end = max(plan.period_end, last_due) if last_due else plan.period_end
    return min(max(day, plan.period_start), end)


def parse_as_of(value: str | None) -> dt.date | None:
    """`?as_of=`: None when missing, impossible or beyond the dates the pages can count from."""
    return parse_date(value)


# ---------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class RuleVersion:
    pk: int | None  # None: read from the data file, not yet stored
    version: int
    effective_from: dt.date
    flags: FlagRules


class RuleBook:
    """Every version of the flag rules, each in force from its effective date until the next."""

    def __init__(self, versions: list[RuleVersion]) -> None:
        self.versions = sorted(versions, key=lambda v: (v.effective_from, v.version))

    def version_at(self, day: dt.date) -> RuleVersion:
        current = self.versions[0]
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current

    def at(self, day: dt.date) -> FlagRules:
        return self.version_at(day).flags

    @property
    def change_dates(self) -> tuple[dt.date, ...]:
        return tuple(v.effective_from for v in self.versions[1:])


def file_rules(kind: str) -> tuple[dict[str, Any], str]:
    return load_data_file(RULE_FILES[kind], RULE_SCHEMAS[kind])


def rule_sets(kind: str) -> list[RuleSet]:
    return list(RuleSet.objects.filter(kind=kind).order_by("effective_from", "version"))


def flag_rule_book() -> RuleBook:
    stored = rule_sets(RuleKind.FLAGS)
    if stored:
        return RuleBook(
            [RuleVersion(r.pk, r.version, r.effective_from, parse_flag_rules(r.data)) for r in stored]
        )
    data, _checksum = file_rules(RuleKind.FLAGS)
    rules = parse_flag_rules(data)
    return RuleBook([RuleVersion(None, 0, rules.effective_from, rules)])


def colour_label(code: str) -> str:
    """A flag colour's name in the newest rules that define it ('red' → '红'); the audit log's."""
    for version in reversed(flag_rule_book().versions):
        colour = version.flags.colour(code)
        if colour is not None:
            return colour.label
    return code


def assessment_rules_at(day: dt.date) -> AssessmentRules:
    stored = [r for r in rule_sets(RuleKind.ASSESSMENT) if r.effective_from <= day] or rule_sets(
        RuleKind.ASSESSMENT
    )[:1]
    colours = {c.code for c in flag_rule_book().at(day).colours}
    if stored:
        return parse_assessment_rules(stored[-1].data, colour_codes=colours)
    data, _checksum = file_rules(RuleKind.ASSESSMENT)
    return parse_assessment_rules(data, colour_codes=colours)


# ---------------------------------------------------------------------------------------------
# Facts for the engine

# Indicator progress for the flags: the indicators module (a sibling app) registers a function
# here at start-up (IndicatorsConfig.ready). It gets the milestones and returns, for those linked
# to a plan target an indicator carries, their dated checks {milestone id: [IndicatorCheck]}, in a
# few queries whatever the number of milestones. Without a source no milestone has checks.
IndicatorCheckSource = Callable[[list[Milestone]], dict[int, list[engine.IndicatorCheck]]]
_indicator_check_source: IndicatorCheckSource | None = None


def set_indicator_check_source(source: IndicatorCheckSource | None) -> None:
    global _indicator_check_source
    _indicator_check_source = source


def facts_for(milestones: Iterable[Milestone]) -> dict[int, engine.MilestoneFacts]:
    """The engine's input for each milestone: schedule, frequency, every dated report event and
    the checks of its linked indicator.

    Three queries whatever the number of milestones (milestones must come with row settings),
    plus the indicator check source's few when some milestone is linked to a plan target.
    """
    items = list(milestones)
    ids = [m.pk for m in items]
    tz = timezone.get_current_timezone()
    events: dict[int, list[engine.ReportEvent]] = defaultdict(list)
    versions = ReportVersion.objects.filter(report__milestone_id__in=ids).values_list(
        "report__milestone_id", "report__period_code", "submitted_at", "percent_complete"
    )
    for milestone_id, code, at, percent in versions:
        events[milestone_id].append(engine.ReportEvent(at, local_date(at, tz), code, engine.SUBMIT, percent))
    reviews = ReportReview.objects.filter(report__milestone_id__in=ids).values_list(
        "report__milestone_id", "report__period_code", "reviewed_at", "decision"
    )
    for milestone_id, code, at, decision in reviews:
        kind = engine.RETURN if decision == ReviewDecision.RETURNED else engine.ACCEPT
        events[milestone_id].append(engine.ReportEvent(at, local_date(at, tz), code, kind))
    checks = _indicator_check_source(items) if _indicator_check_source is not None else {}
    return {
        m.pk: engine.MilestoneFacts(m.start, m.due, m.frequency, events.get(m.pk, []), checks.get(m.pk, []))
        for m in items
    }


@dataclass
class MilestoneStatus:
    """A milestone as of a date: its state, its flag (colour, reasons) and since when."""

    milestone: Milestone
    state: engine.State
    flag: engine.Flag | None
    since: dt.date | None
    periods: list[engine.Period]

    @property
    def colour(self) -> str:
        return self.flag.colour if self.flag else ""

    @property
    def started(self) -> bool:
        return self.state.on >= self.milestone.start


def statuses(
    milestones: Iterable[Milestone], on: dt.date, *, book: RuleBook | None = None
) -> list[MilestoneStatus]:
    """Evaluate each milestone on `on` with the rules then in force; `since` from the stored history."""
    items = list(milestones)
    book = book or flag_rule_book()
    rules = book.at(on)
    facts = facts_for(items)
    records = {
        r.milestone_id: r
        for r in FlagRecord.objects.filter(milestone__in=[m.pk for m in items])
        .on(on)
        .only("milestone_id", "colour", "since")
    }
    out = []
    for m in items:
        state, flag = engine.flag_on(facts[m.pk], on, rules)
        record = records.get(m.pk)
        since = (
            record.since if record is not None and flag is not None and record.colour == flag.colour else None
        )
        out.append(MilestoneStatus(m, state, flag, since, facts[m.pk].periods))
    return out


def with_status_on(escalations: Iterable[Escalation], on: dt.date) -> list[Escalation]:
    """Escalations with `status_on` (their status on the as-of date) and the follow-ups up to it
    (`follow_ups_on`); needs follow_ups prefetched."""
    out = []
    for escalation in escalations:
        done = [f for f in escalation.follow_ups.all() if f.on <= on]
        escalation.follow_ups_on = done  # type: ignore[attr-defined]
        rectified = any(f.kind == FollowUpKind.RECTIFIED for f in done)
        escalation.status_on = (  # type: ignore[attr-defined]
            EscalationStatus.RECTIFIED.label if rectified else EscalationStatus.OPEN.label
        )
        out.append(escalation)
    return out


def flag_horizon() -> dt.date | None:
    last = FlagComputation.objects.order_by("-horizon").values_list("horizon", flat=True).first()
    return last


# ---------------------------------------------------------------------------------------------
# Who is responsible


def responsible_users(milestone: Milestone) -> list[Any]:
    from ipcity.accounts.choices import Role
    from ipcity.accounts.models import User

    users = User.objects.filter(is_active=True)
    if milestone.region_id:
        return list(users.filter(role=Role.DISTRICT_OFFICER, region_id=milestone.region_id))
    return list(users.filter(role=Role.DEPT_LIAISON, department_id=milestone.department_id))


def city_office_users() -> list[Any]:
    from ipcity.accounts.choices import Role
    from ipcity.accounts.models import User

    return list(User.objects.filter(is_active=True).filter(Q(role=Role.CITY_ADMIN) | Q(is_superuser=True)))


# ---------------------------------------------------------------------------------------------
# Dashboard


def own_first(items: list[MilestoneStatus], user: Any) -> list[MilestoneStatus]:
    """A liaison's (or district's) own milestones first, then the others it may see."""

    def is_own(m: Milestone) -> bool:
        if getattr(user, "region_id", None):
            return m.region_id == user.region_id
        if getattr(user, "department_id", None):
            return m.department_id == user.department_id and m.region_id is None
        return False

    return sorted(items, key=lambda s: not is_own(s.milestone))


def colour_counts(items: list[MilestoneStatus]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for s in items:
        if s.state.complete:
            counts["complete"] += 1
        elif s.flag:
            counts[s.flag.colour] += 1
        else:
            counts["none"] += 1
    return counts


def grouped_counts(items: list[MilestoneStatus], key: str) -> list[tuple[str, Counter[str]]]:
    """Counts by colour per programme ("programme") or per responsible unit ("unit")."""
    groups: dict[str, list[MilestoneStatus]] = {}
    for s in items:
        m = s.milestone
        name = (
            f"{m.row.section.programme.numeral}、{m.row.section.programme.title}"
            if key == "programme"
            else m.responsible
        )
        groups.setdefault(name, []).append(s)
    return [(name, colour_counts(group)) for name, group in groups.items()]


def flag_trend(
    milestone_ids: list[int], until: dt.date, colours: list[str], *, plan: Plan | None = None
) -> dict[str, Any]:
    """Counts of milestones by colour at each month end from the plan start to `until`
    (`plan`: the current plan, when the caller has it)."""
    plan = plan or find_current_plan()
    start = plan.period_start if plan else dt.date(until.year, 1, 1)
    records = list(
        FlagRecord.objects.filter(milestone_id__in=milestone_ids, since__lte=until).values_list(
            "colour", "since", "until"
        )
    )
    months: list[dt.date] = []
    year, month = start.year, start.month
    while True:
        end = engine.month_end(year, month)
        point = min(end, until)
        months.append(point)
        if end >= until:
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    series: dict[str, list[int]] = {c: [0] * len(months) for c in colours}
    for colour, since, ended in records:
        if colour not in series:
            continue
        for index, point in enumerate(months):
            if since <= point and (ended is None or ended > point):
                series[colour][index] += 1
    return {"months": [p.strftime("%Y-%m") for p in months], "series": series}


def flags_on(as_of: dt.date, milestones: Iterable[Milestone] | None = None) -> list[dict[str, Any]]:
    """The flags in force on `as_of`, computed from the facts (the CLI's JSON contract):
    [{"row", "milestone", "colour", "reason", "since", ...}] in the plan's order."""
    items = list(milestones if milestones is not None else Milestone.objects.with_plan())
    book = flag_rule_book()
    facts = facts_for(items)
    out = []
    for m in items:
        runs = engine.timeline(facts[m.pk], book.at, as_of, rule_dates=book.change_dates)
        if not runs or runs[-1].until is not None:
            continue
        run = runs[-1]
        _state, flag = engine.flag_on(facts[m.pk], as_of, book.at(as_of))
        out.append(
            {
                "row": m.row.code,
                "milestone": m.title,
                "colour": run.colour,
                "reason": flag.reason if flag else run.reason,
                "since": run.since.isoformat(),
                "label": run.label,
                "milestone_id": m.pk,
                "year": m.year,
                "position": m.position,
                "clause": m.row.clause,
                "responsible": m.responsible,
                "due": m.due.isoformat(),
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# Reminders


@dataclass(frozen=True)
class PlannedReminder:
    milestone: Milestone
    period: engine.Period
    kind: str
    report_due: dt.date
    recipients: tuple[str, ...]


def due_reminders(*, as_of: dt.date) -> list[PlannedReminder]:
    """Reports coming due (within reminder_days_before) or overdue (within overdue_reminder_days)
    that have not been filed and not yet been reminded of."""
    rules = flag_rule_book().at(as_of)
    window_start = as_of - dt.timedelta(days=rules.overdue_reminder_days + rules.report_due_days + 93)
    milestones = list(
        Milestone.objects.with_plan().filter(
            start__lte=as_of + dt.timedelta(days=rules.reminder_days_before), due__gte=window_start
        )
    )
    facts = facts_for(milestones)
    sent = set(
        Reminder.objects.filter(milestone__in=milestones).values_list("milestone_id", "period_code", "kind")
    )
    planned = []
    for milestone in milestones:
        state = engine.state_at(facts[milestone.pk], as_of, rules)
        if state.complete:
            continue
        for period in facts[milestone.pk].periods:
            if period.code in state.submitted_periods:
                continue
            due = period.report_due(rules)
            if 0 <= (due - as_of).days <= rules.reminder_days_before:
                kind = ReminderKind.DUE_SOON
            elif 0 < (as_of - due).days <= rules.overdue_reminder_days:
                kind = ReminderKind.OVERDUE
            else:
                continue
            if (milestone.pk, period.code, kind) in sent:
                continue
            users = responsible_users(milestone)
            planned.append(PlannedReminder(milestone, period, kind, due, tuple(u.username for u in users)))
    return planned


# ---------------------------------------------------------------------------------------------
# What waits for a user (the 工作台 of the portal)

# A period's report is listed from this many days before it is due (and while it is overdue).
REPORTS_DUE_WITHIN_DAYS = 15


def reportable_milestones(user: Any) -> MilestoneQuerySet:
    """The milestones whose progress `user` files (permissions.can_report_on, as a query)."""
    from ipcity.accounts.choices import Role
    from ipcity.accounts.permissions import has_role

    milestones = Milestone.objects.visible_to(user)
    if has_role(user, Role.DISTRICT_OFFICER) and user.region_id:
        return milestones.filter(region_id=user.region_id)
    if has_role(user, Role.DEPT_LIAISON) and user.department_id:
        return milestones.filter(department_id=user.department_id, region__isnull=True)
    return milestones.none()


@dataclass(frozen=True)
class ReportToFile:
    """One period's progress report that a responsible unit should file (or file again)."""

    milestone: Milestone
    period: engine.Period
    report_due: dt.date
    days_left: int  # to report_due; negative when overdue
    returned: bool  # filed, returned by the office, not yet filed again


def reports_to_file(user: Any, on: dt.date, *, within: int = REPORTS_DUE_WITHIN_DAYS) -> list[ReportToFile]:
    """The reports `user` should file on `on`, the earliest due first. For each of its milestones
    not yet complete: every report the office returned and that was not filed again; and every
    started period without a report whose report is due within `within` days or overdue — only
    the periods after the latest one reported (a later report carries the progress: 最多报一次,
    and the flag rules count missing periods the same way).

    Three queries: the rules, the milestones, their reports."""
    milestones = list(reportable_milestones(user).with_plan())
    if not milestones:
        return []
    rules = flag_rule_book().at(on)
    filed: dict[int, dict[str, tuple[str, Any, dt.datetime]]] = defaultdict(dict)
    rows = ProgressReport.objects.filter(milestone__in=[m.pk for m in milestones]).values_list(
        "milestone_id", "period_code", "status", "percent_complete", "submitted_at"
    )
    for milestone_id, code, status, percent, submitted_at in rows:
        filed[milestone_id][code] = (status, percent, submitted_at)
    out = []
    for milestone in milestones:
        reports = filed.get(milestone.pk, {})
        latest = max(reports.values(), key=lambda r: r[2], default=None)
        if latest is not None and latest[1] >= 100 and latest[0] != ReportStatus.RETURNED:
            continue  # complete (engine.state_at)
        periods = engine.reporting_periods(milestone.start, milestone.due, milestone.frequency)
        last_reported = max((i for i, p in enumerate(periods) if p.code in reports), default=-1)
        for index, period in enumerate(periods):
            due = period.report_due(rules)
            report = reports.get(period.code)
            if report is not None:
                if report[0] != ReportStatus.RETURNED:
                    continue
            elif index < last_reported or period.start > on or (due - on).days > within:
                continue
            out.append(ReportToFile(milestone, period, due, (due - on).days, returned=report is not None))
    out.sort(key=lambda r: (r.report_due, r.milestone.pk))
    return out


def reports_to_review(user: Any) -> QuerySet[ProgressReport]:
    """Reports filed and waiting for the office's review, the longest waiting first (the office only)."""
    from ipcity.supervision.permissions import can_review_reports

    if not can_review_reports(user):
        return ProgressReport.objects.none()
    return (
        ProgressReport.objects.visible_to(user)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("milestone__row", "milestone__department", "milestone__region")
        .order_by("submitted_at", "pk")
    )


def open_escalations(user: Any) -> QuerySet[Escalation]:
    """The 督办单 still open that `user` may see, the nearest 整改期限 first."""
    return (
        Escalation.objects.visible_to(user)
        .filter(status=EscalationStatus.OPEN)
        .select_related("milestone__row", "milestone__department", "milestone__region")
        .order_by("deadline", "pk")
    )


def most_severe_colour(on: dt.date) -> tuple[str, str]:
    """(code, label) of the first (most severe) colour of the rules in force on `on`."""
    colour = flag_rule_book().at(on).colours[0]
    return colour.code, colour.label


def flags_in_force(user: Any, on: dt.date, colour: str) -> QuerySet[FlagRecord]:
    """The stored flags of `colour` in force on `on` that `user` may see, the oldest first."""
    return (
        FlagRecord.objects.visible_to(user)
        .on(on)
        .filter(colour=colour)
        .select_related("milestone__row", "milestone__department", "milestone__region")
        .order_by("since", "pk")
    )
