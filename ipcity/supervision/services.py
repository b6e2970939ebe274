"""Writes of supervision. Each public function is one transaction with its audit event(s).

Milestones and row settings (the annual decomposition), progress reports and their review,
the rules (flag rules and assessment weights, versioned), flag recomputation with escalations
(督办单) and their follow-up, and reminders. The `start_*_job` functions run the long ones
(recomputation, the decomposition import) in a background job (core.jobs) for the web pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.core.choices import DepartmentKind
from ipcity.core.jobs import JobHandle, background_job, start_job
from ipcity.core.models import Department, Job, Region
from ipcity.core.notifications import notify
from ipcity.core.workflow import Refused
from ipcity.lib.datafile import DataFileError, parse_yaml, validate
from ipcity.plans.choices import Comparison
from ipcity.plans.models import Row, Target
from ipcity.supervision import engine, selectors
from ipcity.supervision.choices import FollowUpKind, ReminderKind, ReportFrequency, ReportStatus, RuleKind
from ipcity.supervision.models import (
    Escalation,
    FlagComputation,
    FlagRecord,
    Milestone,
    ProgressReport,
    Reminder,
    ReportVersion,
    RowSetting,
    RuleSet,
)
from ipcity.supervision.permissions import can_report_on
from ipcity.supervision.rules import RulesError, parse_assessment_rules, parse_flag_rules
from ipcity.supervision.workflows import ESCALATION_FLOW, REPORT_FLOW

ATTACHMENT_KINDS = {"pdf", "docx", "xlsx", "jpg", "png"}


# ---------------------------------------------------------------------------------------------
# Rules


def _parse_rules_text(kind: str, text: str, *, file: str) -> dict[str, Any]:
    data = parse_yaml(text, file=file)
    if isinstance(data, dict) and isinstance(data.get("effective_from"), dt.date):
        data["effective_from"] = data["effective_from"].isoformat()
    validate(data, selectors.RULE_SCHEMAS[kind], file=file)
    try:
        if kind == RuleKind.FLAGS:
            parse_flag_rules(data)
        else:
            colours = {
                c.code
                for c in selectors.flag_rule_book().at(dt.date.fromisoformat(data["effective_from"])).colours
            }
            parse_assessment_rules(data, colour_codes=colours)
    except RulesError as exc:
        raise DataFileError(file, exc.path, exc.reason) from exc
    return data


@transaction.atomic
def save_rule_set(
    kind: str, *, text: str, actor: Actor, source: str = "管理员在线修改", note: str = ""
) -> RuleSet:
    """Store a new version of the flag rules or the assessment weights, in force from its
    `effective_from`. The data files' rules are stored first as version 1 of each kind that has
    none yet (seed_rules), in the same transaction: history before the new version keeps the file's
    rules. A document that fails the schema or the consistency checks is refused (DataFileError
    naming the field) and nothing is written, the seeded versions included."""
    seed_rules(actor=actor)
    return _store_rule_set(kind, text=text, actor=actor, source=source, note=note)


def _store_rule_set(kind: str, *, text: str, actor: Actor, source: str, note: str = "") -> RuleSet:
    data = _parse_rules_text(kind, text, file=source)
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    latest = RuleSet.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
    rule_set = RuleSet.objects.create(
        kind=kind,
        version=latest + 1,
        name=data["name"],
        effective_from=dt.date.fromisoformat(data["effective_from"]),
        text=text,
        data=data,
        checksum=checksum,
        source=source[:200],
        note=note[:300],
        created_by=actor.user,
    )
    record_event(
        actor,
        "supervision.rules.create",
        obj=rule_set,
        after={
            "kind": kind,
            "version": rule_set.version,
            "effective_from": rule_set.effective_from,
            "note": note,
        },
    )
    return rule_set


@transaction.atomic
def seed_rules(*, actor: Actor) -> list[RuleSet]:
    """Store the data files' rules as version 1 when no version of that kind exists yet (idempotent)."""
    created = []
    for kind in (RuleKind.FLAGS, RuleKind.ASSESSMENT):
        if RuleSet.objects.filter(kind=kind).exists():
            continue
        path = selectors.RULE_FILES[kind]
        text = path.read_text(encoding="utf-8")
        created.append(_store_rule_set(kind, text=text, actor=actor, source="平台默认规则"))
    return created


