"""The walks of market/workflows.py (ipcity/core/tests/walk.py): an offer, a need and a deal in each
status, reached with the real services. 测试甲公司 (enterprise_a) holds the patents and has
authorised 测试代理所 (agency) to act for it in the market; 测试乙公司 (enterprise_b) is the
interested party. Each action is tried through its service and through its page's POST; the detail
page marks each control it offers with `data-action`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.core.tests.walk import SHOWN, Try, Walk, data_actions, rolled_back, take, walk_for
from ipcity.market import auctions, retention, services
from ipcity.market.models import Auction, AuctionBidder, Deal, Need, Offer, RetentionProject
from ipcity.market.tests.helpers import (
    CLI,
    interest,
    make_need,
    make_offer,
    numbers,
    offer_values,
    patent,
    web,
)
from ipcity.market.workflows import (
    AUCTION_WORKFLOW,
    BIDDER_WORKFLOW,
    DEAL_WORKFLOW,
    NEED_WORKFLOW,
    OFFER_WORKFLOW,
    RETENTION_WORKFLOW,
)
from ipcity.test import Personas

OWNERS = ("enterprise_a", "agency")
REASON = "信息不实"


def _owners(actions: set[str], **others: set[str]) -> dict[str, set[str]]:
    return {**{name: set(actions) for name in OWNERS}, **others}


OFFER_EXPECTED: dict[str, dict[str, set[str]]] = {
    "草稿": _owners({"edit", "publish"}),
    "已发布": _owners({"unlist", "close"}, admin={"hide"}),
    "已下架": _owners({"edit", "publish"}),
    "已屏蔽": {"admin": {"unhide"}},
    "已成交": {},
    "已发布（开放许可）": _owners({"withdraw"}, admin={"hide"}),
    "已撤回": {},
}
NEED_EXPECTED: dict[str, dict[str, set[str]]] = {
    "草稿": _owners({"edit", "publish"}),
    "已发布": _owners({"close"}, admin={"hide"}),
    "已关闭": {},
    "已屏蔽": {"admin": {"unhide"}},
}
DEAL_EXPECTED: dict[str, dict[str, set[str]]] = {
    "有意向": _owners({"note", "accept", "end"}, enterprise_b={"note", "end"}, admin={"note"}),
    "洽谈中": _owners({"note", "sign", "end"}, enterprise_b={"note", "sign", "end"}, admin={"note", "sign"}),
    "已签约（需求方登记）": _owners(
        {"note", "confirm", "reopen", "end"},
        enterprise_b={"note", "reopen", "end"},
        admin={"note", "confirm"},
    ),
    "已确认成交": {},
    "未达成": {},
}


def _mandate(personas: Personas) -> None:
    services.authorise_agency(personas.org_a, personas.org_agency, actor=CLI)


def _offer_form(offer: Offer) -> dict[str, Any]:
    values = offer_values(offer.mode)
    data = {k: ("" if v is None else v) for k, v in values.items() if k != "negotiable"}
    return {**data, "organisation": offer.holder_id, "patent_numbers": numbers(*offer.patents.all())}


@walk_for(Offer)
def offer_walk(personas: Personas, tmp_path: Path) -> Walk[Offer]:
    _mandate(personas)
    owner = web(personas.enterprise_a)

    def states() -> Generator[tuple[str, Offer], None, None]:
        offer = make_offer(personas.org_a, publish=False, actor=owner)
        yield "草稿", offer
        services.publish_offer(offer, actor=owner)
        yield "已发布", offer
        for name, change in (
            ("已下架", lambda: services.unlist_offer(offer, actor=owner)),
            ("已屏蔽", lambda: services.hide_offer(offer, actor=web(personas.admin), reason=REASON)),
            ("已成交", lambda: services.close_offer(offer, actor=owner)),
        ):
            with rolled_back():
                change()
                yield name, offer
        open_offer = make_offer(personas.org_a, mode="open", actor=owner, kind="utility_model")
        yield "已发布（开放许可）", open_offer
        services.withdraw_offer(open_offer, actor=owner)
        yield "已撤回", open_offer

    def tries(offer: Offer, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"market:offer_{action}", args=[offer.pk])

        return [
            Try(
                "edit",
                lambda o: services.update_offer(
                    o, actor=actor, values=offer_values(o.mode), patent_numbers=numbers(*o.patents.all())
                ),
                lambda c: c.post(url("edit"), _offer_form(offer)),
            ),
            take("publish", services.publish_offer, url("publish"), actor=actor),
            take("unlist", services.unlist_offer, url("unlist"), actor=actor),
            take("close", services.close_offer, url("close"), actor=actor),
            take("withdraw", services.withdraw_offer, url("withdraw"), actor=actor),
            take("hide", services.hide_offer, url("hide"), {"reason": REASON}, actor=actor, reason=REASON),
            take("unhide", services.unhide_offer, url("unhide"), actor=actor),
        ]

    return Walk(
        OFFER_WORKFLOW,
        states(),
        tries,
        data_actions(lambda offer: reverse("market:offer", args=[offer.pk])),
        OFFER_EXPECTED,
        cli=CLI,
    )


def _need_form(need: Need) -> dict[str, Any]:
    return {
        "organisation": need.organisation_id,
        "title": need.title,
        "problem": need.problem,
        "field": need.field,
        "budget_min": "100000",
        "budget_max": "300000",
        "contact_person": need.contact_person,
        "contact_phone": need.contact_phone,
    }


@walk_for(Need)
def need_walk(personas: Personas, tmp_path: Path) -> Walk[Need]:
    _mandate(personas)
    owner = web(personas.enterprise_a)

    def states() -> Generator[tuple[str, Need], None, None]:
        need = make_need(personas.org_a, publish=False, actor=owner)
        yield "草稿", need
        services.publish_need(need, actor=owner)
        yield "已发布", need
        with rolled_back():
            services.close_need(need, actor=owner)
            yield "已关闭", need
        services.hide_need(need, actor=web(personas.admin), reason=REASON)
        yield "已屏蔽", need

    def tries(need: Need, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"market:need_{action}", args=[need.pk])

        values = {k: v for k, v in _need_form(need).items() if k != "organisation"}
        values["budget_min"], values["budget_max"] = Decimal("100000"), Decimal("300000")
        return [
            Try(
                "edit",
                lambda n: services.update_need(n, actor=actor, values=values),
                lambda c: c.post(url("edit"), _need_form(need)),
            ),
            take("publish", services.publish_need, url("publish"), actor=actor),
            take("close", services.close_need, url("close"), actor=actor),
            take("hide", services.hide_need, url("hide"), {"reason": REASON}, actor=actor, reason=REASON),
            take("unhide", services.unhide_need, url("unhide"), actor=actor),
        ]

    return Walk(
        NEED_WORKFLOW,
        states(),
        tries,
        data_actions(lambda need: reverse("market:need", args=[need.pk])),
        NEED_EXPECTED,
        cli=CLI,
    )


@walk_for(Deal)
def deal_walk(personas: Personas, tmp_path: Path) -> Walk[Deal]:
    _mandate(personas)
    licensor, licensee = web(personas.enterprise_a), web(personas.enterprise_b)
    today = timezone.localdate()

    def states() -> Generator[tuple[str, Deal], None, None]:
        deal = interest(make_offer(personas.org_a, actor=licensor), personas)
        yield "有意向", deal
        with rolled_back():
            services.end_deal(deal, actor=licensee, reason="暂不需要")
            yield "未达成", deal
        services.accept_deal(deal, actor=licensor)
        yield "洽谈中", deal
        services.sign_deal(
            deal, actor=licensee, kind="ordinary", amount=Decimal("150000"), contract_date=today
        )
        yield "已签约（需求方登记）", deal
        services.confirm_deal(deal, actor=licensor)
        yield "已确认成交", deal

    def tries(deal: Deal, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"market:deal_{action}", args=[deal.pk])

        terms = {"kind": "ordinary", "amount": Decimal("150000"), "contract_date": today}
        return [
            take(
                "note",
                services.add_deal_note,
                url("note"),
                {"text": "电话沟通"},
                actor=actor,
                text="电话沟通",
            ),
            take("accept", services.accept_deal, url("accept"), actor=actor),
            take("sign", services.sign_deal, url("sign"), terms, actor=actor, **terms),
            take("confirm", services.confirm_deal, url("confirm"), actor=actor),
            take(
                "reopen",
                services.reopen_deal,
                url("reopen"),
                {"reason": "金额有误"},
                actor=actor,
                reason="金额有误",
            ),
            take(
                "end",
                services.end_deal,
                url("end"),
                {"reason": "价格未谈拢"},
                actor=actor,
                reason="价格未谈拢",
            ),
        ]

    return Walk(
        DEAL_WORKFLOW,
        states(),
        tries,
        data_actions(lambda deal: reverse("market:deal", args=[deal.pk])),
        DEAL_EXPECTED,
        cli=CLI,
    )


# ------------------------------------------------------------------------------ auctions

AUCTION_EXPECTED: dict[str, dict[str, set[str]]] = {
    "草稿": {"agency": {"edit", "publish", "cancel"}, "admin": {"cancel"}},
    "已发布": {"agency": {"cancel"}, "admin": {"cancel"}},
    "已发布（已到结束时间）": {"agency": {"cancel", "close"}, "admin": {"cancel", "close"}},
    "已结束": {},
    "已取消": {},
}
BIDDER_EXPECTED: dict[str, dict[str, set[str]]] = {
    "已报名": {"agency": {"approve", "reject"}},
    "已确认保证金": {},
    "未通过": {},
}


def _draft_auction(personas: Personas) -> Auction:
    _mandate(personas)
    agency = web(personas.agency)
    now = timezone.now()
    auction = auctions.create_auction(
        actor=agency,
        organiser=personas.org_agency,
        values={
            "title": "专利竞价会",
            "description": "",
            "starts_at": now - dt.timedelta(hours=1),
            "ends_at": now + dt.timedelta(hours=2),
            "deposit": "10000",
        },
    )
    auctions.add_lot(
        auction,
        actor=agency,
        holder=personas.org_a,
        patent_numbers=numbers(patent(personas.org_a)),
        values={
            "title": "标的",
            "starting_price": "1000",
            "increment": "100",
            "reserve_price": "2000",
            "close_rule": "time",
        },
    )
    return auction


def _auction_form(auction: Auction) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "title": "专利竞价会（修改）",
        "description": "",
        "starts_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "deposit": "10000",
    }


@walk_for(Auction)
def auction_walk(personas: Personas, tmp_path: Path) -> Walk[Auction]:
    agency = web(personas.agency)

    def states() -> Generator[tuple[str, Auction], None, None]:
        auction = _draft_auction(personas)
        yield "草稿", auction
        with rolled_back():
            auctions.cancel_auction(auction, actor=agency, reason=REASON)
            yield "已取消", auction
        auctions.publish_auction(auction, actor=agency)
        yield "已发布", auction
        Auction.objects.filter(pk=auction.pk).update(ends_at=timezone.now() - dt.timedelta(minutes=1))
        yield "已发布（已到结束时间）", auction
        auctions.close_auction(auction, actor=agency)
        yield "已结束", auction

    def tries(auction: Auction, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"market:auction_{action}", args=[auction.pk])

        form = _auction_form(auction)
        values = {
            **form,
            "starts_at": timezone.now() - dt.timedelta(hours=1),
            "ends_at": timezone.now() + dt.timedelta(hours=3),
        }
        return [
            Try(
                "edit",
                lambda a: auctions.update_auction(a, actor=actor, values=values),
                lambda c: c.post(reverse("market:auction_edit", args=[auction.pk]), form),
            ),
            take("publish", auctions.publish_auction, url("publish"), actor=actor),
            take(
                "cancel",
                auctions.cancel_auction,
                url("cancel"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
            take("close", auctions.close_auction, url("close"), actor=actor),
        ]

    return Walk(
        AUCTION_WORKFLOW,
        states(),
        tries,
        data_actions(lambda auction: reverse("market:auction", args=[auction.pk])),
        AUCTION_EXPECTED,
        cli=CLI,
    )


def _bidder_row_actions(bidder: AuctionBidder, client: Any) -> set[str]:
    """The actions the auction page offers in this bidder's row."""
    response = client.get(reverse("market:auction", args=[bidder.auction_id]))
    if response.status_code != 200:
        return set()
    page = response.content.decode()
    start = page.find(f'data-bidder="{bidder.pk}"')
    if start < 0:
        return set()
    return set(SHOWN.findall(page[start : page.find("</tr>", start)]))


