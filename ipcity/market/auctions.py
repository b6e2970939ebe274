"""Writes of 专利竞价 (patent auctions, 方案二(三)2): one transaction and one audit event each, like
market/services.py (this is its auction part, kept apart for length).

An agency (服务机构) organises an auction with lots consigned by patent holders that have mandated it
(委托代理); organisations register as bidders and bid once the agency has recorded their deposit
(保证金). The rules that make a result trustworthy live here, under a row lock on the lot:

- a bid is at least the starting price, and at least the highest bid plus the increment;
- a lot never sells below its reserve price (保留价), which only the organiser, the holder and the
  city office see;
- a lot with the rule "出价达到保留价即成交" is sold to the first bid reaching the reserve, at once;
  the others end at the auction's end time, sold to the highest bid if it reaches the reserve, else
  unsold (流拍);
- the holder never bids on its own lot; every bid is audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ipcity.accounts.permissions import is_city_admin
from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.core.workflow import Refused
from ipcity.lib.text import clean_text
from ipcity.market.choices import AuctionStatus, BidderStatus, CloseRule, LotStatus, OfferMode
from ipcity.market.models import Auction, AuctionBidder, AuctionLot, Bid
from ipcity.market.permissions import acts_in_market_for, member_organisation_id
from ipcity.market.services import listing_problems, resolve_patents, today
from ipcity.market.workflows import AUCTION_WORKFLOW, BIDDER_WORKFLOW
from ipcity.registry.choices import OrganisationKind
from ipcity.registry.models import Organisation

AUCTION_FIELDS = ["title", "description", "starts_at", "ends_at", "deposit"]
LOT_FIELDS = ["title", "starting_price", "increment", "reserve_price", "close_rule"]


def _money(value: Any, label: str, *, positive: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception as exc:
        raise ValidationError(f"{label}应为金额（元）") from exc
    if amount < 0 or (positive and amount == 0):
        raise ValidationError(f"{label}应{'大于' if positive else '不小于'} 0 元")
    return amount


def _auction_values(values: dict[str, Any]) -> dict[str, Any]:
    data = {key: values.get(key) for key in AUCTION_FIELDS}
    data["title"] = clean_text(data["title"] or "")[:200]
    data["description"] = clean_text(data["description"] or "")
    if not data["title"]:
        raise ValidationError({"title": "请填写竞价会名称"})
    starts, ends = data["starts_at"], data["ends_at"]
    if not isinstance(starts, dt.datetime) or not isinstance(ends, dt.datetime):
        raise ValidationError("请填写开始出价时间和结束时间")
    if ends <= starts:
        raise ValidationError({"ends_at": "结束时间应晚于开始出价时间"})
    data["deposit"] = _money(data["deposit"], "竞买保证金")
    return data


@transaction.atomic
def create_auction(
    *, actor: Actor, organiser: Organisation, values: dict[str, Any], is_demo: bool = False
) -> Auction:
    if organiser.kind != OrganisationKind.SERVICE_AGENCY:
        raise Refused(f"{organiser.name} 不是服务机构，不能组织专利竞价")
    if actor.user is not None and member_organisation_id(actor.user) != organiser.pk:
        raise Refused(f"无权以 {organiser.name} 的名义组织专利竞价")
    auction = Auction.objects.create(
        organiser=organiser, created_on=today(), is_demo=is_demo, **_auction_values(values)
    )
    record_event(actor, "market_auction.create", obj=auction, after=snapshot(auction, AUCTION_FIELDS))
    return auction


@transaction.atomic
def update_auction(auction: Auction, *, actor: Actor, values: dict[str, Any]) -> Auction:
    auction = AUCTION_WORKFLOW.lock(auction)
    AUCTION_WORKFLOW.require(auction, "edit", actor=actor)
    before = snapshot(auction, AUCTION_FIELDS)
    for key, value in _auction_values(values).items():
        setattr(auction, key, value)
    auction.save(update_fields=AUCTION_FIELDS)
    AUCTION_WORKFLOW.move(
        auction, "edit", actor=actor, audit_before=before, audit_after=snapshot(auction, AUCTION_FIELDS)
    )
    return auction


@transaction.atomic
def add_lot(
    auction: Auction,
    *,
    actor: Actor,
    holder: Organisation,
    patent_numbers: str,
    values: dict[str, Any],
) -> AuctionLot:
    """A lot consigned by `holder` (the organiser acts for it by mandate): its patents are checked in
    the registry as for a transfer offer (valid, in term, held by the holder)."""
    auction = AUCTION_WORKFLOW.lock(auction)
    AUCTION_WORKFLOW.require(auction, "edit", actor=actor)
    if actor.user is not None and not acts_in_market_for(actor.user, holder.pk):
        raise Refused(f"{holder.name} 尚未委托本机构，不能把其专利列为标的")
    patents = resolve_patents(patent_numbers)
    problems = listing_problems(holder, OfferMode.ASSIGNMENT, patents, has_report=True, on=today())
    if problems:
        raise ValidationError(problems)
    title = clean_text(values.get("title") or "")[:200]
    if not title:
        raise ValidationError({"title": "请填写标的名称"})
    start = _money(values.get("starting_price"), "起拍价", positive=True)
    increment = _money(values.get("increment"), "加价幅度", positive=True)
    reserve = _money(values.get("reserve_price"), "保留价", positive=True)
    if reserve < start:
        raise ValidationError({"reserve_price": "保留价不能低于起拍价"})
    rule = values.get("close_rule") or CloseRule.TIME
    if rule not in CloseRule.values:
        raise ValidationError({"close_rule": "请选择成交规则"})
    position = (auction.lots.aggregate(n=Max("position"))["n"] or 0) + 1
    lot = AuctionLot.objects.create(
        auction=auction,
        position=position,
        title=title,
        holder=holder,
        starting_price=start,
        increment=increment,
        reserve_price=reserve,
        close_rule=rule,
    )
    lot.patents.set(patents)
    record_event(
        actor,
        "market_lot.create",
        obj=lot,
        after={
            **snapshot(lot, LOT_FIELDS),
            "patents": [p.application_number for p in patents],
            "holder": holder.name,
        },
    )
    return lot


@transaction.atomic
def publish_auction(auction: Auction, *, actor: Actor) -> None:
    auction = AUCTION_WORKFLOW.lock(auction)
    AUCTION_WORKFLOW.move(auction, "publish", actor=actor)


def _step_with_reason(workflow: Any, obj: Any, name: str, field: str, *, actor: Actor, reason: str) -> None:
    """An action that needs a reason, kept on the object's `field` (shown on its page) and in the log."""
    obj = workflow.lock(obj)
    workflow.require(obj, name, actor=actor, reason=reason)
    setattr(obj, field, clean_text(reason)[:300])
    obj.save(update_fields=[field])
    workflow.move(
        obj, name, actor=actor, comment=reason, reason=reason, audit_after={field: getattr(obj, field)}
    )