# ---------------------------------------------------------------------------------------------
# The annual decomposition: row settings and milestones

ROW_SETTING_FIELDS = ["is_key_project", "report_frequency"]
MILESTONE_FIELDS = [
    "title",
    "start",
    "due",
    "department",
    "region",
    "target",
    "comparison",
    "target_value",
    "target_min",
    "target_max",
    "unit",
    "deliverable",
]


@transaction.atomic
def set_row_setting(row: Row, *, is_key_project: bool, report_frequency: str, actor: Actor) -> RowSetting:
    if report_frequency not in ReportFrequency.values:
        raise ValidationError(f"{row.clause}：报送频次必须是“按月”或“按季度”。")
    current = RowSetting.objects.filter(row=row).first()
    old_frequency = current.report_frequency if current else ReportFrequency.QUARTERLY
    if report_frequency != old_frequency and ProgressReport.objects.filter(milestone__row=row).exists():
        raise ValidationError(f"{row.clause}：已有进度报告，不能再修改报送频次。")
    if current is None and not is_key_project and report_frequency == ReportFrequency.QUARTERLY:
        return RowSetting(row=row)  # the defaults: nothing to store
    setting, _status = upsert(
        RowSetting,
        key={"row": row},
        values={"is_key_project": is_key_project, "report_frequency": report_frequency},
        actor=actor,
        action_prefix="supervision.row_setting",
    )
    return setting


def check_milestone(row: Row, year: int, values: dict[str, Any]) -> list[str]:
    """Problems with a milestone's values (Chinese, one per problem); empty when it is valid."""
    problems = []
    start, due = values.get("start"), values.get("due")
    if not values.get("title"):
        problems.append("节点名称不能为空")
    if not isinstance(start, dt.date) or not isinstance(due, dt.date):
        problems.append("开始日期和完成时限必须是日期")
    else:
        if due < start:
            problems.append(f"完成时限 {due} 早于开始日期 {start}")
        if due.year != year:
            problems.append(f"完成时限 {due} 不在 {year} 年度内")
    department: Department | None = values.get("department")
    region: Region | None = values.get("region")
    row_departments = [a.department_id for a in row.assignments.all()]
    if department is None:
        problems.append("责任部门不能为空")
    elif department.pk not in row_departments:
        problems.append(f"责任部门“{department.name}”不是该任务的牵头或配合部门")
    if region is not None and department is not None and department.kind != DepartmentKind.DISTRICT_BUREAUS:
        problems.append("只有“各区市局”的节点可以指定责任区市")
    comparison = values.get("comparison") or ""
    if comparison:
        if comparison not in Comparison.values:
            problems.append(f"目标比较“{comparison}”无效")
        elif comparison == Comparison.RANGE:
            low, high = values.get("target_min"), values.get("target_max")
            if low is None or high is None:
                problems.append("区间目标需要下限和上限")
            elif low > high:
                problems.append("目标下限大于上限")
        elif values.get("target_value") is None:
            problems.append("量化目标需要目标值")
        if not values.get("unit"):
            problems.append("量化目标需要单位")
    elif not values.get("deliverable"):
        problems.append("没有量化目标时必须填写交付成果")
    target: Target | None = values.get("target")
    if target is not None and target.plan_id != row.plan_id:
        problems.append("对应方案目标不属于该方案")
    return problems


