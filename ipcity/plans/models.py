"""The plan as data: goals and targets, programmes with their main-text tasks, the annex's
sections and rows with responsible departments, stages and safeguards.

Every item keeps a stable `code` and its clause reference (`clause`) in the plan:
main text 二(三)3, goals 一(二)2, stages 三(一), safeguards 四(一), annex rows 附件一(三)2.
Loaded only through plans.services.load_plan from data/plans/*.yaml.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.lib.numbers import COUNT_UNITS, format_quantity
from ipcity.plans.choices import Comparison, DepartmentRole, TargetKind, TargetPeriod

if TYPE_CHECKING:
    from ipcity.core.models import Department


class Plan(models.Model):
    code = models.SlugField(_("代码"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    status = models.CharField(_("文本状态"), max_length=40, blank=True)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    preamble = models.TextField(_("前言"), blank=True)
    guiding_clause = models.CharField(_("指导思想条款"), max_length=20, blank=True)
    guiding_text = models.TextField(_("指导思想"), blank=True)
    goals_clause = models.CharField(_("工作目标条款"), max_length=20, blank=True)
    goals_intro = models.TextField(_("工作目标总述"), blank=True)
    source_file = models.CharField(_("数据文件"), max_length=200, blank=True)
    source_sha256 = models.CharField(_("数据文件校验和"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    code = models.CharField(_("代码"), max_length=20)
    clause = models.CharField(_("条款"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="goal_unique_code")]
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")

    def __str__(self) -> str:
        return f"{self.clause} {self.title}"


class Programme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="programmes")
    code = models.CharField(_("代码"), max_length=20)
    clause = models.CharField(_("条款"), max_length=20)
    numeral = models.CharField(_("序号"), max_length=4)
    title = models.CharField(_("标题"), max_length=200)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="programme_unique_code")]
        verbose_name = _("重点工程")
        verbose_name_plural = _("重点工程")

    def __str__(self) -> str:
        return f"{self.numeral}、{self.title}"


class Task(models.Model):
    """A numbered task of the main text, e.g. 二(一)1 严格知识产权保护."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("代码"), max_length=20)
    clause = models.CharField(_("条款"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["programme__position", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="task_unique_code")]
        verbose_name = _("主要任务")
        verbose_name_plural = _("主要任务")

    def __str__(self) -> str:
        return f"{self.clause} {self.title}"


class Section(models.Model):
    """A section of the annex (任务分工表), e.g. 附件一(二) 开展市场提升行动."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("代码"), max_length=20)
    clause = models.CharField(_("条款"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["programme__position", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="section_unique_code")]
        verbose_name = _("分工表栏目")
        verbose_name_plural = _("分工表栏目")

    def __str__(self) -> str:
        return f"{self.clause} {self.title}"


class RowQuerySet(models.QuerySet["Row"]):
    def with_departments(self) -> RowQuerySet:
        return self.select_related("section__programme").prefetch_related(
            models.Prefetch("assignments", queryset=RowDepartment.objects.select_related("department"))
        )

    def led_by(self, department_id: int) -> RowQuerySet:
        return self.filter(assignments__department_id=department_id, assignments__role=DepartmentRole.LEAD)

    def co_responsible(self, department_id: int) -> RowQuerySet:
        return self.filter(assignments__department_id=department_id, assignments__role=DepartmentRole.CO)

    def involving(self, department_id: int) -> RowQuerySet:
        return self.filter(assignments__department_id=department_id)


class Row(models.Model):
    """A task row of the annex, with its responsible departments in the annex's order."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rows")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="rows")
    code = models.CharField(_("代码"), max_length=20)
    clause = models.CharField(_("条款"), max_length=20)
    text = models.TextField(_("任务内容"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    implements = models.ManyToManyField(Task, verbose_name=_("对应正文条款"), related_name="rows", blank=True)

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["section__programme__position", "section__position", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="row_unique_code")]
        verbose_name = _("分工任务")
        verbose_name_plural = _("分工任务")

    def __str__(self) -> str:
        return f"{self.clause} {self.text[:30]}"

    def ordered_assignments(self) -> list[RowDepartment]:
        return sorted(self.assignments.all(), key=lambda a: a.position)

    @property
    def lead_department(self) -> Department:
        # Every row has at least one department (the plan schema requires it); the first leads.
        return self.ordered_assignments()[0].department

    @property
    def co_departments(self) -> list[Department]:
        return [a.department for a in self.ordered_assignments()[1:]]


class RowDepartment(models.Model):
    """One responsible department of a row; position 0 is the lead (the first the annex lists)."""

    row = models.ForeignKey(Row, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="row_assignments"
    )
    role = models.CharField(_("职责"), max_length=10, choices=DepartmentRole.choices)
    position = models.PositiveIntegerField(_("排序"))

    class Meta:
        ordering = ["row", "position"]
        constraints = [
            models.UniqueConstraint(fields=["row", "department"], name="rowdepartment_unique"),
            models.UniqueConstraint(fields=["row", "position"], name="rowdepartment_unique_position"),
        ]
        verbose_name = _("责任部门分工")
        verbose_name_plural = _("责任部门分工")

    def __str__(self) -> str:
        return f"{self.row.clause} {self.department} ({self.get_role_display()})"


class Target(models.Model):
    """A target of a goal group or a main-text task: quantitative (value, unit, year) or a milestone."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("代码"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=TargetKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    comparison = models.CharField(_("比较"), max_length=8, choices=Comparison.choices, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4, null=True, blank=True)
    min_value = models.DecimalField(_("下限"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("上限"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    year = models.PositiveIntegerField(_("年份"), null=True, blank=True)
    period = models.CharField(_("口径"), max_length=10, choices=TargetPeriod.choices, blank=True)
    quote = models.TextField(_("原文"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_unique_code"),
            models.CheckConstraint(
                condition=models.Q(goal__isnull=False, task__isnull=True)
                | models.Q(goal__isnull=True, task__isnull=False),
                name="target_belongs_to_goal_or_task",
            ),
        ]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")

    def __str__(self) -> str:
        return self.name

    @property
    def clause(self) -> str:
        owner = self.goal or self.task
        return owner.clause if owner else ""

    @property
    def display_value(self) -> str:
        """The target as people say it: "≥ 8.1 件", "5–10 个/年", "≥ 1 亿元", "≥ 1,000 人次/年"."""
        if self.kind == TargetKind.MILESTONE:
            return ""
        if self.comparison == Comparison.RANGE:
            text = f"{_fmt(self.min_value)}–{_fmt(self.max_value)} {self.unit}"
        else:
            symbol = {">=": "≥", "<=": "≤", "=": ""}.get(self.comparison, self.comparison)
            text = f"{symbol} {_quantity(self.value, self.unit)}".strip()
        if self.period == TargetPeriod.ANNUAL:
            text += "/年"
        return text


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    normalized = value.normalize()
    return f"{normalized:,f}"


def _quantity(value: Decimal | None, unit: str) -> str:
    """Money in 万元/亿元 and counts in 万 (lib.numbers); other units with the plan's own digits."""
    if value is None:
        return ""
    if unit in ("元", "万元") or unit in COUNT_UNITS:
        return format_quantity(value, unit)
    if unit == "%":
        return f"{_fmt(value)}%"
    return f"{_fmt(value)} {unit}".strip()


class Stage(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(_("代码"), max_length=20)
    clause = models.CharField(_("条款"), max_length=20)
    name = models.CharField(_("名称"), max_length=60)
    start = models.DateField(_("开始"))
    end = models.DateField(_("结束"))
    text = models.TextField(_("正文"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    focus_rows = models.ManyToManyField(
        Row, verbose_name=_("阶段重点任务"), related_name="focus_stages", blank=True
    )

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="stage_unique_code")]
        verbose_name = _("实施阶段")
        verbose_name_plural = _("实施阶段")

    def __str__(self) -> str:
        return self.name


class Safeguard(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="safeguards")
    code = models.CharField(_("代码"), max_length=20)
    clause = models.CharField(_("条款"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="safeguard_unique_code")]
        verbose_name = _("保障措施")
        verbose_name_plural = _("保障措施")

    def __str__(self) -> str:
        return f"{self.clause} {self.title}"
