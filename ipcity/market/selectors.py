"""Reads of the technology market for pages, exports and the 工作台: always through the models'
`visible_to(user)` querysets."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from ipcity.accounts.permissions import is_city_admin
from ipcity.lib.text import fold
from ipcity.market import matching
from ipcity.market.choices import DealStatus, MatchKind, NeedStatus, OfferStatus
from ipcity.market.models import (
    AgencyMandate,
    Auction,
    AuctionBidder,
    AuctionLot,
    Bid,
    Deal,
    MatchDoc,
    Need,
    Offer,
)
from ipcity.market.permissions import owns_offer, represented_organisation_ids, sees_bidder_names
from ipcity.registry.models import Organisation, Patent

_PATENTS = Prefetch(
    "patents", queryset=Patent.objects.only("pk", "application_number", "title", "patent_type")
)


def filter_offers(offers: QuerySet[Offer], data: dict[str, Any]) -> QuerySet[Offer]:
    """Keyword (in the name, description, applications, the holder's name, a patent's title or
    number), field, mode, region, maturity."""
    q = (data.get("q") or "").strip()
    if q:
        # Words through the full-text index (name, description, applications, the patents' titles and
        # abstracts: market/matching.py); a patent number or the holder's name as typed.
        number = fold(q).removeprefix("CN").removeprefix("ZL")
        by_number = Patent.objects.filter(application_number__startswith=number)
        condition = Q(holder__name__icontains=q) | Q(
            pk__in=Offer.patents.through.objects.filter(patent__in=by_number).values("offer_id")
        )
        found = matching.search_ids(MatchKind.OFFER, q)
        condition |= Q(title__icontains=q) if found is None else Q(pk__in=found)
        offers = offers.filter(condition)
    for key in ("field", "mode", "maturity", "status", "dual_use"):
        if data.get(key):
            offers = offers.filter(**{key: data[key]})
    if data.get("region"):
        offers = offers.filter(region_id=data["region"])
    return offers


def offer_list(user: Any, data: dict[str, Any]) -> QuerySet[Offer]:
    """The public browse: published offers."""
    offers = Offer.objects.visible_to(user).published().select_related("holder", "region")
    return filter_offers(offers, data).prefetch_related(_PATENTS).order_by("-published_on", "-id")


def filter_needs(needs: QuerySet[Need], data: dict[str, Any]) -> QuerySet[Need]:
    q = (data.get("q") or "").strip()
    if q:
        found = matching.search_ids(MatchKind.NEED, q)
        words = Q(title__icontains=q) | Q(problem__icontains=q) if found is None else Q(pk__in=found)
        needs = needs.filter(words | Q(organisation__name__icontains=q))
    for key in ("field", "status", "dual_use"):
        if data.get(key):
            needs = needs.filter(**{key: data[key]})
    if data.get("region"):
        needs = needs.filter(region_id=data["region"])
    return needs


def need_list(user: Any, data: dict[str, Any]) -> QuerySet[Need]:
    needs = (
        Need.objects.visible_to(user)
        .filter(status=NeedStatus.PUBLISHED)
        .select_related("organisation", "region")
    )
    return filter_needs(needs, data).order_by("-published_on", "-id")


def my_offers(user: Any) -> QuerySet[Offer]:
    """Every offer of the organisations the user acts for, in every status."""
    ids = represented_organisation_ids(user)
    return (
        Offer.objects.filter(holder_id__in=ids)
        .select_related("holder", "listed_by")
        .prefetch_related(_PATENTS)
        .order_by("-created_on", "-id")
    )


def my_needs(user: Any) -> QuerySet[Need]:
    ids = represented_organisation_ids(user)
    return (
        Need.objects.filter(organisation_id__in=ids)
        .select_related("organisation")
        .order_by("-created_on", "-id")
    )


def moderated(user: Any) -> tuple[QuerySet[Offer], QuerySet[Need]]:
    """What the city office has hidden (屏蔽), to restore: empty for anyone else."""
    if not is_city_admin(user):
        return Offer.objects.none(), Need.objects.none()
    return (
        Offer.objects.filter(status=OfferStatus.HIDDEN).select_related("holder"),
        Need.objects.filter(status=NeedStatus.HIDDEN).select_related("organisation"),
    )


def deal_list(user: Any, data: dict[str, Any]) -> QuerySet[Deal]:
    deals = Deal.objects.visible_to(user).select_related("offer", "licensor", "licensee", "licence")
    if data.get("status"):
        deals = deals.filter(status=data["status"])
    q = (data.get("q") or "").strip()
    if q:
        deals = deals.filter(
            Q(offer__title__icontains=q) | Q(licensor__name__icontains=q) | Q(licensee__name__icontains=q)
        )
    return deals.order_by("-created_on", "-id")


def mandates_of(user: Any) -> QuerySet[AgencyMandate]:
    """The mandates the user's organisation gave or (an agency) took; the city office all."""
    mandates = AgencyMandate.objects.select_related("organisation", "agency")
    if is_city_admin(user):
        return mandates
    own = getattr(getattr(user, "membership", None), "organisation_id", None)
    if own is None:
        return mandates.none()
    return mandates.filter(Q(organisation_id=own) | Q(agency_id=own))