@transaction.atomic
def save_milestone(
    row: Row, *, year: int, position: int, values: dict[str, Any], actor: Actor
) -> tuple[Milestone, str]:
    """Create or update the milestone (row, year, position). Returns (milestone, status)."""
    problems = check_milestone(row, year, values)
    if problems:
        raise ValidationError(f"{row.clause} {year}年节点{position}：" + "；".join(problems))
    values = {name: values.get(name) for name in MILESTONE_FIELDS}
    for name in ("comparison", "unit", "deliverable"):
        values[name] = values[name] or ""
    existing = Milestone.objects.filter(row=row, year=year, position=position).first()
    if existing is not None and existing.reports.exists():
        locked = [n for n in ("department", "region") if _pk(getattr(existing, n)) != _pk(values[n])]
        if locked:
            raise ValidationError(
                f"{row.clause} {year}年节点{position}：已有进度报告，不能更换责任部门或区市。"
            )
    milestone, status = upsert(
        Milestone,
        key={"row": row, "year": year, "position": position},
        values=values,
        actor=actor,
        action_prefix="supervision.milestone",
    )
    return milestone, status


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


@transaction.atomic
def delete_milestone(milestone: Milestone, *, actor: Actor) -> None:
    if milestone.reports.exists() or milestone.escalations.exists():
        raise ValidationError(
            f"{milestone.row.clause} {milestone.year}年节点{milestone.position}：已有进度报告或督办单，不能删除。"
        )
    record_event(
        actor, "supervision.milestone.delete", obj=milestone, before=snapshot(milestone, MILESTONE_FIELDS)
    )
    milestone.delete()


# ---------------------------------------------------------------------------------------------
# Progress reports


