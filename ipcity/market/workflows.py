"""The action tables of the technology market (docs/market.md), on core.workflow: offers (技术供给),
needs (技术需求) and deals (交易). Pages show `allowed_actions`, services `move`; nothing else decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ipcity.core.workflow import Action, Workflow
from ipcity.market.choices import (
    CULTIVATED_STATUSES,
    LIVE_RETENTION_STATUSES,
    AuctionStatus,
    BidderStatus,
    DealStatus,
    LotStatus,
    NeedStatus,
    OfferStatus,
    RetentionStatus,
)
from ipcity.market.models import Auction, AuctionBidder, Bid, Deal, Need, Offer, RetentionProject
from ipcity.market.permissions import (
    can_moderate,
    deal_side,
    is_deal_party,
    is_licensor,
    organises,
    organises_bidder_auction,
    organises_or_city,
    owns_need,
    owns_offer,
)

OS, NS, DS = OfferStatus, NeedStatus, DealStatus


def _not_open(offer: Offer, today: dt.date) -> str | None:
    if offer.is_open_licence:
        return f"{offer.number} 是开放许可声明，不能下架或标记成交，只能撤回声明"
    return None


def _open_only(offer: Offer, today: dt.date) -> str | None:
    if not offer.is_open_licence:
        return f"{offer.number} 不是开放许可声明，无需撤回，可以下架"
    return None


OFFER_WORKFLOW: Workflow[Offer] = Workflow(
    Offer,
    [
        # Content, patents and the evaluation report; a published offer is taken down to be edited
        # (an open licence declaration is withdrawn and declared anew instead: its terms bind).
        Action("edit", "修改供给信息", frozenset({OS.DRAFT, OS.UNLISTED}), owns_offer),
        Action("publish", "发布", frozenset({OS.DRAFT, OS.UNLISTED}), owns_offer, to=OS.PUBLISHED),
        Action("unlist", "下架", frozenset({OS.PUBLISHED}), owns_offer, to=OS.UNLISTED, when=_not_open),
        Action("close", "标记为已成交", frozenset({OS.PUBLISHED}), owns_offer, to=OS.CLOSED, when=_not_open),
        # 专利法 art. 51: withdrawing an open licence declaration leaves the licences granted intact.
        Action(
            "withdraw",
            "撤回开放许可声明",
            frozenset({OS.PUBLISHED}),
            owns_offer,
            to=OS.WITHDRAWN,
            when=_open_only,
        ),
        Action("hide", "屏蔽", frozenset({OS.PUBLISHED}), can_moderate, to=OS.HIDDEN, requires=("reason",)),
        Action("unhide", "恢复发布", frozenset({OS.HIDDEN}), can_moderate, to=OS.PUBLISHED),
    ],
    audit_prefix="market_offer",
    number=lambda offer: offer.number,
)

NEED_WORKFLOW: Workflow[Need] = Workflow(
    Need,
    [
        Action("edit", "修改需求信息", frozenset({NS.DRAFT}), owns_need),
        Action("publish", "发布", frozenset({NS.DRAFT}), owns_need, to=NS.PUBLISHED),
        Action("close", "关闭需求", frozenset({NS.PUBLISHED}), owns_need, to=NS.CLOSED),
        Action("hide", "屏蔽", frozenset({NS.PUBLISHED}), can_moderate, to=NS.HIDDEN, requires=("reason",)),
        Action("unhide", "恢复发布", frozenset({NS.HIDDEN}), can_moderate, to=NS.PUBLISHED),
    ],
    audit_prefix="market_need",
    number=lambda need: need.number,
)


def _party_or_city(user: Any, deal: Deal) -> bool:
    return can_moderate(user) or is_deal_party(user, deal)


def _confirms(user: Any, deal: Deal) -> bool:
    """The city office, or the party that has not confirmed the signed terms once the other has
    (the party that records the signed contract confirms it by recording it)."""
    if can_moderate(user):
        return True
    side = deal_side(user, deal)
    if side == "licensor":
        return not deal.licensor_confirmed and bool(deal.licensee_confirmed)
    if side == "licensee":
        return not deal.licensee_confirmed and bool(deal.licensor_confirmed)
    return False


def _offer_still_open(deal: Deal, today: dt.date) -> str | None:
    offer = deal.offer
    if offer.status == OS.CLOSED:
        return f"{offer.number} 已成交（转让、独占许可或作价入股），不能再确认其他交易"
    return None


LIVE = frozenset({DS.INTEREST, DS.NEGOTIATING, DS.SIGNED})

DEAL_WORKFLOW: Workflow[Deal] = Workflow(
    Deal,
    [
        Action("note", "添加洽谈记录", LIVE, _party_or_city, not_in_stage="交易已结束，不能添加洽谈记录"),
        Action("accept", "接洽", frozenset({DS.INTEREST}), is_licensor, to=DS.NEGOTIATING),
        Action("sign", "登记签约", frozenset({DS.NEGOTIATING}), _party_or_city, to=DS.SIGNED),
        Action(
            "confirm", "确认成交", frozenset({DS.SIGNED}), _confirms, to=DS.CONFIRMED, when=_offer_still_open
        ),
        Action(
            "reopen",
            "退回洽谈",
            frozenset({DS.SIGNED}),
            is_deal_party,
            to=DS.NEGOTIATING,
            requires=("reason",),
        ),
        Action("end", "终止洽谈", LIVE, is_deal_party, to=DS.ENDED, requires=("reason",)),
    ],
    audit_prefix="market_deal",
    number=lambda deal: deal.number,
)


# ------------------------------------------------------------------------------ auctions


def _has_lots(auction: Auction, today: dt.date) -> str | None:
    if not auction.lots.exists():
        return f"{auction.number} 还没有标的，不能发布"
    if auction.ends_at <= timezone.now():
        return f"{auction.number} 的结束时间已过，请先修改时间"
    return None


def _no_bids(auction: Auction, today: dt.date) -> str | None:
    if Bid.objects.filter(lot__auction=auction).exists():
        return f"{auction.number} 已有出价，不能取消"
    return None


def _ended(auction: Auction, today: dt.date) -> str | None:
    if auction.ends_at > timezone.now() and auction.lots.filter(status=LotStatus.OPEN).exists():
        return f"{auction.number} 尚未到结束时间（{timezone.localtime(auction.ends_at):%Y-%m-%d %H:%M}）"
    return None


AUS, BS = AuctionStatus, BidderStatus

AUCTION_WORKFLOW: Workflow[Auction] = Workflow(
    Auction,
    [
        Action("edit", "修改竞价会和标的", frozenset({AUS.DRAFT}), organises),
        Action("publish", "发布竞价会", frozenset({AUS.DRAFT}), organises, to=AUS.PUBLISHED, when=_has_lots),
        Action(
            "cancel",
            "取消竞价会",
            frozenset({AUS.DRAFT, AUS.PUBLISHED}),
            organises_or_city,
            to=AUS.CANCELLED,
            requires=("reason",),
            when=_no_bids,
        ),
        Action(
            "close",
            "结束竞价并公布结果",
            frozenset({AUS.PUBLISHED}),
            organises_or_city,
            to=AUS.CLOSED,
            when=_ended,
        ),
    ],
    audit_prefix="market_auction",
    number=lambda auction: auction.number,
)

BIDDER_WORKFLOW: Workflow[AuctionBidder] = Workflow(
    AuctionBidder,
    [
        Action(
            "approve",
            "确认保证金",
            frozenset({BS.REGISTERED}),
            organises_bidder_auction,
            to=BS.APPROVED,
            requires=("amount",),
        ),
        Action(
            "reject",
            "不予通过",
            frozenset({BS.REGISTERED}),
            organises_bidder_auction,
            to=BS.REJECTED,
            requires=("reason",),
        ),
    ],
    audit_prefix="market_bidder",
    number=lambda bidder: bidder.number,
)


# ------------------------------------------------------------------------------ 专利留烟重点项目

RS = RetentionStatus


def _quota_left(project: RetentionProject, today: dt.date) -> str | None:
    """The plan tracks 2-5 key projects (方案二(三)2): the quota of the reward item, read from the
    policy catalogue, caps how many projects are taken into 跟踪培育 over the plan's period."""
    from ipcity.market.retention import cultivation_quota

    quota = cultivation_quota(today)
    if quota is None:
        return None
    taken = RetentionProject.objects.filter(status__in=CULTIVATED_STATUSES).exclude(pk=project.pk).count()
    if taken >= quota:
        return f"方案期内跟踪培育的重点项目已有 {taken} 个，达到方案规定的上限 {quota} 个"
    return None


RETENTION_WORKFLOW: Workflow[RetentionProject] = Workflow(
    RetentionProject,
    [
        Action("edit", "修改项目信息", LIVE_RETENTION_STATUSES, can_moderate),
        Action(
            "follow_up",
            "登记跟踪服务",
            LIVE_RETENTION_STATUSES,
            can_moderate,
            not_in_stage="项目已结束，不能再登记跟踪服务",
        ),
        Action("relocate", "登记落户", frozenset({RS.NEGOTIATING}), can_moderate, to=RS.RELOCATED),
        Action(
            "cultivate",
            "列入跟踪培育",
            frozenset({RS.RELOCATED}),
            can_moderate,
            to=RS.CULTIVATING,
            when=_quota_left,
        ),
        Action("complete", "结项", frozenset({RS.CULTIVATING}), can_moderate, to=RS.COMPLETED),
        Action(
            "drop", "终止项目", LIVE_RETENTION_STATUSES, can_moderate, to=RS.DROPPED, requires=("reason",)
        ),
    ],
    audit_prefix="market_retention",
    number=lambda project: project.number,
)
