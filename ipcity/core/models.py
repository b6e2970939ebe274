"""Reference data every app uses (departments, regions, the working-day calendar), the audit log, and
data-set markers."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipcity.core.choices import AuditSource, CalendarDayKind, CalendarYearStatus, DepartmentKind, RegionKind
from ipcity.lib.workdays import DayEntry, YearInfo

if TYPE_CHECKING:
    from ipcity.accounts.models import User


class Department(models.Model):
    """A responsible department as the plan's annex names it (市市场监管局, 市法院, 各区市局 …)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("简称（按任务分工表）"), max_length=60, unique=True)
    full_name = models.CharField(_("全称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices)
    is_lead_ip_authority = models.BooleanField(_("知识产权主管部门"), default=False)
    position = models.PositiveIntegerField(_("排序"), default=0)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    contact_person = models.CharField(_("联络人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("责任部门")
        verbose_name_plural = _("责任部门")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """A county-level division of Yantai, or a functional zone reported beside them."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    division_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=RegionKind.choices)
    position = models.PositiveIntegerField(_("排序"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    contact_person = models.CharField(_("联络人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("区市")
        verbose_name_plural = _("区市")

    def __str__(self) -> str:
        return self.name


class CalendarYear(models.Model):
    """One year of the working-day calendar, as the 国务院办公厅 notice for that year arranges it.

    The city office enters and checks it (core.services); ipcity.core.workdays reads it. `status`
    says whether the dates were checked day by day against the notice's full text."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(_("通知标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    issuer = models.CharField(_("发布机关"), max_length=60)
    published = models.DateField(_("发布日期"))
    status = models.CharField(
        _("核对状态"),
        max_length=12,
        choices=CalendarYearStatus.choices,
        default=CalendarYearStatus.UNVERIFIED,
    )
    checked = models.DateField(_("核对日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # Every write on the year or its days touches this: the calendar cache's version (core.workdays).
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排"

    def info(self) -> YearInfo:
        return YearInfo(
            year=self.year,
            notice=self.notice,
            number=self.number,
            issuer=self.issuer,
            published=self.published,
            status=self.status,
            checked=self.checked,
            note=self.note,
        )


class CalendarDay(models.Model):
    """A date the notice arranges: a holiday (放假) or a Saturday/Sunday made a working day (调休上班).

    A date appears once in the whole calendar (the New Year break of a year's notice may begin in the
    last days of the year before)."""

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("年度")
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日名称"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历日期")
        verbose_name_plural = _("工作日历日期")

    def __str__(self) -> str:
        label = f"{self.date.isoformat()} {self.get_kind_display()}"
        return f"{label}（{self.name}）" if self.name else label

    def entry(self) -> DayEntry:
        return DayEntry(self.date, self.kind, self.name)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: User | Any) -> AuditEventQuerySet:
        from ipcity.accounts.permissions import can_view_audit_log

        return self if can_view_audit_log(user) else self.none()


class AuditEvent(models.Model):
    """One write: who, when, what, on which object, and the values before and after."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人（记录时）"), max_length=150)
    source = models.CharField(
        _("来源"), max_length=10, choices=AuditSource.choices, default=AuditSource.SYSTEM
    )
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, db_index=True)
    object_id = models.CharField(_("对象标识"), max_length=80, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class DataSet(models.Model):
    """A named data set loaded into this database (the plan, reference data, the demo set).

    The "演示数据" banner is shown while any demo data set is present.
    """

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    checksum = models.CharField(_("校验和"), max_length=64, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("数据集")
        verbose_name_plural = _("数据集")

    def __str__(self) -> str:
        return self.name


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: Any) -> JobQuerySet:
        from ipcity.accounts.permissions import is_city_admin

        if is_city_admin(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    """Long work started from the web (imports, recomputation), run by a worker from the task queue.

    The row holds what the job is (its task and JSON parameters, who started it) and how it ended;
    live progress and the worker's heartbeat are in JobProgress (see there why)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=60)
    label = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    task_path = models.CharField(_("任务函数"), max_length=200, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)
    actor_source = models.CharField(_("操作来源"), max_length=10, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
        verbose_name=_("重试自"),
    )
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    message = models.CharField(_("当前步骤"), max_length=300, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="core_job_status_idx")]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.label}（{self.get_status_display()}）"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}


class JobProgress(models.Model):
    """Live progress and heartbeat of a running job, written by the worker on a connection of its own.

    A job's work may sit in one long transaction (an all-or-nothing import of a million rows): its own
    connection cannot publish progress until it commits. The worker writes this row from a second
    connection instead. On SQLite that second connection must not need the main database's single
    write lock (held by the import), so there the table lives in a small database of its own (the
    `jobs` alias, see core.routers); on PostgreSQL it is in the main database."""

    job_id = models.UUIDField(primary_key=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("任务进度")
        verbose_name_plural = _("任务进度")

    def __str__(self) -> str:
        return f"{self.job_id}: {self.done}/{self.total or '?'}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never trusted as a path.
    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}.{instance.kind}"


class Attachment(models.Model):
    """An uploaded file whose type was checked by its content. The owning record decides access."""

    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    kind = models.CharField(_("类型"), max_length=10)
    content_type = models.CharField(_("MIME 类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """An in-app message to one user (reminders, returned reports, decisions)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.title