def _local(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _period(milestone: Milestone, period_code: str) -> engine.Period:
    for period in engine.reporting_periods(milestone.start, milestone.due, milestone.frequency):
        if period.code == period_code:
            return period
    raise ValidationError(f"报送周期“{period_code}”不属于该节点（{milestone.start} 至 {milestone.due}）。")


def _decimal(value: Any, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(f"{label}必须是数字。") from exc


def may_file_report(user: Any, milestone: Milestone) -> bool:
    """Whether `user` files the first report of a period of `milestone` (None: the command line).
    A milestone has no status of its own: only the role decides; later versions follow REPORT_FLOW."""
    return user is None or can_report_on(user, milestone)


@transaction.atomic
def submit_report(
    milestone: Milestone,
    *,
    period_code: str,
    percent_complete: Decimal | int | str,
    narrative: str,
    actor: Actor,
    actual_value: Decimal | int | str | None = None,
    uploads: Iterable[UploadedFile] = (),
    at: dt.datetime | None = None,
    recompute: bool = True,
) -> ProgressReport:
    """File (or correct, or resubmit after a return) the report of one period of a milestone.

    Refused (Refused) when the actor is not the responsible unit or the report is past correcting
    (REPORT_FLOW); a value out of range is a ValidationError. `at` back-dates a submission (demo
    data, migration of paper records); the web always uses now. Flags of the milestone are
    recomputed in the same transaction unless `recompute` is False.
    """
    report = (
        ProgressReport.objects.select_for_update()
        .filter(milestone=milestone, period_code=period_code)
        .first()
    )
    resubmission = report is not None and report.status == ReportStatus.RETURNED
    if report is None:
        if not may_file_report(actor.user, milestone):
            raise Refused(f"无权报送：{milestone.row.clause} {milestone.title}")
    else:
        report.milestone = milestone
        REPORT_FLOW.require(report, "submit", actor=actor)
    at = _local(at)
    period = _period(milestone, period_code)
    if period.start > selectors.local_date(at):
        raise ValidationError(f"{period.label}尚未开始，不能报送。")
    percent = _decimal(percent_complete, "完成进度")
    if percent is None or not Decimal(0) <= percent <= Decimal(100):
        raise ValidationError("完成进度必须在 0 到 100 之间。")
    if percent != percent.quantize(Decimal("0.1")):
        raise ValidationError("完成进度最多保留一位小数。")
    actual = _decimal(actual_value, "完成量")
    if milestone.is_quantitative and actual is None:
        raise ValidationError(f"该节点有量化目标（{milestone.display_target}），请填写完成量。")
    if actual is not None and actual < 0:
        raise ValidationError("完成量不能为负数。")
    narrative = (narrative or "").strip()
    if not narrative:
        raise ValidationError("请填写进展情况。")
    attachments = [store_attachment(upload, actor=actor, allowed=ATTACHMENT_KINDS) for upload in uploads]
    figures = {"percent_complete": percent, "actual_value": actual, "narrative": narrative}
    if report is None:
        report = ProgressReport.objects.create(
            milestone=milestone,
            period_code=period.code,
            period_start=period.start,
            period_end=period.end,
            status=ReportStatus.SUBMITTED,
            first_submitted_at=at,
            submitted_at=at,
            submitted_by=actor.user,
            **figures,
        )
        number, previous_attachments = 1, []
    else:
        last = report.versions.order_by("-number").first()
        number = last.number + 1 if last else 1
        previous_attachments = list(last.attachments.all()) if last else []
    audit = {
        "percent_complete": percent,
        "actual_value": actual,
        "version": number,
        "attachments": [a.original_name for a in attachments],
    }
    if number == 1:
        record_event(actor, "supervision.report.submit", obj=report, after={"status": report.status, **audit})
    else:
        REPORT_FLOW.move(report, "submit", actor=actor, audit_after=audit)
        for name, value in figures.items():
            setattr(report, name, value)
        report.submitted_at = at
        report.submitted_by = actor.user
        report.save()
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        submitted_at=at,
        submitted_by=actor.user,
        submitted_by_label=actor.label,
        **figures,
    )
    version.attachments.set([*previous_attachments, *attachments])
    if resubmission:
        notify(
            selectors.city_office_users(),
            title=f"进度报告已重新报送：{milestone.row.clause} {milestone.title}（{period.label}）",
            body=f"{milestone.responsible}已按退回意见重新报送，请审核。",
            url=reverse("supervision:report", args=[report.pk]),
            actor=actor,
        )
    if recompute:
        recompute_flags(as_of=selectors.local_date(at), actor=actor, milestones=[milestone])
    return report


def _review(
    report: ProgressReport,
    action: str,
    *,
    comment: str,
    actor: Actor,
    at: dt.datetime | None,
    recompute: bool,
) -> ProgressReport:
    """Return or accept the report's latest version (REPORT_FLOW: the office, a submitted report;
    a return needs its comment). The ReportReview is the workflow's step."""
    report = REPORT_FLOW.lock(report)
    comment = (comment or "").strip()
    at = _local(at)
    version = report.versions.order_by("-number").first()
    assert version is not None  # a report always has its first version
    REPORT_FLOW.move(
        report,
        action,
        actor=actor,
        comment=comment,
        version=version,
        at=at,
        audit_after={"version": version.number, "comment": comment},
    )
    milestone = report.milestone
    if action == "return":
        notify(
            selectors.responsible_users(milestone),
            title=f"进度报告被退回：{milestone.row.clause} {milestone.title}（{report.period_code}）",
            body=f"退回意见：{comment}",
            url=reverse("supervision:report", args=[report.pk]),
            actor=actor,
        )
    if recompute:
        recompute_flags(as_of=selectors.local_date(at), actor=actor, milestones=[milestone])
    return report


@transaction.atomic
def return_report(
    report: ProgressReport,
    *,
    comment: str,
    actor: Actor,
    at: dt.datetime | None = None,
    recompute: bool = True,
) -> ProgressReport:
    """The office returns a report for poor quality (yellow until resubmitted, by default)."""
    return _review(report, "return", comment=comment, actor=actor, at=at, recompute=recompute)


@transaction.atomic
def accept_report(
    report: ProgressReport,
    *,
    comment: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    recompute: bool = True,
) -> ProgressReport:
    """The office accepts a report: it is final."""
    return _review(report, "accept", comment=comment, actor=actor, at=at, recompute=recompute)


# ---------------------------------------------------------------------------------------------
# Flags


@dataclass
class RecomputeResult:
    horizon: dt.date
    milestones: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    escalations: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.escalations)

    def as_dict(self) -> dict[str, Any]:
        return {
            "horizon": self.horizon.isoformat(),
            "milestones": self.milestones,
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "escalations": self.escalations,
        }


