"""Statuses of applications, entitlements and grants. Which action leads from which status to which,
and who takes it, is the action table of each in grants/workflows.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待区市初审")
    RETURNED = "returned", _("退回修改")
    CITY_REVIEW = "city_review", _("待市级审核")
    EXPERT_REVIEW = "expert_review", _("专家评审中")
    PUBLICITY = "publicity", _("公示中")
    APPROVED = "approved", _("已核定，待兑现")
    PAID = "paid", _("已兑现")
    REJECTED = "rejected", _("不予支持")
    WITHDRAWN = "withdrawn", _("已撤回")


S = ApplicationStatus
# Statuses in which the SLA clock of a 快申快享 application runs.
OPEN_STATUSES = {S.SUBMITTED, S.CITY_REVIEW, S.EXPERT_REVIEW, S.PUBLICITY, S.APPROVED}


class EntitlementStatus(models.TextChoices):
    PENDING = "pending", _("待意愿确认")
    CONFIRMED = "confirmed", _("已确认，待核定")
    DECLINED = "declined", _("已放弃")
    APPROVED = "approved", _("已核定，待兑现")
    PAID = "paid", _("已兑现")
    CANCELLED = "cancelled", _("已撤销")


class GrantStatus(models.TextChoices):
    COMMITTED = "committed", _("已核定")
    PAID = "paid", _("已兑现")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class LinkKind(models.TextChoices):
    PATENT = "patent", _("专利")
    TRADEMARK = "trademark", _("商标")
    GI = "gi", _("地理标志")
    PLEDGE = "pledge", _("质押")
    LICENCE = "licence", _("许可/转让")
    AWARD = "award", _("专利奖")
    CERTIFICATE = "certificate", _("贯标认证证书")


class ReviewDecision(models.TextChoices):
    PASS = "pass", _("通过")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予支持")
