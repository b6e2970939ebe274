"""Codes of IP protection (docs/protection.md), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditKind(models.TextChoices):
    """The kinds of credit record (二(一)3). The values of the first and the last are those of the
    minimal record grants kept before (moved here by migration 0001)."""

    SERIOUS = "serious", _("知识产权领域严重失信主体名单")
    GENERAL = "general", _("一般失信行为")
    ABNORMAL = "abnormal", _("经营异常名录")
    OTHER = "other", _("其他失信记录（仅提示）")


class CreditStatus(models.TextChoices):
    LISTED = "listed", _("在列")
    OBJECTED = "objected", _("异议审查中")
    REPAIRING = "repairing", _("信用修复审核中")
    REPAIRED = "repaired", _("已信用修复")
    REVOKED = "revoked", _("异议成立，已撤销")


# Statuses in which a record still counts (blocks payment, is published, costs grading points): an
# objection or a repair request under review does not suspend the record.
CREDIT_IN_FORCE = frozenset({CreditStatus.LISTED, CreditStatus.OBJECTED, CreditStatus.REPAIRING})


class ComplaintStatus(models.TextChoices):
    """电子商务法 arts. 42–43: notice → necessary measures and forwarding → counter-notice → waiting
    period → measures ended (restored) or kept."""

    FILED = "filed", _("已投诉，待平台处理")
    MEASURES = "measures", _("已采取必要措施，待经营者声明")
    COUNTER = "counter", _("经营者已声明不侵权，等待权利人投诉或起诉")
    KEPT = "kept", _("措施维持（权利人已投诉或起诉）")
    RESTORED = "restored", _("措施终止，已恢复")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("平台不予受理")


class MeasureKind(models.TextChoices):
    """电子商务法 art. 42: 删除、屏蔽、断开链接、终止交易和服务."""

    DELETE = "delete", _("删除")
    BLOCK = "block", _("屏蔽")
    DISCONNECT = "disconnect", _("断开链接")
    STOP = "stop", _("终止交易和服务")


class RightKind(models.TextChoices):
    PATENT = "patent", _("专利")
    TRADEMARK = "trademark", _("商标")
    COPYRIGHT = "copyright", _("著作权")
    GI = "gi", _("地理标志")


class DisputeKind(models.TextChoices):
    ADJUDICATION = "adjudication", _("专利侵权纠纷行政裁决")
    MEDIATION = "mediation", _("知识产权纠纷调解")


class DisputeStatus(models.TextChoices):
    FILED = "filed", _("已申请，待受理")
    ACCEPTED = "accepted", _("已受理")
    INVESTIGATING = "investigating", _("技术调查中")
    HEARD = "heard", _("已口头审理")
    DECIDED = "decided", _("已作出裁决，待执行")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("已达成调解协议")
    CONFIRMING = "confirming", _("已申请司法确认")
    FAILED = "failed", _("调解不成")
    REJECTED = "rejected", _("不予受理")
    CLOSED = "closed", _("已结案")


DISPUTE_ENDED = frozenset({DisputeStatus.CLOSED, DisputeStatus.REJECTED, DisputeStatus.FAILED})


class AidBodyKind(models.TextChoices):
    UNIVERSITY = "university", _("高校")
    ASSOCIATION = "association", _("行业协会")
    AGENCY = "agency", _("服务机构")
    OTHER = "other", _("其他")


class AidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申请，待分派")
    ROUTED = "routed", _("已分派援助机构")
    ACCEPTED = "accepted", _("援助机构已受理")
    CLOSED = "closed", _("已办结")
    DECLINED = "declined", _("不予援助")


class RiskKind(models.TextChoices):
    SECTION_337 = "section_337", _("337调查")
    SQUATTING = "squatting", _("恶意抢注")
    EXHIBITION = "exhibition", _("展会侵权")
    NPE = "npe", _("非专利实施主体诉讼")
    OTHER = "other", _("其他风险")


class RiskCheckPurpose(models.TextChoices):
    EXHIBITION = "exhibition", _("参加境外展会")
    EXPORT = "export", _("产品出口")


class RiskCheckStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申请，待答复")
    ANSWERED = "answered", _("已答复")


class OverseasOutcome(models.TextChoices):
    PENDING = "pending", _("审理中")
    WON = "won", _("胜诉")
    SETTLED = "settled", _("和解")
    LOST = "lost", _("败诉")


class SecretSiteKind(models.TextChoices):
    DEMONSTRATION = "demonstration", _("商业秘密保护示范点")
    GUIDANCE = "guidance", _("商业秘密保护指导站")
