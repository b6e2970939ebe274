"""专利竞价 (market/auctions.py): an agency's auction with consigned lots, registered bidders with a
recorded deposit, bids in rounds, the hidden reserve, the two close rules, and — on PostgreSQL —
concurrent bids that never make two winners."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.market import auctions, services
from ipcity.market.models import Auction, AuctionLot, Bid
from ipcity.market.tests.helpers import CLI, numbers, patent, web
from ipcity.registry.models import Organisation
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

Y = Decimal


def _auction(personas: Personas, *, lots: list[tuple[str, str, str]], publish: bool = True) -> Auction:
    """测试代理所 runs an auction of 测试甲公司's patents (mandated); lots: (start, reserve, rule)."""
    services.authorise_agency(personas.org_a, personas.org_agency, actor=CLI)
    agency = web(personas.agency)
    now = timezone.now()
    auction = auctions.create_auction(
        actor=agency,
        organiser=personas.org_agency,
        values={
            "title": "2026 年高校专利竞价会",
            "description": "",
            "starts_at": now - dt.timedelta(hours=1),
            "ends_at": now + dt.timedelta(hours=2),
            "deposit": "10000",
        },
    )
    for i, (start, reserve, rule) in enumerate(lots):
        auctions.add_lot(
            auction,
            actor=agency,
            holder=personas.org_a,
            patent_numbers=numbers(patent(personas.org_a)),
            values={
                "title": f"标的{i + 1}",
                "starting_price": start,
                "increment": "10000",
                "reserve_price": reserve,
                "close_rule": rule,
            },
        )
    if publish:
        auctions.publish_auction(auction, actor=agency)
    auction.refresh_from_db()
    return auction


def _bidder(personas: Personas, auction: Auction, org: Organisation | None = None, user=None) -> None:
    org, user = org or personas.org_b, user or personas.enterprise_b
    bidder = auctions.register_bidder(auction, actor=web(user), organisation=org)
    auctions.approve_bidder(bidder, actor=web(personas.agency), amount="10000")


def _lot(auction: Auction, position: int) -> AuctionLot:
    return auction.lots.get(position=position)


def _bid(personas: Personas, lot: AuctionLot, amount: str) -> Bid:
    return auctions.place_bid(
        lot, actor=web(personas.enterprise_b), organisation=personas.org_b, amount=amount
    )


def _end(auction: Auction) -> None:
    """Time passes: the auction's end is now behind us."""
    Auction.objects.filter(pk=auction.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(minutes=1)
    )
    auction.refresh_from_db()