# --------------------------------------------------------------------------------- the 工作台


def interests_to_answer(user: Any) -> QuerySet[Deal]:
    """Expressions of interest on the offers of the organisations the user acts for, not yet
    answered (接洽 or 终止)."""
    ids = represented_organisation_ids(user)
    if not ids:
        return Deal.objects.none()
    return (
        Deal.objects.filter(status=DealStatus.INTEREST, licensor_id__in=ids)
        .select_related("offer", "licensee", "licensee__region")
        .order_by("created_on", "id")
    )


def _to_confirm(ids: set[int]) -> Q:
    licensor_side = Q(licensor_id__in=ids, licensor_confirmed="") & ~Q(licensee_confirmed="")
    licensee_side = Q(licensee_id__in=ids, licensee_confirmed="") & ~Q(licensor_confirmed="")
    return Q(status=DealStatus.SIGNED) & (licensor_side | licensee_side)


def deals_to_confirm(user: Any) -> QuerySet[Deal]:
    """Signed deals whose terms the other party has confirmed and the user's side has not."""
    ids = represented_organisation_ids(user)
    if not ids:
        return Deal.objects.none()
    return (
        Deal.objects.filter(_to_confirm(ids))
        .select_related("offer", "licensor", "licensee")
        .order_by("contract_date", "id")
    )


def tasks_count(user: Any) -> int:
    """The market's tasks of the user for the navigation badge, in one query: interests to answer
    and deals to confirm."""
    ids = represented_organisation_ids(user)
    if not ids:
        return 0
    interests = Q(status=DealStatus.INTEREST, licensor_id__in=ids)
    return Deal.objects.filter(interests | _to_confirm(ids)).count()


def recent_listings(user: Any, since: Any) -> list[Offer | Need]:
    """For the city office: offers and needs published since `since`, to look over (the office hides
    what breaks the rules)."""
    if not is_city_admin(user):
        return []
    offers = list(
        Offer.objects.filter(status=OfferStatus.PUBLISHED, published_on__gte=since).select_related("holder")
    )
    needs = list(
        Need.objects.filter(status=NeedStatus.PUBLISHED, published_on__gte=since).select_related(
            "organisation"
        )
    )
    listed: list[Offer | Need] = [*offers, *needs]
    return sorted(listed, key=lambda o: (o.published_on, o.pk), reverse=True)


# ------------------------------------------------------------------------------------ matching


def _ranked(
    user: Any, queryset: QuerySet[Any], found: list[matching.Match]
) -> list[tuple[Any, matching.Match]]:
    """The matched objects the user may see, in the order of the matches."""
    objects = queryset.in_bulk([m.object_id for m in found])
    return [(objects[m.object_id], m) for m in found if m.object_id in objects]


def may_see_candidates(user: Any, offer: Offer) -> bool:
    """Candidate enterprises from the registry are for the offer's side and the city office."""
    return is_city_admin(user) or owns_offer(user, offer)


def offer_matches(user: Any, offer: Offer, *, limit: int = 20) -> dict[str, Any]:
    """For an offer: the published needs that match it, and (to its side) enterprises of the
    registry whose own patents share its words or IPC codes."""
    document = matching.offer_document(offer)
    query = matching.query_of(document)
    needs = matching.rank(MatchKind.NEED, query, limit=limit)
    result: dict[str, Any] = {
        "needs": _ranked(
            user,
            Need.objects.visible_to(user)
            .filter(status=NeedStatus.PUBLISHED)
            .select_related("organisation", "region"),
            needs,
        ),
        "enterprises": None,
    }
    if may_see_candidates(user, offer):
        query.exclude = (MatchKind.ORGANISATION, offer.holder_id)
        enterprises = matching.rank(MatchKind.ORGANISATION, query, limit=limit)
        result["enterprises"] = _ranked(user, Organisation.objects.select_related("region"), enterprises)
    return result


def need_matches(user: Any, need: Need, *, limit: int = 20) -> list[tuple[Offer, matching.Match]]:
    found = matching.rank(MatchKind.OFFER, matching.query_of(matching.need_document(need)), limit=limit)
    offers = Offer.objects.visible_to(user).published().select_related("holder", "region")
    return _ranked(user, offers, found)


