"""Statuses of applications, entitlements and grants, with their allowed transitions (one dict each,
checked in one place: services._move), and the actions the pages offer (permissions.allowed_actions)."""

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
# The application workflow (docs/grants.md §2). Merit (择优) items pass through expert review; the
# others go from city review straight to publicity (services.review_in_city decides which).
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.CITY_REVIEW, S.RETURNED, S.REJECTED, S.WITHDRAWN},
    S.RETURNED: {S.SUBMITTED, S.WITHDRAWN},
    S.CITY_REVIEW: {S.EXPERT_REVIEW, S.PUBLICITY, S.RETURNED, S.REJECTED},
    S.EXPERT_REVIEW: {S.PUBLICITY, S.REJECTED},
    S.PUBLICITY: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.PAID},
    S.PAID: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
# Statuses in which the applicant may change facts, links and materials.
EDITABLE_STATUSES = {S.DRAFT, S.RETURNED}
# Statuses in which the SLA clock of a 快申快享 application runs.
OPEN_STATUSES = {S.SUBMITTED, S.CITY_REVIEW, S.EXPERT_REVIEW, S.PUBLICITY, S.APPROVED}


class EntitlementStatus(models.TextChoices):
    PENDING = "pending", _("待意愿确认")
    CONFIRMED = "confirmed", _("已确认，待核定")
    DECLINED = "declined", _("已放弃")
    APPROVED = "approved", _("已核定，待兑现")
    PAID = "paid", _("已兑现")
    CANCELLED = "cancelled", _("已撤销")


E = EntitlementStatus
ENTITLEMENT_TRANSITIONS: dict[str, set[str]] = {
    E.PENDING: {E.CONFIRMED, E.DECLINED, E.CANCELLED},
    E.CONFIRMED: {E.APPROVED, E.CANCELLED},
    E.APPROVED: {E.PAID},
    E.DECLINED: set(),
    E.PAID: set(),
    E.CANCELLED: set(),
}


class GrantStatus(models.TextChoices):
    COMMITTED = "committed", _("已核定")
    PAID = "paid", _("已兑现")


class CreditKind(models.TextChoices):
    SERIOUS = "serious", _("知识产权领域严重失信主体名单")
    OTHER = "other", _("其他失信记录（仅提示）")


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


class Action(models.TextChoices):
    """What a user can do on an application or entitlement page; who may, and in which status, is
    decided in one place: permissions.allowed_actions."""

    EDIT = "edit", _("修改申请和材料")
    SUBMIT = "submit", _("提交申请")
    WITHDRAW = "withdraw", _("撤回申请")
    DISTRICT_REVIEW = "district_review", _("区市初审")
    CITY_REVIEW = "city_review", _("市级审核")
    ASSIGN_EXPERTS = "assign_experts", _("指派评审专家")
    SCORE = "score", _("评分")
    CONCLUDE_EXPERT_REVIEW = "conclude_expert_review", _("给出专家评审结论")
    RECORD_OBJECTION = "record_objection", _("登记公示异议")
    RESOLVE_OBJECTION = "resolve_objection", _("处理公示异议")
    APPROVE = "approve", _("核定")
    PAY = "pay", _("登记兑现")
    CONFIRM = "confirm", _("确认申领")
    DECLINE = "decline", _("放弃申领")
    CANCEL = "cancel", _("撤销")


class ReviewDecision(models.TextChoices):
    PASS = "pass", _("通过")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予支持")