@walk_for(AuctionBidder)
def bidder_walk(personas: Personas, tmp_path: Path) -> Walk[AuctionBidder]:
    agency = web(personas.agency)

    def states() -> Generator[tuple[str, AuctionBidder], None, None]:
        auction = _draft_auction(personas)
        auctions.publish_auction(auction, actor=agency)
        bidder = auctions.register_bidder(
            auction, actor=web(personas.enterprise_b), organisation=personas.org_b
        )
        yield "已报名", bidder
        with rolled_back():
            auctions.approve_bidder(bidder, actor=agency, amount="10000")
            yield "已确认保证金", bidder
        auctions.reject_bidder(bidder, actor=agency, reason=REASON)
        yield "未通过", bidder

    def tries(bidder: AuctionBidder, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"market:bidder_{action}", args=[bidder.pk])

        return [
            take(
                "approve",
                auctions.approve_bidder,
                url("approve"),
                {"amount": "10000"},
                actor=actor,
                amount="10000",
            ),
            take(
                "reject",
                auctions.reject_bidder,
                url("reject"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
        ]

    return Walk(BIDDER_WORKFLOW, states(), tries, _bidder_row_actions, BIDDER_EXPECTED, cli=CLI)


# ------------------------------------------------------------------------------ 专利留烟重点项目

RETENTION_VALUES = {
    "name": "固态电池关键材料专利项目",
    "origin": "上海某大学",
    "overseas": False,
    "industry": "clean_energy",
    "description": "",
    "patent_numbers": "",
    "contact_person": "",
    "contact_phone": "",
}
RETENTION_EXPECTED: dict[str, dict[str, set[str]]] = {
    "引进洽谈": {"admin": {"edit", "follow_up", "relocate", "drop"}},
    "已落户": {"admin": {"edit", "follow_up", "cultivate", "drop"}},
    "跟踪培育": {"admin": {"edit", "follow_up", "complete", "drop"}},
    "已结项": {},
    "已终止": {},
}


@walk_for(RetentionProject)
def retention_walk(personas: Personas, tmp_path: Path) -> Walk[RetentionProject]:
    office = web(personas.admin)
    today = timezone.localdate()

    def states() -> Generator[tuple[str, RetentionProject], None, None]:
        project = retention.create_project(actor=office, values=RETENTION_VALUES)
        yield "引进洽谈", project
        with rolled_back():
            retention.drop_project(project, actor=office, reason=REASON)
            yield "已终止", project
        retention.relocate_project(
            project, actor=office, organisation=personas.org_a.name, relocated_on=today
        )
        yield "已落户", project
        retention.cultivate_project(project, actor=office)
        yield "跟踪培育", project
        retention.complete_project(project, actor=office)
        yield "已结项", project

    def tries(project: RetentionProject, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"market:retention_{action}", args=[project.pk])

        form = {k: v for k, v in RETENTION_VALUES.items() if k != "overseas"}
        follow: dict[str, Any] = {"on": today, "service": "support", "text": "走访企业，了解专利布局需求"}
        return [
            Try(
                "edit",
                lambda p: retention.update_project(p, actor=actor, values=RETENTION_VALUES),
                lambda c: c.post(reverse("market:retention_edit", args=[project.pk]), form),
            ),
            Try(
                "follow_up",
                lambda p: retention.add_follow_up(p, actor=actor, **follow),
                lambda c: c.post(url("follow_up"), {**follow, "on": today.isoformat()}),
            ),
            take(
                "relocate",
                retention.relocate_project,
                url("relocate"),
                {"organisation": personas.org_a.name, "relocated_on": today.isoformat()},
                actor=actor,
                organisation=personas.org_a.name,
                relocated_on=today,
            ),
            take("cultivate", retention.cultivate_project, url("cultivate"), actor=actor),
            take("complete", retention.complete_project, url("complete"), actor=actor),
            take("drop", retention.drop_project, url("drop"), {"reason": REASON}, actor=actor, reason=REASON),
        ]

    return Walk(
        RETENTION_WORKFLOW,
        states(),
        tries,
        data_actions(lambda project: reverse("market:retention", args=[project.pk])),
        RETENTION_EXPECTED,
        cli=CLI,
    )