def test_bids_in_rounds_a_close_below_reserve_is_unsold_and_above_is_sold(personas: Personas) -> None:
    auction = _auction(personas, lots=[("100000", "200000", "time"), ("100000", "500000", "time")])
    _bidder(personas, auction)
    first, second = _lot(auction, 1), _lot(auction, 2)
    assert _bid(personas, first, "100000").round == 1
    with pytest.raises(ValidationError, match="不低于 110000"):
        _bid(personas, first, "105000")
    assert _bid(personas, first, "210000").round == 2
    _bid(personas, second, "150000")
    with pytest.raises(Refused, match="尚未到结束时间"):
        auctions.close_auction(auction, actor=web(personas.agency))
    _end(auction)
    with pytest.raises(Refused, match="不在出价时间内"):
        _bid(personas, second, "600000")
    assert auctions.close_auction(auction, actor=web(personas.agency)) == {"sold": 1, "unsold": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (
        first.status == "sold" and first.winning_bid is not None and first.winning_bid.amount == Y("210000")
    )
    assert second.status == "unsold" and second.winning_bid is None  # 150,000 < reserve 500,000
    auction.refresh_from_db()
    assert auction.status == "closed"
    # Every bid audited, with its amount and round; the results too.
    bids = AuditEvent.objects.filter(action="market_bid.create").order_by("id")
    assert [(e.after or {})["amount"] for e in bids] == ["100000.00", "210000.00", "150000.00"]
    assert AuditEvent.objects.filter(action="market_lot.sold", object_id=str(first.pk)).exists()
    assert AuditEvent.objects.filter(action="market_lot.unsold", object_id=str(second.pk)).exists()


def test_reaching_the_reserve_sells_at_once_under_the_reserve_rule(personas: Personas) -> None:
    auction = _auction(personas, lots=[("100000", "300000", "reserve")])
    _bidder(personas, auction)
    lot = _lot(auction, 1)
    _bid(personas, lot, "290000")
    lot.refresh_from_db()
    assert lot.status == "open"
    bid = _bid(personas, lot, "300000")
    lot.refresh_from_db()
    assert lot.status == "sold" and lot.winning_bid == bid
    with pytest.raises(Refused, match="已成交"):
        _bid(personas, lot, "400000")
    # Every lot has ended: the organiser may publish the result before the end time.
    assert auctions.close_auction(auction, actor=web(personas.agency)) == {"sold": 1, "unsold": 0}


def test_who_may_bid(personas: Personas) -> None:
    auction = _auction(personas, lots=[("100000", "200000", "time")])
    lot = _lot(auction, 1)
    bidder = auctions.register_bidder(auction, actor=web(personas.enterprise_b), organisation=personas.org_b)
    assert bidder.paddle == 1
    with pytest.raises(Refused, match="保证金尚未确认"):
        _bid(personas, lot, "100000")
    with pytest.raises(ValidationError, match="少于竞价会要求"):
        auctions.approve_bidder(bidder, actor=web(personas.agency), amount="5000")
    with pytest.raises(Refused):  # only the organiser confirms deposits
        auctions.approve_bidder(bidder, actor=web(personas.enterprise_b), amount="10000")
    auctions.approve_bidder(bidder, actor=web(personas.agency), amount="10000")
    with pytest.raises(Refused, match="无权以 测试乙公司"):
        auctions.place_bid(
            lot, actor=web(personas.enterprise_a), organisation=personas.org_b, amount="100000"
        )
    # The holder registers, but may not bid on its own lot.
    own = auctions.register_bidder(auction, actor=web(personas.enterprise_a), organisation=personas.org_a)
    auctions.approve_bidder(own, actor=web(personas.agency), amount="10000")
    with pytest.raises(Refused, match="委托人不能对自己的标的出价"):
        auctions.place_bid(
            lot, actor=web(personas.enterprise_a), organisation=personas.org_a, amount="100000"
        )
    with pytest.raises(Refused, match="已报名"):
        auctions.register_bidder(auction, actor=web(personas.enterprise_b), organisation=personas.org_b)


def test_lots_are_checked_in_the_registry_and_need_a_mandate(personas: Personas) -> None:
    auction = _auction(personas, lots=[], publish=False)
    values = {
        "title": "标的",
        "starting_price": "1000",
        "increment": "100",
        "reserve_price": "2000",
        "close_rule": "time",
    }
    lapsed = patent(personas.org_a, status="lapsed")
    with pytest.raises(ValidationError, match=lapsed.application_number):
        auctions.add_lot(
            auction,
            actor=web(personas.agency),
            holder=personas.org_a,
            patent_numbers=numbers(lapsed),
            values=values,
        )
    with pytest.raises(Refused, match="尚未委托本机构"):
        auctions.add_lot(
            auction,
            actor=web(personas.agency),
            holder=personas.org_b,
            patent_numbers=numbers(patent(personas.org_b)),
            values=values,
        )
    with pytest.raises(ValidationError, match="保留价不能低于起拍价"):
        auctions.add_lot(
            auction,
            actor=web(personas.agency),
            holder=personas.org_a,
            patent_numbers=numbers(patent(personas.org_a)),
            values={**values, "reserve_price": "500"},
        )
    with pytest.raises(Refused, match="还没有标的"):
        auctions.publish_auction(auction, actor=web(personas.agency))


def test_the_reserve_is_hidden_from_bidders_and_the_public(personas: Personas) -> None:
    auction = _auction(personas, lots=[("100000", "234567", "time")])
    _bidder(personas, auction)
    _bid(personas, _lot(auction, 1), "120000")
    url = f"/market/auctions/{auction.pk}/"
    for user in (None, personas.enterprise_b):
        page = personas.client(user).get(url).content.decode()
        assert "23.4567万元" not in page and "234,567" not in page and "保留价 " not in page
        assert "12万元" in page
    # Bidders appear by number; a bidder sees its own name, the public does not.
    assert "测试乙公司" not in personas.client(None).get(url).content.decode()
    assert "001 号（测试乙公司）" in personas.client(personas.enterprise_b).get(url).content.decode()
    for user in (personas.agency, personas.enterprise_a, personas.admin):
        page = personas.client(user).get(url).content.decode()
        assert "保留价 234,567元" in page, user
    workbook = personas.client(None).get(url, {"format": "xlsx"})
    assert workbook.status_code == 200


def test_the_pages_take_a_bidder_from_registration_to_a_bid(personas: Personas) -> None:
    auction = _auction(personas, lots=[("100000", "200000", "reserve")])
    bidder_client = personas.client(personas.enterprise_b)
    response = bidder_client.post(
        f"/market/auctions/{auction.pk}/register/", {"organisation": personas.org_b.pk}
    )
    assert response.status_code == 302
    bidder = auction.bidders.get()
    agency = personas.client(personas.agency)
    page = agency.get(f"/market/auctions/{auction.pk}/").content.decode()
    assert f'data-bidder="{bidder.pk}"' in page and 'data-action="approve"' in page
    assert agency.post(f"/market/bidders/{bidder.pk}/approve/", {"amount": "10000"}).status_code == 302
    lot = _lot(auction, 1)
    bidder_client.post(f"/market/lots/{lot.pk}/bid/", {"organisation": personas.org_b.pk, "amount": "200000"})
    lot.refresh_from_db()
    assert lot.status == "sold"
    page = bidder_client.get(f"/market/auctions/{auction.pk}/").content.decode()
    assert "成交：001 号（测试乙公司），成交价 20万元" in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_bids_never_make_two_winners(personas: Personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are what this checks: PostgreSQL only")
    auction = _auction(personas, lots=[("100000", "300000", "reserve"), ("100000", "900000", "time")])
    orgs = [personas.org_b]
    for i in range(7):
        org = Organisation.objects.create(name=f"竞买测试公司{i}", kind="enterprise")
        orgs.append(org)
    for org in orgs:
        bidder = auctions.register_bidder(auction, actor=CLI, organisation=org)
        auctions.approve_bidder(bidder, actor=CLI, amount="10000")
    reserve_lot, time_lot = _lot(auction, 1), _lot(auction, 2)
    barrier = threading.Barrier(len(orgs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def bid(org: Organisation, lot: AuctionLot, amount: str) -> None:
        try:
            barrier.wait()
            auctions.place_bid(lot, actor=Actor.cli(org.name), organisation=org, amount=amount)
            result = "ok"
        except (Refused, ValidationError) as exc:
            result = type(exc).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    # Everyone bids the reserve of the reserve-rule lot at the same moment: one sale, the rest refused.
    threads = [threading.Thread(target=bid, args=(org, reserve_lot, "300000")) for org in orgs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reserve_lot.refresh_from_db()
    assert outcomes.count("ok") == 1 and reserve_lot.status == "sold"
    assert reserve_lot.bids.count() == 1 and reserve_lot.winning_bid is not None
    assert AuditEvent.objects.filter(action="market_lot.sold", object_id=str(reserve_lot.pk)).count() == 1
    # The same amount on a time-rule lot: only the first is taken (the others are below the next minimum).
    outcomes.clear()
    barrier.reset()
    threads = [threading.Thread(target=bid, args=(org, time_lot, "100000")) for org in orgs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert list(time_lot.bids.values_list("round", flat=True)) == [1]


def test_the_scheduled_close_ends_auctions_past_their_end_only(personas: Personas) -> None:
    auction = _auction(personas, lots=[("100000", "200000", "time")])
    out = StringIO()
    call_command("market", "close-auctions", stdout=out)
    assert out.getvalue() == ""
    _end(auction)
    call_command("market", "close-auctions", "--dry-run", stdout=out)
    assert f"将结束：{auction.number}" in out.getvalue()
    auction.refresh_from_db()
    assert auction.status == "published"
    out = StringIO()
    call_command("market", "close-auctions", stdout=out)
    auction.refresh_from_db()
    assert auction.status == "closed" and "成交 0 个标的" in out.getvalue()
    assert _lot(auction, 1).status == "unsold"
