from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFrequency(models.TextChoices):
    MONTHLY = "monthly", _("按月")
    QUARTERLY = "quarterly", _("按季度")


# What may follow which, who may do it and what it needs: supervision.workflows (REPORT_FLOW,
# ESCALATION_FLOW).
class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已确认")


class ReviewDecision(models.TextChoices):
    RETURNED = "returned", _("退回")
    ACCEPTED = "accepted", _("确认")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    RECTIFIED = "rectified", _("已整改")


class FollowUpKind(models.TextChoices):
    INTERVIEW = "interview", _("约谈")
    EXPLANATION = "explanation", _("书面说明")
    RECTIFIED = "rectified", _("已整改")


class RuleKind(models.TextChoices):
    FLAGS = "flags", _("蓝黄红标记规则")
    ASSESSMENT = "assessment", _("考核评比权重")


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
