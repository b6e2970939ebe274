"""IP protection (知识产权保护, 方案二(一)): credit records of organisations (信用监管, 二(一)3) and
e-commerce IP complaints (电子商务法 arts. 41–45). Statuses move through protection/workflows.py
only; writes go through protection/services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import is_city_admin
from ipcity.protection.choices import (
    CREDIT_IN_FORCE,
    AidBodyKind,
    AidStatus,
    ComplaintStatus,
    CreditKind,
    CreditStatus,
    DisputeKind,
    DisputeStatus,
    MeasureKind,
    OverseasOutcome,
    RightKind,
    RiskCheckPurpose,
    RiskCheckStatus,
    RiskKind,
    SecretSiteKind,
)
from ipcity.registry.choices import Industry


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def member_organisation_id(user: Any) -> int | None:
    membership = getattr(user, "membership", None) if _signed_in(user) else None
    return membership.organisation_id if membership is not None else None


def organisation_account_id(user: Any) -> int | None:
    """The organisation an enterprise's, university's or agency's account acts for (None for other
    roles). An aid body's or a mediation body's accounts are the accounts of its registry
    organisation (AidBody.organisation, MediationBody.organisation): no role of their own."""
    if not _signed_in(user) or user.role not in {Role.APPLICANT, Role.AGENCY}:
        return None
    return member_organisation_id(user)


class CreditRecordQuerySet(models.QuerySet["CreditRecord"]):
    def active_on(self, day: dt.date) -> CreditRecordQuerySet:
        """In force on `day`: between its start and end, and neither repaired nor revoked."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day, status__in=CREDIT_IN_FORCE)

    def blocking_on(self, day: dt.date) -> CreditRecordQuerySet:
        """Records that block a reward payment on `day` (the serious-dishonesty list)."""
        return self.active_on(day).filter(kind=CreditKind.SERIOUS)

    def published_on(self, day: dt.date) -> CreditRecordQuerySet:
        """What the public credit list shows: marked for publication and in force on `day`."""
        return self.active_on(day).filter(public=True)

    def visible_to(self, user: Any) -> CreditRecordQuerySet:
        """City admins: all. District bureaus: their region's organisations'. Enterprises and
        agencies: their own organisation's (to see, object to and repair). Anyone else: nothing
        (the public reads `published_on`)."""
        if is_city_admin(user):
            return self
        if not _signed_in(user):
            return self.none()
        if user.role == Role.DISTRICT_OFFICER and user.region_id:
            return self.filter(organisation__region_id=user.region_id)
        org_id = member_organisation_id(user)
        if user.role in {Role.APPLICANT, Role.AGENCY} and org_id is not None:
            return self.filter(organisation_id=org_id)
        return self.none()