@transaction.atomic
def cancel_auction(auction: Auction, *, actor: Actor, reason: str) -> None:
    _step_with_reason(AUCTION_WORKFLOW, auction, "cancel", "cancel_reason", actor=actor, reason=reason)


# ------------------------------------------------------------------------------ bidders


@transaction.atomic
def register_bidder(auction: Auction, *, actor: Actor, organisation: Organisation) -> AuctionBidder:
    """报名: an organisation the actor acts for registers for a published auction before its end."""
    auction = AUCTION_WORKFLOW.lock(auction)  # paddle numbers are given one at a time
    if auction.status != AuctionStatus.PUBLISHED or auction.ends_at <= timezone.now():
        raise Refused(f"{auction.number} 不在报名期间")
    if actor.user is not None and not acts_in_market_for(actor.user, organisation.pk):
        raise Refused(f"无权以 {organisation.name} 的名义报名")
    if organisation.pk == auction.organiser_id:
        raise Refused("组织机构不能报名竞买自己组织的竞价会")
    if auction.bidders.filter(organisation=organisation).exists():
        raise Refused(f"{organisation.name} 已报名 {auction.number}")
    paddle = (auction.bidders.aggregate(n=Max("paddle"))["n"] or 0) + 1
    bidder = AuctionBidder.objects.create(auction=auction, organisation=organisation, paddle=paddle)
    record_event(
        actor, "market_bidder.create", obj=bidder, after={"organisation": organisation.name, "paddle": paddle}
    )
    return bidder


@transaction.atomic
def approve_bidder(
    bidder: AuctionBidder, *, actor: Actor, amount: Any, received_on: dt.date | None = None
) -> None:
    """The organiser records the deposit received: the bidder may bid."""
    bidder = BIDDER_WORKFLOW.lock(bidder)
    BIDDER_WORKFLOW.require(bidder, "approve", actor=actor, amount=amount)
    paid = _money(amount, "已交保证金")
    if paid < bidder.auction.deposit:
        raise ValidationError(f"已交保证金 {paid} 元少于竞价会要求的 {bidder.auction.deposit} 元")
    bidder.deposit_amount, bidder.deposit_received_on = paid, received_on or today()
    bidder.save(update_fields=["deposit_amount", "deposit_received_on"])
    BIDDER_WORKFLOW.move(
        bidder,
        "approve",
        actor=actor,
        amount=amount,
        audit_after={"deposit_amount": paid, "deposit_received_on": bidder.deposit_received_on},
    )


@transaction.atomic
def reject_bidder(bidder: AuctionBidder, *, actor: Actor, reason: str) -> None:
    _step_with_reason(BIDDER_WORKFLOW, bidder, "reject", "reject_reason", actor=actor, reason=reason)


# ------------------------------------------------------------------------------ bids


