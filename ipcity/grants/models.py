"""Reward fulfilment: applications and their review, 免申即享 entitlements, the grants they commit
against a budget, payments, and the expert records the workflow needs (credit records live in
protection, whose selectors grants asks before a payment).

Money is Decimal 元. Each decision is stored as the engine's `Decision.as_dict()` (inputs, parameter
values with their sources, trace, explanation) so a reviewer sees why. Writes go through services.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import is_city_admin
from ipcity.grants.choices import (
    ApplicationStatus,
    EntitlementStatus,
    GrantStatus,
    LinkKind,
    ObjectionStatus,
)


def _member_org_id(user: Any) -> int | None:
    membership = getattr(user, "membership", None)
    return membership.organisation_id if membership is not None else None


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


QS = TypeVar("QS", bound=models.QuerySet[Any])


def _organisation_scope(queryset: QS, user: Any) -> QS:
    """City admins: all. District bureaus: their region's organisations'. Applicants and agencies:
    their own organisation's. Anyone else: nothing."""
    if is_city_admin(user):
        return queryset
    if not _signed_in(user):
        return queryset.none()
    if user.role == Role.DISTRICT_OFFICER and user.region_id:
        return queryset.filter(organisation__region_id=user.region_id)
    if user.role in {Role.APPLICANT, Role.AGENCY}:
        org_id = _member_org_id(user)
        return queryset.filter(organisation_id=org_id) if org_id is not None else queryset.none()
    return queryset.none()


