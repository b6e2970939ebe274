"""Supervision (督查督办): annual milestones of the annex's rows, progress reports, 蓝黄红 flags with
their history, escalations (督办单) and the rules that drive them.

Operational data of the city office: it refers to the plan (plans.Row, plans.Target) and to
departments and regions by PROTECTed foreign keys and never edits them (docs/decisions/0001).
Writes go through supervision.services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipcity.plans.choices import Comparison
from ipcity.plans.models import _fmt
from ipcity.supervision.choices import (
    EscalationStatus,
    FollowUpKind,
    ReminderKind,
    ReportFrequency,
    ReportStatus,
    ReviewDecision,
    RuleKind,
)


def _scope(queryset: Any, user: Any, *, milestone: str) -> Any:
    """Filter any supervision queryset to what `user` may see, through its path to Milestone.

    City office: everything. Department liaison: the milestones of rows its department leads or
    co-leads. District officer: its region's share of the 各区市局 rows (and unassigned ones).
    Everyone else: nothing.
    """
    from ipcity.accounts.choices import Role
    from ipcity.accounts.permissions import has_role, is_city_admin

    prefix = f"{milestone}__" if milestone else ""
    if is_city_admin(user):
        return queryset
    if has_role(user, Role.DEPT_LIAISON) and user.department_id:
        return queryset.filter(**{f"{prefix}row__assignments__department_id": user.department_id}).distinct()
    if has_role(user, Role.DISTRICT_OFFICER) and user.region_id:
        return queryset.filter(
            Q(**{f"{prefix}region_id": user.region_id})
            | Q(
                **{
                    f"{prefix}region__isnull": True,
                    f"{prefix}department__kind": "district_bureaus",
                }
            )
        )
    return queryset.none()


class RowSetting(models.Model):
    """How a row of the annex is supervised: 重点项目 or not, and how often progress is reported."""

    row = models.OneToOneField(
        "plans.Row", on_delete=models.PROTECT, related_name="supervision_setting", verbose_name=_("分工任务")
    )
    is_key_project = models.BooleanField(_("重点项目"), default=False)
    report_frequency = models.CharField(
        _("报送频次"), max_length=10, choices=ReportFrequency.choices, default=ReportFrequency.QUARTERLY
    )

    class Meta:
        verbose_name = _("任务督查设置")
        verbose_name_plural = _("任务督查设置")

    def __str__(self) -> str:
        return f"{self.row.code} {self.get_report_frequency_display()}{'（重点项目）' if self.is_key_project else ''}"


class MilestoneQuerySet(models.QuerySet["Milestone"]):
    def visible_to(self, user: Any) -> MilestoneQuerySet:
        return _scope(self, user, milestone="")  # type: ignore[no-any-return]

    def with_plan(self) -> MilestoneQuerySet:
        return self.select_related(
            "row__section__programme", "row__supervision_setting", "department", "region", "target"
        )


class Milestone(models.Model):
    """One department's (or one district's) yearly share of an annex row: what, by when, how much."""

    row = models.ForeignKey(
        "plans.Row", on_delete=models.PROTECT, related_name="milestones", verbose_name=_("分工任务")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    position = models.PositiveSmallIntegerField(_("节点序号"), default=1)
    title = models.CharField(_("节点名称"), max_length=200)
    start = models.DateField(_("开始日期"))
    due = models.DateField(_("完成时限"))
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="milestones", verbose_name=_("责任部门")
    )
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("责任区市"),
    )
    target = models.ForeignKey(
        "plans.Target",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("对应方案目标"),
    )
    comparison = models.CharField(_("目标比较"), max_length=8, choices=Comparison.choices, blank=True)
    target_value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4, null=True, blank=True)
    target_min = models.DecimalField(_("目标下限"), max_digits=20, decimal_places=4, null=True, blank=True)
    target_max = models.DecimalField(_("目标上限"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    deliverable = models.CharField(_("交付成果"), max_length=300, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = [
            "row__section__programme__position",
            "row__section__position",
            "row__position",
            "year",
            "position",
        ]
        constraints = [
            models.UniqueConstraint(fields=["row", "year", "position"], name="milestone_unique_position"),
            models.CheckConstraint(condition=Q(due__gte=models.F("start")), name="milestone_due_after_start"),
        ]
        verbose_name = _("年度节点")
        verbose_name_plural = _("年度节点")

    def __str__(self) -> str:
        return f"{self.row.code} {self.year}-{self.position} {self.title}"

    @property
    def is_quantitative(self) -> bool:
        return bool(self.comparison)

    @property
    def responsible(self) -> str:
        return (
            f"{self.department.name}·{self.region.name}"
            if self.region_id and self.region
            else self.department.name
        )

    @property
    def display_target(self) -> str:
        """ "≤ 10 个", "5–10 个", "≥ 1000 人次"; the deliverable when there is no number."""
        if not self.comparison:
            return self.deliverable
        if self.comparison == Comparison.RANGE:
            return f"{_fmt(self.target_min)}–{_fmt(self.target_max)} {self.unit}".strip()
        symbol = {">=": "≥", "<=": "≤", "=": ""}.get(self.comparison, self.comparison)
        return f"{symbol} {_fmt(self.target_value)} {self.unit}".strip()

    @property
    def frequency(self) -> str:
        setting = getattr(self.row, "supervision_setting", None)
        return setting.report_frequency if setting else ReportFrequency.QUARTERLY

    @property
    def is_key_project(self) -> bool:
        setting = getattr(self.row, "supervision_setting", None)
        return bool(setting and setting.is_key_project)


class ProgressReportQuerySet(models.QuerySet["ProgressReport"]):
    def visible_to(self, user: Any) -> ProgressReportQuerySet:
        return _scope(self, user, milestone="milestone")  # type: ignore[no-any-return]


class ProgressReport(models.Model):
    """The report for one milestone and one reporting period; its figures are the latest version.

    最多报一次: this is the only place progress figures are entered; every view reads them here.
    """

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="reports")
    period_code = models.CharField(_("报送周期"), max_length=10)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices)
    percent_complete = models.DecimalField(_("完成进度（%）"), max_digits=4, decimal_places=1)
    actual_value = models.DecimalField(_("完成量"), max_digits=20, decimal_places=4, null=True, blank=True)
    narrative = models.TextField(_("进展情况"))
    first_submitted_at = models.DateTimeField(_("首次报送时间"))
    submitted_at = models.DateTimeField(_("最近报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["milestone", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "period_code"], name="report_unique_period"),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100), name="report_percent_range"
            ),
        ]
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")

    def __str__(self) -> str:
        return f"{self.milestone.row.code} {self.milestone.title} {self.period_code}"


class ReportVersion(models.Model):
    """Each submission of a report, kept so any past date can be replayed."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    percent_complete = models.DecimalField(_("完成进度（%）"), max_digits=4, decimal_places=1)
    actual_value = models.DecimalField(_("完成量"), max_digits=20, decimal_places=4, null=True, blank=True)
    narrative = models.TextField(_("进展情况"))
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by_label = models.CharField(_("报送人"), max_length=150)
    attachments = models.ManyToManyField(
        "core.Attachment", blank=True, related_name="+", verbose_name=_("附件")
    )

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="reportversion_unique")]
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ReportReview(models.Model):
    """The office's decision on a version: returned (with the reason) or accepted."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("审核结果"), max_length=10, choices=ReviewDecision.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by_label = models.CharField(_("审核人"), max_length=150)

    class Meta:
        ordering = ["report", "reviewed_at", "id"]
        verbose_name = _("报告审核")
        verbose_name_plural = _("报告审核")

    def __str__(self) -> str:
        return f"{self.report} {self.get_decision_display()}"


class RuleSet(models.Model):
    """One version of the flag rules or of the assessment weights (a validated YAML document)."""

    kind = models.CharField(_("类型"), max_length=12, choices=RuleKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=120)
    effective_from = models.DateField(_("生效日期"))
    text = models.TextField(_("规则文本（YAML）"))
    data = models.JSONField(_("规则数据"))
    checksum = models.CharField(_("校验和"), max_length=64)
    source = models.CharField(_("来源"), max_length=200)
    note = models.CharField(_("修改说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-effective_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="ruleset_unique_version")]
        verbose_name = _("督查规则版本")
        verbose_name_plural = _("督查规则版本")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}（{self.effective_from} 起）"


class FlagRecordQuerySet(models.QuerySet["FlagRecord"]):
    def visible_to(self, user: Any) -> FlagRecordQuerySet:
        return _scope(self, user, milestone="milestone")  # type: ignore[no-any-return]

    def on(self, day: Any) -> FlagRecordQuerySet:
        """Flags in force on `day` (since ≤ day < until)."""
        return self.filter(Q(until__isnull=True) | Q(until__gt=day), since__lte=day)


class FlagRecord(models.Model):
    """A colour held by a milestone from `since` until (exclusive) `until`; None = still on.

    Records are never rewritten by later progress: a red that catches up becomes a new yellow
    record and the red keeps its dates.
    """

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="flags")
    colour = models.CharField(_("颜色"), max_length=20)
    label = models.CharField(_("标记"), max_length=20)
    reason = models.CharField(_("原因"), max_length=500)
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("规则版本")
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = FlagRecordQuerySet.as_manager()

    class Meta:
        ordering = ["milestone", "since"]
        constraints = [models.UniqueConstraint(fields=["milestone", "since"], name="flag_unique_since")]
        verbose_name = _("标记记录")
        verbose_name_plural = _("标记记录")

    def __str__(self) -> str:
        return f"{self.milestone} {self.label} {self.since}–{self.until or ''}"


class FlagComputation(models.Model):
    """One recomputation of the flag history, up to `horizon` (the as-of date asked for)."""

    horizon = models.DateField(_("计算截至"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    counts = models.JSONField(_("变化统计"), default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("标记计算")
        verbose_name_plural = _("标记计算")

    def __str__(self) -> str:
        return f"{self.horizon} @ {self.computed_at:%Y-%m-%d %H:%M}"


class EscalationQuerySet(models.QuerySet["Escalation"]):
    def visible_to(self, user: Any) -> EscalationQuerySet:
        from ipcity.accounts.permissions import is_city_admin

        if is_city_admin(user):
            return self
        # A 督办单 is addressed to the responsible unit: others do not see it.
        from ipcity.accounts.choices import Role
        from ipcity.accounts.permissions import has_role

        if has_role(user, Role.DEPT_LIAISON) and user.department_id:
            return self.filter(milestone__department_id=user.department_id, milestone__region__isnull=True)
        if has_role(user, Role.DISTRICT_OFFICER) and user.region_id:
            return self.filter(milestone__region_id=user.region_id)
        return self.none()


class Escalation(models.Model):
    """督办单: issued when a 重点项目 milestone turns red; followed up until rectified."""

    number = models.CharField(_("督办单编号"), max_length=40, unique=True)
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="escalations")
    flag = models.ForeignKey(
        FlagRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations"
    )
    raised_on = models.DateField(_("挂牌日期"))
    reason = models.CharField(_("督办事由"), max_length=500)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "raised_on"], name="escalation_unique_raise")
        ]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")

    def __str__(self) -> str:
        return self.number


class FollowUp(models.Model):
    """What happened after a 督办单: 约谈, a written explanation, rectification."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("类型"), max_length=12, choices=FollowUpKind.choices)
    on = models.DateField(_("日期"))
    note = models.TextField(_("情况说明"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_label = models.CharField(_("记录人"), max_length=150)

    class Meta:
        ordering = ["escalation", "on", "id"]
        verbose_name = _("督办跟进")
        verbose_name_plural = _("督办跟进")

    def __str__(self) -> str:
        return f"{self.escalation} {self.get_kind_display()} {self.on}"


class Reminder(models.Model):
    """A reminder sent for one period's report, so `ipcity supervision remind` never repeats it."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reminders")
    period_code = models.CharField(_("报送周期"), max_length=10)
    kind = models.CharField(_("类型"), max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField(_("发送日期"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["milestone", "period_code", "kind"], name="reminder_unique")
        ]
        verbose_name = _("报送提醒")
        verbose_name_plural = _("报送提醒")

    def __str__(self) -> str:
        return f"{self.milestone} {self.period_code} {self.get_kind_display()}"