def minimum_bid(lot: AuctionLot) -> Decimal:
    """The least the next bid may be: the starting price, or the highest bid plus the increment."""
    top = lot.bids.order_by("-round").values_list("amount", flat=True).first()
    return lot.starting_price if top is None else top + lot.increment


def _sell(lot: AuctionLot, bid: Bid, actor: Actor, now: dt.datetime) -> None:
    lot.status, lot.winning_bid, lot.closed_at = LotStatus.SOLD, bid, now
    lot.save(update_fields=["status", "winning_bid", "closed_at"])
    record_event(
        actor,
        "market_lot.sold",
        obj=lot,
        before={"status": LotStatus.OPEN},
        after={"status": LotStatus.SOLD, "amount": bid.amount, "paddle": bid.bidder.paddle},
    )


@transaction.atomic
def place_bid(
    lot: AuctionLot, *, actor: Actor, organisation: Organisation, amount: Any, now: dt.datetime | None = None
) -> Bid:
    """出价. The lot row is locked for the check and the write: two bids on one lot are taken one
    after the other, so two bids can never both win, nor both be 'the highest'."""
    now = now or timezone.now()
    lot = AuctionLot.objects.select_for_update().select_related("auction").get(pk=lot.pk)
    auction = lot.auction
    if actor.user is not None and not acts_in_market_for(actor.user, organisation.pk):
        raise Refused(f"无权以 {organisation.name} 的名义出价")
    if auction.status != AuctionStatus.PUBLISHED or not (auction.starts_at <= now < auction.ends_at):
        raise Refused(f"{auction.number} 不在出价时间内")
    if lot.status != LotStatus.OPEN:
        raise Refused(f"标的 {lot.number} 已{lot.get_status_display()}，不能再出价")
    if organisation.pk == lot.holder_id:
        raise Refused("委托人不能对自己的标的出价")
    bidder = auction.bidders.filter(organisation=organisation).first()
    if bidder is None or bidder.status != BidderStatus.APPROVED:
        raise Refused(f"{organisation.name} 尚未报名或保证金尚未确认，不能出价")
    value = _money(amount, "出价", positive=True)
    least = minimum_bid(lot)
    if value < least:
        raise ValidationError(f"出价应不低于 {least} 元（起拍价或当前最高价加上加价幅度）")
    last = lot.bids.aggregate(n=Max("round"))["n"] or 0
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                lot=lot, bidder=bidder, round=last + 1, amount=value, placed_at=now, placed_by=actor.user
            )
    except IntegrityError as exc:  # pragma: no cover - the row lock above serialises bids on a lot
        raise Refused("出价冲突，请刷新后重试") from exc
    record_event(
        actor,
        "market_bid.create",
        obj=bid,
        after={"amount": value, "round": bid.round, "paddle": bidder.paddle},
    )
    if lot.close_rule == CloseRule.RESERVE and value >= lot.reserve_price:
        _sell(lot, bid, actor, now)
    return bid


@transaction.atomic
def close_auction(auction: Auction, *, actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """结束竞价: each open lot is sold to its highest bid if that reaches the reserve, else unsold.
    Returns the counts of sold and unsold lots."""
    now = now or timezone.now()
    auction = AUCTION_WORKFLOW.lock(auction)
    AUCTION_WORKFLOW.check(auction, "close", actor=actor)
    for lot in (
        AuctionLot.objects.select_for_update().filter(auction=auction, status=LotStatus.OPEN).order_by("pk")
    ):
        top = lot.bids.select_related("bidder").order_by("-round").first()
        if top is not None and top.amount >= lot.reserve_price:
            _sell(lot, top, actor, now)
        else:
            lot.status, lot.closed_at = LotStatus.UNSOLD, now
            lot.save(update_fields=["status", "closed_at"])
            record_event(
                actor,
                "market_lot.unsold",
                obj=lot,
                before={"status": LotStatus.OPEN},
                after={"status": LotStatus.UNSOLD},
            )
    auction.closed_at = now
    auction.save(update_fields=["closed_at"])
    AUCTION_WORKFLOW.move(auction, "close", actor=actor)
    lots = auction.lots.values_list("status", flat=True)
    return {
        "sold": sum(s == LotStatus.SOLD for s in lots),
        "unsold": sum(s == LotStatus.UNSOLD for s in lots),
    }


def close_due_auctions(*, actor: Actor, now: dt.datetime | None = None) -> list[Auction]:
    """The scheduled close (`ipcity market close-auctions`): every published auction past its end."""
    now = now or timezone.now()
    closed = []
    for auction in Auction.objects.filter(status=AuctionStatus.PUBLISHED, ends_at__lte=now).order_by("pk"):
        close_auction(auction, actor=actor, now=now)
        closed.append(auction)
    return closed


def may_see_reserve(user: Any, lot: AuctionLot) -> bool:
    """The reserve price is hidden from bidders: the organiser, the holder and the city office see it."""
    if user is None:
        return True
    return is_city_admin(user) or member_organisation_id(user) in (lot.auction.organiser_id, lot.holder_id)