@transaction.atomic
def recompute_flags(
    *,
    as_of: dt.date,
    actor: Actor,
    milestones: Iterable[Milestone] | None = None,
    progress: Any = None,
) -> RecomputeResult:
    """Bring the stored flag history up to date through max(as_of, the last horizon).

    The history is a function of dated facts (schedule, report events, rule versions), so running
    this again for the same date changes nothing. Records are matched by (milestone, since):
    unchanged ones keep their row (and their 督办单 link). New red flags on 重点项目 issue a 督办单.
    `progress(done, total)` is called as milestones are processed (CLI bar, web job).
    """
    seed_rules(actor=actor)
    full = milestones is None
    previous = selectors.flag_horizon()
    horizon = max(as_of, previous) if previous else as_of
    queryset = Milestone.objects.with_plan()
    items = list(queryset if full else queryset.filter(pk__in=[m.pk for m in milestones or []]))
    book = selectors.flag_rule_book()
    facts = selectors.facts_for(items)
    ids = [m.pk for m in items]
    existing: dict[int, dict[dt.date, FlagRecord]] = {}
    for stored in FlagRecord.objects.filter(milestone_id__in=ids):
        existing.setdefault(stored.milestone_id, {})[stored.since] = stored
    result = RecomputeResult(horizon=horizon, milestones=len(items))
    version_pk = {v.effective_from: v.pk for v in book.versions}
    to_create: list[FlagRecord] = []
    for index, milestone in enumerate(items):
        runs = engine.timeline(facts[milestone.pk], book.at, horizon, rule_dates=book.change_dates)
        have = existing.get(milestone.pk, {})
        wanted_since = set()
        for run in runs:
            wanted_since.add(run.since)
            rule_pk = version_pk.get(run.rules_effective_from) or book.version_at(run.since).pk
            assert rule_pk is not None  # seed_rules stored the rules above
            record = have.get(run.since)
            values: dict[str, Any] = {
                "colour": run.colour,
                "label": run.label,
                "reason": run.reason[:500],
                "until": run.until,
            }
            if record is None:
                to_create.append(
                    FlagRecord(milestone=milestone, since=run.since, rule_set_id=rule_pk, **values)
                )
                result.created += 1
                result.changes.append(
                    {"milestone": milestone.pk, "colour": run.colour, "since": run.since, "change": "create"}
                )
                continue
            if record.colour != run.colour:
                # A different colour from the same day: the facts behind the old record changed.
                values["recorded_at"] = timezone.now()
            changed = [k for k, v in values.items() if getattr(record, k) != v]
            if record.rule_set_id != rule_pk:
                changed.append("rule_set_id")
                record.rule_set_id = rule_pk
            if changed:
                for k, v in values.items():
                    setattr(record, k, v)
                record.save()
                result.updated += 1
                result.changes.append(
                    {"milestone": milestone.pk, "colour": run.colour, "since": run.since, "change": "update"}
                )
        stale = [r for since, r in have.items() if since not in wanted_since]
        for record in stale:
            result.deleted += 1
            result.changes.append(
                {
                    "milestone": milestone.pk,
                    "colour": record.colour,
                    "since": record.since,
                    "until": record.until,
                    "change": "delete",
                }
            )
            record.delete()
        if progress is not None:
            progress(index + 1, len(items))
    FlagRecord.objects.bulk_create(to_create, batch_size=500)
    result.escalations = _issue_escalations(items, book, actor=actor)
    if full and (previous is None or horizon > previous or result.changed):
        FlagComputation.objects.create(horizon=horizon, actor_label=actor.label, counts=result.as_dict())
    if result.changed or (full and (previous is None or horizon > previous)):
        record_event(
            actor,
            "supervision.flags.recompute",
            object_type="supervision.flagrecord",
            object_repr=f"标记重算至 {horizon}（{len(items)} 个节点）",
            after={**result.as_dict(), "changes": result.changes[:100]},
        )
    return result


@transaction.atomic
def recompute_flags_for_targets(
    target_ids: Iterable[int], *, as_of: dt.date, actor: Actor
) -> RecomputeResult | None:
    """Recompute the stored flags of every milestone counting towards one of these plan targets
    (called after the indicators carrying them were recomputed: their checks may have changed).
    One query for the milestones, then one recomputation for all of them; None when none is linked."""
    ids = set(target_ids)
    milestones = list(Milestone.objects.filter(target_id__in=ids).only("pk")) if ids else []
    if not milestones:
        return None
    return recompute_flags(as_of=as_of, actor=actor, milestones=milestones)