class Budget(models.Model):
    """The money available for one item in one budget year (the year grants are committed)."""

    item_code = models.CharField(_("奖补项目"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(
        _("预算（元）"), validators=[MinValueValidator(Decimal("0"))], max_digits=14, decimal_places=2
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year", "item_code"]
        constraints = [
            models.UniqueConstraint(fields=["item_code", "year"], name="grants_budget_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grants_budget_nonnegative"),
        ]
        verbose_name = _("奖补预算")
        verbose_name_plural = _("奖补预算")

    def __str__(self) -> str:
        return f"{self.year} {self.item_code} {self.amount}"


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: Any) -> ApplicationQuerySet:
        """City admins: all. District bureaus: submitted ones of organisations in their region.
        Applicants and agencies: their organisation's. Experts: those they are assigned to."""
        if is_city_admin(user):
            return self
        if not _signed_in(user):
            return self.none()
        scope = Q(pk__in=[])
        if user.role == Role.DISTRICT_OFFICER and user.region_id:
            # From submission on: a draft withdrawn before it was ever submitted stays private.
            scope |= Q(organisation__region_id=user.region_id) & Q(submitted_on__isnull=False)
        if user.role in {Role.APPLICANT, Role.AGENCY}:
            org_id = _member_org_id(user)
            if org_id is not None:
                scope |= Q(organisation_id=org_id)
        expert = getattr(user, "expert", None)
        if expert is not None:
            scope |= Q(assignments__expert=expert)
        return self.filter(scope).distinct()


class Application(models.Model):
    """One application (申报) for one reward item by one organisation."""

    item_code = models.CharField(_("奖补项目"), max_length=60, db_index=True)
    track = models.CharField(_("办理方式"), max_length=10)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("申报单位"),
        on_delete=models.PROTECT,
        related_name="grant_applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    decisive_date = models.DateField(_("判定日期"))
    facts = models.JSONField(_("申报事实"), default=dict)
    right_id = models.CharField(_("知识产权或项目编号"), max_length=80, blank=True)
    decided_amount = models.DecimalField(
        _("审定金额（元）"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    decision = models.JSONField(_("最近一次计算"), null=True, blank=True)
    eligible = models.BooleanField(_("符合条件"), null=True)
    amount = models.DecimalField(_("测算金额（元）"), null=True, blank=True, max_digits=14, decimal_places=2)
    ceiling = models.DecimalField(_("最高额（元）"), null=True, blank=True, max_digits=14, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    submitted_on = models.DateField(_("受理日期"), null=True, blank=True)
    sla_due = models.DateField(_("兑现期限"), null=True, blank=True)
    sla_note = models.CharField(_("期限说明"), max_length=200, blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    demo_key = models.CharField(max_length=40, blank=True, db_index=True)
    created_on = models.DateField(_("填报日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "item_code"], name="grants_app_status_item")]
        verbose_name = _("奖补申请")
        verbose_name_plural = _("奖补申请")

    def __str__(self) -> str:
        return f"{self.number} {self.organisation}"

    @property
    def number(self) -> str:
        return f"SQ{self.created_on.year}{self.pk or 0:06d}"

    @property
    def year(self) -> int:
        return self.decisive_date.year


class ApplicationLink(models.Model):
    """A registry record an application relies on (the pledge, the award, the trademark …)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("类别"), max_length=20, choices=LinkKind.choices)
    object_id = models.PositiveBigIntegerField(_("记录标识"))
    key = models.CharField(_("编号"), max_length=80)
    label = models.CharField(_("记录"), max_length=300)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "object_id"], name="grants_link_unique")
        ]
        verbose_name = _("关联登记记录")
        verbose_name_plural = _("关联登记记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"


class ApplicationMaterial(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("材料名称"), max_length=200)
    added_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")

    def __str__(self) -> str:
        return self.label


class ExpertAssignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    # The expert pool and the draw are support's (support.services.draw_experts, docs/support.md).
    expert = models.ForeignKey("support.Expert", on_delete=models.PROTECT, related_name="assignments")
    pick = models.OneToOneField(
        "support.ExpertDrawPick",
        verbose_name=_("抽取记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignment",
    )
    score = models.DecimalField(
        _("评分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    opinion = models.TextField(_("评审意见"), blank=True)
    recommended_amount = models.DecimalField(
        _("建议金额（元）"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    entered_by = models.CharField(_("录入人"), max_length=150, blank=True)
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="grants_assignment_unique")
        ]
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")

    def __str__(self) -> str:
        return f"{self.application.number} · {self.expert}"


class Objection(models.Model):
    """An objection received during publicity (公示期异议), and how it was resolved."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("收到日期"))
    submitter = models.CharField(_("异议人"), max_length=100)
    content = models.TextField(_("异议内容"))
    status = models.CharField(
        _("处理结果"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = models.TextField(_("处理意见"), blank=True)
    recorded_by = models.CharField(_("登记人"), max_length=150)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return f"{self.application.number} 异议（{self.get_status_display()}）"


class EntitlementQuerySet(models.QuerySet["Entitlement"]):
    def visible_to(self, user: Any) -> EntitlementQuerySet:
        return _organisation_scope(self, user)


class Entitlement(models.Model):
    """A 免申即享 reward found in the registry and pre-computed; the organisation confirms it."""

    item_code = models.CharField(_("奖补项目"), max_length=60, db_index=True)
    event_key = models.CharField(_("事件编号"), max_length=120)
    event_label = models.CharField(_("登记事件"), max_length=300)
    source_kind = models.CharField(_("登记记录类别"), max_length=20, choices=LinkKind.choices, blank=True)
    source_id = models.PositiveBigIntegerField(_("登记记录标识"), null=True, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("惠及对象"),
        on_delete=models.PROTECT,
        related_name="grant_entitlements",
    )
    decisive_date = models.DateField(_("判定日期"))
    detection_year = models.PositiveSmallIntegerField(_("比对年度"))
    detected_on = models.DateField(_("发现日期"))
    facts = models.JSONField(_("事实"), default=dict)
    confirm_facts = models.JSONField(_("需确认的事实"), default=list, blank=True)
    right_id = models.CharField(_("知识产权或项目编号"), max_length=120, blank=True)
    decided_amount = models.DecimalField(
        _("审定金额（元）"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    decision = models.JSONField(_("最近一次计算"), null=True, blank=True)
    eligible = models.BooleanField(_("符合条件"), null=True)
    amount = models.DecimalField(_("测算金额（元）"), null=True, blank=True, max_digits=14, decimal_places=2)
    ceiling = models.DecimalField(_("最高额（元）"), null=True, blank=True, max_digits=14, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=20, choices=EntitlementStatus.choices, default=EntitlementStatus.PENDING
    )
    detected_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.CharField(_("确认人"), max_length=150, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [
            # Running detection again finds the same events and creates nothing new.
            models.UniqueConstraint(fields=["item_code", "event_key"], name="grants_entitlement_event_unique")
        ]
        verbose_name = _("免申即享事项")
        verbose_name_plural = _("免申即享事项")

    def __str__(self) -> str:
        return f"{self.number} {self.organisation}"

    @property
    def number(self) -> str:
        return f"MS{self.detected_on.year}{self.pk or 0:06d}"


class GrantQuerySet(models.QuerySet["Grant"]):
    def visible_to(self, user: Any) -> GrantQuerySet:
        from ipcity.grants.permissions import ledger_region_id

        if is_city_admin(user):
            return self
        if not _signed_in(user):
            return self.none()
        if user.role in {Role.APPLICANT, Role.AGENCY}:
            org_id = _member_org_id(user)
            return self.filter(organisation_id=org_id) if org_id is not None else self.none()
        region = ledger_region_id(user)
        if region is False:
            return self.none()
        return self if region is None else self.filter(organisation__region_id=region)


class Grant(models.Model):
    """A committed reward: the amount approved for one application or entitlement, counted against
    the item's budget, quota and the beneficiary's annual cap. One per IP right and item."""

    item_code = models.CharField(_("奖补项目"), max_length=60)
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("惠及对象"), on_delete=models.PROTECT, related_name="grants"
    )
    budget_year = models.PositiveSmallIntegerField(_("预算年度"))
    decisive_date = models.DateField(_("判定日期"))
    amount = models.DecimalField(_("核定金额（元）"), max_digits=14, decimal_places=2)
    right_key = models.CharField(_("知识产权或项目编号"), max_length=120, blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.COMMITTED
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="grant"
    )
    entitlement = models.OneToOneField(
        Entitlement, null=True, blank=True, on_delete=models.PROTECT, related_name="grant"
    )
    decision = models.JSONField(_("核定时的计算"))
    committed_on = models.DateField(_("核定日期"))
    committed_by = models.CharField(_("核定人"), max_length=150)
    payment_blocked = models.CharField(_("付款拦截原因"), max_length=300, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-committed_on", "-id"]
        indexes = [
            models.Index(fields=["item_code", "budget_year"], name="grants_grant_item_year"),
            models.Index(fields=["item_code", "organisation"], name="grants_grant_item_org"),
        ]
        constraints = [
            # The same IP right is never rewarded twice under the same item.
            models.UniqueConstraint(
                fields=["item_code", "right_key"],
                condition=~Q(right_key=""),
                name="grants_grant_one_per_right",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grants_grant_positive"),
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(entitlement__isnull=True))
                | (Q(application__isnull=True) & Q(entitlement__isnull=False)),
                name="grants_grant_one_source",
            ),
        ]
        verbose_name = _("核定奖补")
        verbose_name_plural = _("核定奖补")

    def __str__(self) -> str:
        return f"{self.item_code} {self.organisation} {self.amount}"

    @property
    def source(self) -> Application | Entitlement:
        return self.application or self.entitlement  # type: ignore[return-value]


class Payment(models.Model):
    """The disbursement of a grant (one payment of the whole amount). The ledger reads these."""

    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="payment")
    item_code = models.CharField(_("奖补项目"), max_length=60, db_index=True)
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("收款单位"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("区市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("支付日期"), db_index=True)
    reference = models.CharField(_("支付凭证号"), max_length=60)
    # The 收款账户 of the 一企一档 as it was when the payment was recorded: the profile may change
    # later, the record of where the money went does not. (Empty on payments recorded before the
    # platform kept payee accounts.)
    payee_name = models.CharField(_("户名"), max_length=200, blank=True, default="")
    payee_bank = models.CharField(_("开户行"), max_length=100, blank=True, default="")
    payee_account = models.CharField(_("账号"), max_length=30, blank=True, default="")
    recorded_by = models.CharField(_("登记人"), max_length=150)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grants_payment_positive")]
        verbose_name = _("兑现记录")
        verbose_name_plural = _("兑现记录")

    def __str__(self) -> str:
        return f"{self.paid_on.isoformat()} {self.organisation} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A payment is recorded once and never changed (the ledger and the payee snapshot rely on it).
        if not self._state.adding:
            raise ValueError("兑现记录登记后不能修改")
        super().save(*args, **kwargs)


class WorkflowStep(models.Model):
    """The history a reviewer and the applicant read: who moved what, when, and why."""

    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    entitlement = models.ForeignKey(
        Entitlement, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150)
    on = models.DateField(_("办理日期"))  # the workflow's date (grants.clock), which deadlines count from
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"

    def _label(self, value: str) -> str:
        choices = ApplicationStatus if self.application_id else EntitlementStatus
        return str(choices(value).label) if value in choices.values else value

    @property
    def from_label(self) -> str:
        return self._label(self.from_status) if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)
