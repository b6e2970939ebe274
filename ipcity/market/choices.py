"""Codes of the technology market (docs/market.md), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.registry.choices import LicenceKind


class OfferMode(models.TextChoices):
    """How a patent holder offers its patents (方案二(三)1; 专利法 arts. 10, 12, 50–52)."""

    ASSIGNMENT = "assignment", _("转让")
    EXCLUSIVE = "exclusive", _("独占许可")
    SOLE = "sole", _("排他许可")
    ORDINARY = "ordinary", _("普通许可")
    OPEN = "open", _("开放许可")
    FREE_SME = "free_sme", _("免费许可（面向中小微企业）")
    EQUITY = "equity", _("作价入股")
    JOINT_DEVELOPMENT = "joint_development", _("合作开发")


# Modes after which the patents are no longer on offer once one deal is confirmed: the offer closes.
EXCLUSIVE_MODES = frozenset({OfferMode.ASSIGNMENT, OfferMode.EXCLUSIVE, OfferMode.EQUITY})

# The registry record a confirmed deal of each mode becomes by default (the parties may choose
# another kind when they record the signed contract): 作价入股 transfers the patent into the company,
# a free licence to an SME is an ordinary licence at no fee, joint development licenses the patents
# for the joint work.
DEFAULT_LICENCE_KIND = {
    OfferMode.ASSIGNMENT: LicenceKind.ASSIGNMENT,
    OfferMode.EXCLUSIVE: LicenceKind.EXCLUSIVE,
    OfferMode.SOLE: LicenceKind.SOLE,
    OfferMode.ORDINARY: LicenceKind.ORDINARY,
    OfferMode.OPEN: LicenceKind.OPEN,
    OfferMode.FREE_SME: LicenceKind.ORDINARY,
    OfferMode.EQUITY: LicenceKind.ASSIGNMENT,
    OfferMode.JOINT_DEVELOPMENT: LicenceKind.ORDINARY,
}


class Maturity(models.TextChoices):
    LAB = "lab", _("实验室阶段")
    BENCH = "bench", _("小试")
    PILOT = "pilot", _("中试")
    PRODUCTION = "production", _("量产")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    UNLISTED = "unlisted", _("已下架")
    HIDDEN = "hidden", _("已屏蔽")
    CLOSED = "closed", _("已成交")
    WITHDRAWN = "withdrawn", _("已撤回")


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已关闭")
    HIDDEN = "hidden", _("已屏蔽")


class DealStatus(models.TextChoices):
    INTEREST = "interest", _("有意向，待接洽")
    NEGOTIATING = "negotiating", _("洽谈中")
    SIGNED = "signed", _("已签约，待确认")
    CONFIRMED = "confirmed", _("已确认成交")
    ENDED = "ended", _("未达成")


class DealSide(models.TextChoices):
    LICENSOR = "licensor", _("供给方")
    LICENSEE = "licensee", _("需求方")
    CITY = "city", _("市知识产权局")


class MatchKind(models.TextChoices):
    """What a matching document (market.MatchDoc) stands for."""

    OFFER = "offer", _("技术供给")
    NEED = "need", _("技术需求")
    ORGANISATION = "organisation", _("企业")


class AuctionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class LotStatus(models.TextChoices):
    OPEN = "open", _("竞价中")
    SOLD = "sold", _("已成交")
    UNSOLD = "unsold", _("流拍")


class CloseRule(models.TextChoices):
    """How a lot ends: at the auction's end time (the highest bid at or above the reserve wins), or
    as soon as a bid reaches the reserve price (that bid wins at once)."""

    TIME = "time", _("到时结束，价高者得")
    RESERVE = "reserve", _("出价达到保留价即成交")


class BidderStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名，待确认保证金")
    APPROVED = "approved", _("已确认保证金，可以出价")
    REJECTED = "rejected", _("未通过")


class RetentionStatus(models.TextChoices):
    """A 专利留烟 key project (方案二(三)2): from the first talks to its end."""

    NEGOTIATING = "negotiating", _("引进洽谈")
    RELOCATED = "relocated", _("已落户")
    CULTIVATING = "cultivating", _("跟踪培育")
    COMPLETED = "completed", _("已结项")
    DROPPED = "dropped", _("已终止")


# The statuses of a project that has come to Yantai (the reward item's fact 项目是否已落户烟台).
RELOCATED_STATUSES = frozenset(
    {RetentionStatus.RELOCATED, RetentionStatus.CULTIVATING, RetentionStatus.COMPLETED}
)
# The statuses in which the office still works on a project (edits it, follows it up, may drop it).
LIVE_RETENTION_STATUSES = frozenset(
    {RetentionStatus.NEGOTIATING, RetentionStatus.RELOCATED, RetentionStatus.CULTIVATING}
)
# The statuses that take one of the plan's places for key projects (跟踪培育2-5个重点项目).
CULTIVATED_STATUSES = frozenset({RetentionStatus.CULTIVATING, RetentionStatus.COMPLETED})


class RetentionService(models.TextChoices):
    """What the office did for a project (方案二(三)2: 配套服务, 专利布局, 加快专利审批)."""

    SUPPORT = "support", _("知识产权配套服务")
    LAYOUT = "layout", _("海内外专利布局")
    EXAMINATION = "examination", _("加快专利审批")
    VISIT = "visit", _("走访调度")
    OTHER = "other", _("其他")


class DualUse(models.TextChoices):
    """军民双向转化 (方案二(三)1): the direction of an offer or need, when it has one."""

    NONE = "", _("不涉及")
    MILITARY_TO_CIVIL = "military_to_civil", _("军转民")
    CIVIL_TO_MILITARY = "civil_to_military", _("民参军")