@background_job("supervision.flags")
def flag_recompute_job(handle: JobHandle, actor: Actor, /, *, as_of: str) -> dict[str, Any]:
    """recompute_flags for every milestone (the 重算标记历史 button), run by a worker."""
    result = recompute_flags(
        as_of=dt.date.fromisoformat(as_of),
        actor=actor,
        progress=lambda d, t: handle.progress(d, t, "重算标记"),
    )
    return result.as_dict()


def start_flag_recompute_job(*, as_of: dt.date, actor: Actor) -> Job:
    """Queue flag_recompute_job; the job page shows progress and the result."""
    return start_job(
        flag_recompute_job,
        label=f"重算蓝黄红标记（截至 {as_of}）",
        actor=actor,
        params={"as_of": as_of.isoformat()},
    )


def _issue_escalations(items: list[Milestone], book: selectors.RuleBook, *, actor: Actor) -> int:
    key_ids = [m.pk for m in items if m.is_key_project]
    if not key_ids:
        return 0
    by_pk = {m.pk: m for m in items}
    have = set(Escalation.objects.filter(milestone_id__in=key_ids).values_list("milestone_id", "raised_on"))
    issued = 0
    for record in FlagRecord.objects.filter(milestone_id__in=key_ids).order_by("since", "id"):
        rules = book.at(record.since)
        if record.colour != rules.escalation_colour or (record.milestone_id, record.since) in have:
            continue
        issue_escalation(by_pk[record.milestone_id], record, rules=rules, actor=actor)
        issued += 1
    return issued


def _next_number(year: int) -> str:
    prefix = f"督办〔{year}〕"
    count = Escalation.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1}号"


@transaction.atomic
def issue_escalation(milestone: Milestone, record: FlagRecord, *, rules: Any, actor: Actor) -> Escalation:
    """督办单 for a red flag on a 重点项目: the reason and a rectification deadline; the
    responsible unit is notified."""
    escalation = Escalation.objects.create(
        number=_next_number(record.since.year),
        milestone=milestone,
        flag=record,
        raised_on=record.since,
        reason=record.reason,
        deadline=record.since + dt.timedelta(days=rules.rectification_days),
    )
    record_event(
        actor,
        "supervision.escalation.issue",
        obj=escalation,
        after=snapshot(escalation, ["number", "milestone", "raised_on", "reason", "deadline", "status"]),
    )
    notify(
        selectors.responsible_users(milestone),
        title=f"督办单 {escalation.number}：{milestone.row.clause} {milestone.title}",
        body=f"督办事由：{escalation.reason}。整改期限：{escalation.deadline}。",
        url=reverse("supervision:escalation", args=[escalation.pk]),
        actor=actor,
        email=True,
    )
    return escalation


@transaction.atomic
def record_follow_up(
    escalation: Escalation, *, kind: str, on: dt.date, note: str, actor: Actor
) -> Escalation:
    """约谈, 书面说明 or 已整改 (which closes the 督办单): ESCALATION_FLOW, the FollowUp is its step."""
    escalation = ESCALATION_FLOW.lock(escalation)
    if kind not in FollowUpKind.values:
        raise ValidationError("跟进类型无效。")
    ESCALATION_FLOW.require(escalation, "follow_up", actor=actor, decision=kind, comment=note)
    if on < escalation.raised_on:
        raise ValidationError(f"跟进日期不能早于挂牌日期 {escalation.raised_on}。")
    ESCALATION_FLOW.move(
        escalation,
        "follow_up",
        actor=actor,
        decision=kind,
        comment=note.strip(),
        on=on,
        audit_after={"on": on},
    )
    return escalation


# ---------------------------------------------------------------------------------------------
# Reminders