class CreditRecord(models.Model):
    """A credit record (信用记录) of an organisation: a serious one in force on a day blocks reward
    payment (grants asks protection.selectors); an objection upheld revokes it, a repair approved
    lifts it; its end date ends it."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="credit_records",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=CreditKind.choices, default=CreditKind.SERIOUS)
    legal_basis = models.CharField(_("认定依据"), max_length=300, blank=True)
    source = models.CharField(_("认定机关及文号"), max_length=200)
    document = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("认定文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True, help_text=_("留空表示仍在名单中"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    public = models.BooleanField(_("在信用名单中公示"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=CreditStatus.choices, default=CreditStatus.LISTED
    )
    objection_reason = models.TextField(_("异议理由"), blank=True)
    repair_reason = models.TextField(_("信用修复申请理由"), blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=300, blank=True)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = CreditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="protection_credit_dates"
            )
        ]
        indexes = [models.Index(fields=["organisation", "kind"], name="protection_credit_org_kind")]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")

    def __str__(self) -> str:
        until = self.end.isoformat() if self.end else "至今"
        return f"{self.organisation}：{self.get_kind_display()}（{self.start.isoformat()}–{until}）"

    @property
    def number(self) -> str:
        return f"XY{self.start.year}{self.pk or 0:06d}"

    def is_active(self, day: dt.date) -> bool:
        return self.status in CREDIT_IN_FORCE and self.start <= day and (self.end is None or day <= self.end)


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def visible_to(self, user: Any) -> ComplaintQuerySet:
        """City admins: all. District bureaus: complaints of rights holders in their region. An
        organisation's accounts: the complaints it filed, and a platform's accounts those against its
        platform. Anyone else: nothing."""
        if is_city_admin(user):
            return self
        if not _signed_in(user):
            return self.none()
        if user.role == Role.DISTRICT_OFFICER and user.region_id:
            return self.filter(complainant__region_id=user.region_id)
        org_id = member_organisation_id(user)
        if org_id is None:
            return self.none()
        if user.role == Role.PLATFORM:
            return self.filter(platform_id=org_id)
        if user.role in {Role.APPLICANT, Role.AGENCY}:
            return self.filter(complainant_id=org_id)
        return self.none()

    def open(self) -> ComplaintQuerySet:
        return self.filter(
            status__in=[ComplaintStatus.FILED, ComplaintStatus.MEASURES, ComplaintStatus.COUNTER]
        )


class Complaint(models.Model):
    """An e-commerce IP complaint (电商平台知识产权投诉): a rights holder's notice against one listing
    on one platform, and what the platform did with it (电子商务法 arts. 42–43)."""

    complainant = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("权利人"),
        on_delete=models.PROTECT,
        related_name="complaints_filed",
    )
    platform = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("电商平台"),
        on_delete=models.PROTECT,
        related_name="complaints_received",
    )
    shop = models.CharField(_("店铺名称"), max_length=200)
    listing_url = models.URLField(_("商品链接"), max_length=500)
    right_kind = models.CharField(_("权利类型"), max_length=20, choices=RightKind.choices)
    right_number = models.CharField(_("权利证书号或申请号"), max_length=60)
    patent = models.ForeignKey(
        "registry.Patent",
        verbose_name=_("专利"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    proof = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("权属证明"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.TextField(_("侵权初步证据"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.FILED
    )
    filed_on = models.DateField(_("投诉日期"))
    due_on = models.DateField(_("当前环节期限"), null=True, blank=True)
    measure = models.CharField(_("必要措施"), max_length=20, choices=MeasureKind.choices, blank=True)
    measures_on = models.DateField(_("采取措施日期"), null=True, blank=True)
    forwarded_on = models.DateField(_("转送经营者日期"), null=True, blank=True)
    counter_statement = models.TextField(_("经营者不侵权声明"), blank=True)
    counter_forwarded_on = models.DateField(_("声明转送权利人日期"), null=True, blank=True)
    wait_until = models.DateField(_("等待期届满日期"), null=True, blank=True)
    kept_reason = models.CharField(_("维持措施依据"), max_length=300, blank=True)
    restored_on = models.DateField(_("终止措施日期"), null=True, blank=True)
    rejected_reason = models.CharField(_("不予受理理由"), max_length=300, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    malicious = models.BooleanField(_("疑似恶意投诉"), default=False)
    malicious_note = models.CharField(_("恶意投诉标记说明"), max_length=300, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("办结满意度"), null=True, blank=True)
    satisfaction_note = models.CharField(_("满意度评价意见"), max_length=300, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["platform", "status"], name="protection_complaint_platform")]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="protection_complaint_satisfaction",
            )
        ]
        verbose_name = _("电商投诉")
        verbose_name_plural = _("电商投诉")

    def __str__(self) -> str:
        return f"{self.number} {self.shop}"

    @property
    def number(self) -> str:
        return f"TS{self.filed_on.year}{self.pk or 0:06d}"

    def is_overdue(self, day: dt.date) -> bool:
        return self.due_on is not None and day > self.due_on and self.status in OPEN_COMPLAINT


OPEN_COMPLAINT = frozenset({ComplaintStatus.FILED, ComplaintStatus.MEASURES, ComplaintStatus.COUNTER})


class DisputeQuerySet(models.QuerySet["Dispute"]):
    def visible_to(self, user: Any) -> DisputeQuerySet:
        """City admins: all. District bureaus: the cases their district handles. An organisation's
        accounts: the cases it is a party to, and the mediation cases assigned to the mediation
        body it is. Anyone else: nothing."""
        if is_city_admin(user):
            return self
        if not _signed_in(user):
            return self.none()
        if user.role == Role.DISTRICT_OFFICER and user.region_id:
            return self.filter(region_id=user.region_id)
        org_id = organisation_account_id(user)
        if org_id is not None:
            mediates = Q(kind=DisputeKind.MEDIATION, mediator__organisation_id=org_id)
            return self.filter(Q(claimant_id=org_id) | Q(respondent_id=org_id) | mediates)
        return self.none()


class Dispute(models.Model):
    """A patent-infringement administrative adjudication case (专利侵权纠纷行政裁决) or a mediation
    case (知识产权纠纷调解), handled by the city office or a district bureau; every stage it passes
    is a DisputeStep with its date, so each stage's cycle time is known."""

    kind = models.CharField(_("案件类型"), max_length=20, choices=DisputeKind.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("办理区市"), on_delete=models.PROTECT, related_name="disputes"
    )
    claimant = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("请求人（机构）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes_claimed",
    )
    claimant_name = models.CharField(_("请求人"), max_length=200)
    respondent = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("被请求人（机构）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes_answered",
    )
    respondent_name = models.CharField(_("被请求人"), max_length=200)
    patents = models.ManyToManyField(
        "registry.Patent", verbose_name=_("涉案专利"), blank=True, related_name="disputes"
    )
    rights_note = models.CharField(_("涉案权利"), max_length=300, blank=True)
    summary = models.TextField(_("请求事项"))
    status = models.CharField(
        _("状态"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.FILED
    )
    filed_on = models.DateField(_("申请日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    investigator = models.CharField(_("技术调查官"), max_length=100, blank=True)
    hearing_on = models.DateField(_("口头审理日期"), null=True, blank=True)
    decision = models.TextField(_("裁决结果"), blank=True)
    enforcement = models.CharField(_("执行情况"), max_length=300, blank=True)
    mediation_body = models.CharField(_("调解组织"), max_length=200, blank=True)
    mediator = models.ForeignKey(
        "protection.MediationBody",
        verbose_name=_("调解组织（名录）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    due_on = models.DateField(_("调解期限"), null=True, blank=True)
    agreement = models.TextField(_("调解协议"), blank=True)
    confirmation_court = models.CharField(_("司法确认法院"), max_length=200, blank=True)
    end_reason = models.CharField(_("不予受理或调解不成的理由"), max_length=300, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("办结满意度"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["region", "filed_on"], name="protection_dispute_region")]
        verbose_name = _("纠纷案件")
        verbose_name_plural = _("纠纷案件")

    def __str__(self) -> str:
        return f"{self.number} {self.claimant_name} 与 {self.respondent_name}"

    @property
    def number(self) -> str:
        prefix = "CJ" if self.kind == DisputeKind.ADJUDICATION else "TJ"
        return f"{prefix}{self.filed_on.year}{self.pk or 0:06d}"

    @property
    def cycle_days(self) -> int | None:
        """Days from filing to closing (自然日); None while open."""
        return (self.closed_on - self.filed_on).days if self.closed_on else None

    def is_overdue(self, day: dt.date) -> bool:
        """A mediation still open past its time limit (from the start of mediation)."""
        return self.status in OPEN_MEDIATION and self.due_on is not None and day > self.due_on


OPEN_MEDIATION = frozenset({DisputeStatus.MEDIATING, DisputeStatus.AGREED, DisputeStatus.CONFIRMING})


class DisputeStep(models.Model):
    """One stage a dispute entered: when, by whom, with what note."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("环节"), max_length=40)
    label = models.CharField(_("环节名称"), max_length=60)
    status = models.CharField(_("进入状态"), max_length=20, choices=DisputeStatus.choices)
    on = models.DateField(_("日期"))
    by = models.CharField(_("办理人"), max_length=150, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("案件环节")
        verbose_name_plural = _("案件环节")

    def __str__(self) -> str:
        return f"{self.dispute.number} {self.label} {self.on.isoformat()}"


# ------------------------------------------------------------------------------ 维权援助 (二(一)3)


class AidBody(models.Model):
    """A 维权援助 body (a university, an association, an agency) and what it helps with."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=AidBodyKind.choices)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("对应机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所在区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    service_scope = models.CharField(_("服务范围"), max_length=300)
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("维权援助机构")
        verbose_name_plural = _("维权援助机构")

    def __str__(self) -> str:
        return self.name


class MediationBody(models.Model):
    """A mediation body (调解组织) in the register: the handling office assigns a mediation case to
    it; the accounts of its registry organisation record the agreement and the 司法确认 request."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("对应机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所在区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")

    def __str__(self) -> str:
        return self.name


class AidRequestQuerySet(models.QuerySet["AidRequest"]):
    def visible_to(self, user: Any) -> AidRequestQuerySet:
        """City admins: all. District bureaus: requesters in their region. An organisation's accounts:
        its own requests, and the requests routed to the aid body it is."""
        if is_city_admin(user):
            return self
        if not _signed_in(user):
            return self.none()
        if user.role == Role.DISTRICT_OFFICER and user.region_id:
            return self.filter(requester__region_id=user.region_id)
        org_id = organisation_account_id(user)
        if org_id is not None:
            return self.filter(Q(requester_id=org_id) | Q(body__organisation_id=org_id))
        return self.none()


class AidRequest(models.Model):
    """An enterprise's request for 维权援助, routed by the city office to a body; its outcome."""

    requester = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("申请单位"),
        on_delete=models.PROTECT,
        related_name="aid_requests",
    )
    body = models.ForeignKey(
        AidBody,
        verbose_name=_("援助机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    summary = models.TextField(_("援助事项"))
    status = models.CharField(
        _("状态"), max_length=20, choices=AidStatus.choices, default=AidStatus.SUBMITTED
    )
    submitted_on = models.DateField(_("申请日期"))
    routed_on = models.DateField(_("分派日期"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_on = models.DateField(_("受理期限"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    successful = models.BooleanField(_("维权成功"), null=True, blank=True)
    influential = models.BooleanField(_("具有较大影响力"), default=False)
    outcome = models.CharField(_("办理结果"), max_length=300, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("办结满意度"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = AidRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("维权援助申请")
        verbose_name_plural = _("维权援助申请")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"YZ{self.submitted_on.year}{self.pk or 0:06d}"

    def is_overdue(self, day: dt.date) -> bool:
        """Routed, not yet accepted by the body, past the acceptance time limit."""
        return self.status == AidStatus.ROUTED and self.due_on is not None and day > self.due_on


# ------------------------------------------------------------------------------ overseas risk (二(一)4)


class RiskAlert(models.Model):
    """An overseas IP risk alert (海外知识产权风险预警) the city office publishes."""

    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("风险类型"), max_length=20, choices=RiskKind.choices)
    country = models.CharField(_("国家或地区"), max_length=60)
    industry = models.CharField(_("产业"), max_length=30, choices=Industry.choices, blank=True)
    ipc = models.CharField(
        _("国际专利分类号"), max_length=20, blank=True, help_text=_("如 H01M，留空表示不限")
    )
    body = models.TextField(_("预警内容"))
    published_on = models.DateField(_("发布日期"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("海外风险预警")
        verbose_name_plural = _("海外风险预警")

    def __str__(self) -> str:
        return self.title


class RiskSubscription(models.Model):
    """An organisation's subscription to alerts: by industry, by country, by its own patents' IPC."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("订阅单位"),
        on_delete=models.CASCADE,
        related_name="risk_subscriptions",
    )
    industry = models.CharField(_("产业"), max_length=30, choices=Industry.choices, blank=True)
    country = models.CharField(_("国家或地区"), max_length=60, blank=True)
    own_patents = models.BooleanField(_("按本单位专利的国际专利分类号"), default=False)
    created_on = models.DateField(_("订阅日期"))

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("风险预警订阅")
        verbose_name_plural = _("风险预警订阅")

    def __str__(self) -> str:
        return f"{self.organisation} 订阅"


class RiskCheckQuerySet(models.QuerySet["RiskCheck"]):
    def visible_to(self, user: Any) -> RiskCheckQuerySet:
        if is_city_admin(user):
            return self
        org_id = member_organisation_id(user)
        if _signed_in(user) and user.role in {Role.APPLICANT, Role.AGENCY} and org_id is not None:
            return self.filter(organisation_id=org_id)
        return self.none()


class RiskCheck(models.Model):
    """A 风险排查 request before an exhibition abroad or an export, answered by the guidance centre."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("申请单位"),
        on_delete=models.PROTECT,
        related_name="risk_checks",
    )
    purpose = models.CharField(_("事由"), max_length=20, choices=RiskCheckPurpose.choices)
    country = models.CharField(_("目的国家或地区"), max_length=60)
    products = models.CharField(_("产品"), max_length=300)
    event_on = models.DateField(_("展会或出口日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=RiskCheckStatus.choices, default=RiskCheckStatus.SUBMITTED
    )
    submitted_on = models.DateField(_("申请日期"))
    answer = models.TextField(_("排查意见"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.CharField(_("答复人"), max_length=150, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = RiskCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("风险排查申请")
        verbose_name_plural = _("风险排查申请")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"PC{self.submitted_on.year}{self.pk or 0:06d}"


class OverseasDispute(models.Model):
    """A 涉外纠纷 of a Yantai organisation, with its outcome (facts for the 涉外诉讼 subsidy)."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("当事单位"),
        on_delete=models.PROTECT,
        related_name="overseas_disputes",
    )
    country = models.CharField(_("国家或地区"), max_length=60)
    kind = models.CharField(_("纠纷类型"), max_length=20, choices=RiskKind.choices)
    opponent = models.CharField(_("对方当事人"), max_length=200)
    forum = models.CharField(_("受理机构"), max_length=200, blank=True)
    started_on = models.DateField(_("开始日期"))
    outcome = models.CharField(
        _("结果"), max_length=20, choices=OverseasOutcome.choices, default=OverseasOutcome.PENDING
    )
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("涉外纠纷")
        verbose_name_plural = _("涉外纠纷")

    def __str__(self) -> str:
        return f"{self.organisation} 与 {self.opponent}（{self.country}）"


# ------------------------------------------------------------------------------ 商业秘密保护


class SecretSite(models.Model):
    """A 商业秘密保护 示范点 or 指导站, with its district and contact."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=SecretSiteKind.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区市"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("依托单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.CharField(_("联系人"), max_length=40)
    phone = models.CharField(_("联系电话"), max_length=40)
    designated_on = models.DateField(_("认定日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("商业秘密保护站点")
        verbose_name_plural = _("商业秘密保护站点")

    def __str__(self) -> str:
        return self.name