def index_state_rows() -> list[dict[str, Any]]:
    """Per kind: the documents in the matching index and when the last was written (the office's page)."""
    rows = {
        row["kind"]: row
        for row in MatchDoc.objects.values("kind").annotate(n=Count("id"), last=Max("indexed_at"))
    }
    return [
        {"label": label, "count": rows.get(kind, {}).get("n", 0), "last": rows.get(kind, {}).get("last")}
        for kind, label in MatchKind.choices
    ]


# ------------------------------------------------------------------------------------ auctions


@dataclass
class LotView:
    lot: AuctionLot
    top: Decimal | None
    bids: list[Bid]
    next_minimum: Decimal
    reserve: Decimal | None  # None: hidden from this user
    winner: str  # the winning bidder as this user may see it, or ""


def _bidder_label(bidder: AuctionBidder, names: bool, own: set[int]) -> str:
    if names or bidder.organisation_id in own:
        return f"{bidder.paddle_label}（{bidder.organisation.name}）"
    return bidder.paddle_label


def auction_view(user: Any, auction: Auction) -> dict[str, Any]:
    """The auction page's data: lots with their bids (bidders by 竞买号, names only to the organiser,
    the city office and each bidder for itself), the reserve to those who may see it, the bidders
    to the organiser, and the bidders the user acts for."""
    from ipcity.market.auctions import may_see_reserve, minimum_bid

    own = represented_organisation_ids(user)
    names = sees_bidder_names(user, auction)
    from ipcity.market.workflows import BIDDER_WORKFLOW

    bidders = list(auction.bidders.select_related("organisation", "auction").order_by("paddle"))
    by_id = {b.pk: b for b in bidders}
    if names:
        for bidder in bidders:
            bidder.actions = BIDDER_WORKFLOW.allowed_actions(bidder, user)  # type: ignore[attr-defined]
    lots = []
    for lot in auction.lots.select_related("winning_bid").prefetch_related("patents").order_by("position"):
        bids = list(lot.bids.order_by("-round")[:20])
        for bid in bids:
            bid.label = _bidder_label(by_id[bid.bidder_id], names, own)  # type: ignore[attr-defined]
        winner = ""
        if lot.winning_bid is not None:
            winner = _bidder_label(by_id[lot.winning_bid.bidder_id], names, own)
        lots.append(
            LotView(
                lot,
                bids[0].amount if bids else None,
                bids,
                minimum_bid(lot),
                lot.reserve_price if may_see_reserve(user, lot) else None,
                winner,
            )
        )
    return {
        "lots": lots,
        "bidders": bidders if names else [],
        "my_bidders": [
            b.organisation for b in bidders if b.organisation_id in own and b.status == "approved"
        ],
        "my_registrations": [b for b in bidders if b.organisation_id in own],
        "names": names,
    }


def deal_statistics(user: Any) -> list[dict[str, Any]]:
    """Confirmed deals by contract year, the licensor's district and the contract kind: count and
    amount (the marketplace's part of 专利转化; the indicators count all registry licences), and how
    many of them are 军民双向转化 (the offer's direction)."""
    from django.db.models import Sum
    from django.db.models.functions import ExtractYear

    from ipcity.registry.choices import LicenceKind

    labels = dict(LicenceKind.choices)
    rows = (
        Deal.objects.visible_to(user)
        .filter(status=DealStatus.CONFIRMED)
        .annotate(year=ExtractYear("contract_date"))
        .order_by()
        .values("year", "licensor__region__name", "kind")
        .annotate(
            count=Count("id"), amount=Sum("amount"), dual_use=Count("id", filter=~Q(offer__dual_use=""))
        )
        .order_by("-year", "licensor__region__name", "kind")
    )
    return [
        {
            "year": row["year"],
            "region": row["licensor__region__name"] or "未归属区市",
            "kind": str(labels.get(row["kind"], row["kind"])),
            "count": row["count"],
            "amount": row["amount"] or Decimal("0"),
            "dual_use": row["dual_use"],
        }
        for row in rows
    ]


@dataclass(frozen=True)
class DealTally:
    count: int
    amount: Decimal


def confirmed_deals_of(organisation_id: int, year: int) -> DealTally:
    """Confirmed deals of one year (contract date) in which the organisation took part: as licensor,
    licensee, or the service agency that listed the offer (other apps' reads, e.g. the operation
    centres' 绩效考评 in support)."""
    from django.db.models import Sum

    row = (
        Deal.objects.filter(status=DealStatus.CONFIRMED, contract_date__year=year)
        .filter(
            Q(licensor_id=organisation_id)
            | Q(licensee_id=organisation_id)
            | Q(offer__listed_by_id=organisation_id)
        )
        .aggregate(count=Count("id", distinct=True), amount=Sum("amount"))
    )
    return DealTally(row["count"] or 0, row["amount"] or Decimal("0"))
