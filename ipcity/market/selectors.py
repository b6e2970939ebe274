"""Reads of the technology market for pages, exports and the 工作台: always through the models'
`visible_to(user)` querysets."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from ipcity.accounts.permissions import is_city_admin
from ipcity.lib.text import fold
from ipcity.market.choices import DealStatus, NeedStatus, OfferStatus
from ipcity.market.models import AgencyMandate, Deal, Need, Offer
from ipcity.market.permissions import represented_organisation_ids
from ipcity.registry.models import Patent

_PATENTS = Prefetch(
    "patents", queryset=Patent.objects.only("pk", "application_number", "title", "patent_type")
)


def filter_offers(offers: QuerySet[Offer], data: dict[str, Any]) -> QuerySet[Offer]:
    """Keyword (in the name, description, applications, the holder's name, a patent's title or
    number), field, mode, region, maturity."""
    q = (data.get("q") or "").strip()
    if q:
        number = fold(q).removeprefix("CN").removeprefix("ZL")
        patents = Patent.objects.filter(Q(title__icontains=q) | Q(application_number__startswith=number))
        offers = offers.filter(
            Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(applications__icontains=q)
            | Q(holder__name__icontains=q)
            | Q(pk__in=Offer.patents.through.objects.filter(patent__in=patents).values("offer_id"))
        )
    for key in ("field", "mode", "maturity", "status"):
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
        needs = needs.filter(
            Q(title__icontains=q) | Q(problem__icontains=q) | Q(organisation__name__icontains=q)
        )
    for key in ("field", "status"):
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