@transaction.atomic
def send_reminders(*, as_of: dt.date, actor: Actor) -> list[selectors.PlannedReminder]:
    """Notify (in-app and e-mail) each planned reminder once; idempotent per period and kind."""
    planned = selectors.due_reminders(as_of=as_of)
    for item in planned:
        m = item.milestone
        if item.kind == ReminderKind.DUE_SOON:
            title = f"进度报告即将到期：{m.row.clause} {m.title}（{item.period.label}）"
            body = f"请于 {item.report_due} 前报送{item.period.label}进度。"
        else:
            title = f"进度报告已逾期：{m.row.clause} {m.title}（{item.period.label}）"
            body = f"{item.period.label}进度报告应于 {item.report_due} 前报送，至今未报。"
        notify(
            selectors.responsible_users(m),
            title=title,
            body=body,
            url=reverse("supervision:report_form", args=[m.pk, item.period.code]),
            actor=actor,
        )
        Reminder.objects.create(
            milestone=m,
            period_code=item.period.code,
            kind=item.kind,
            sent_on=as_of,
            recipients=len(item.recipients),
        )
    if planned:
        record_event(
            actor,
            "supervision.reminders.send",
            object_type="supervision.reminder",
            object_repr=f"{as_of} 报送提醒 {len(planned)} 条",
            after={"as_of": as_of, "count": len(planned)},
        )
    return planned


# ---------------------------------------------------------------------------------------------
# Import of the decomposition (shared by the CLI and the upload page)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    settings_changed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "settings_changed": self.settings_changed,
        }


@transaction.atomic
def import_decomposition(row_plans: list[Any], *, actor: Actor, progress: Any = None) -> ImportResult:
    """Write a checked decomposition (decomposition.read_decomposition) in one transaction."""
    result = ImportResult(rows=len(row_plans))
    for index, plan_row in enumerate(row_plans):
        row = plan_row.row
        before = RowSetting.objects.filter(row=row).values_list(
            "is_key_project", "report_frequency"
        ).first() or (
            False,
            ReportFrequency.QUARTERLY,
        )
        set_row_setting(
            row,
            is_key_project=plan_row.is_key_project,
            report_frequency=plan_row.report_frequency,
            actor=actor,
        )
        if before != (plan_row.is_key_project, plan_row.report_frequency):
            result.settings_changed += 1
        keep = set()
        for line in plan_row.milestones:
            milestone, status = save_milestone(
                row, year=line.year, position=line.position, values=line.values, actor=actor
            )
            keep.add(milestone.pk)
            setattr(result, status, getattr(result, status) + 1)
        for milestone in Milestone.objects.filter(row=row).exclude(pk__in=keep):
            delete_milestone(milestone, actor=actor)
            result.deleted += 1
        if progress is not None:
            progress(index + 1, len(row_plans))
    record_event(
        actor,
        "supervision.decomposition.import",
        object_type="supervision.milestone",
        object_repr=f"年度任务分解导入（{result.rows} 项任务）",
        after=result.as_dict(),
    )
    return result


@background_job("supervision.import")
def decomposition_import_job(
    handle: JobHandle, actor: Actor, /, *, path: str, plan_id: int
) -> dict[str, Any]:
    """Check again and write a decomposition workbook stored at `path` (the page checked it when it
    was uploaded; the data may have changed since), then recompute the flags as of today."""
    from ipcity.plans.models import Plan
    from ipcity.supervision.decomposition import read_decomposition

    if not Path(path).is_file():
        raise ValueError("上传的任务分解表已不存在，请重新上传")
    row_plans = read_decomposition(path, Plan.objects.get(pk=plan_id))
    result = import_decomposition(
        row_plans, actor=actor, progress=lambda d, t: handle.progress(d, t, "写入节点")
    )
    recompute_flags(as_of=selectors.today(), actor=actor)
    return result.as_dict()


def start_decomposition_import_job(path: Path, plan: Any, *, actor: Actor) -> Job:
    """Queue decomposition_import_job for a checked workbook stored at `path`; the job page shows
    progress and the result."""
    return start_job(
        decomposition_import_job,
        label="导入年度任务分解",
        actor=actor,
        params={"path": str(path), "plan_id": plan.pk},
    )
