"""The market part of the 一企一档: the organisation's offers and needs and its deals, each by its
own `visible_to(user)` (a deal's amount is for the parties, their districts and the city office).
Registered with the registry's profile page in MarketConfig.ready. The licences a confirmed deal
created show in the registry's own 许可与转让 section."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ipcity.market.models import Deal, Need, Offer
from ipcity.registry.models import Organisation
from ipcity.registry.profile_sections import ProfileSection

ROWS = 20


def organisation_section(org: Organisation, user: Any) -> ProfileSection:
    offers = Offer.objects.visible_to(user).filter(holder=org).order_by("-created_on", "-id")[:ROWS]
    needs = Need.objects.visible_to(user).filter(organisation=org).order_by("-created_on", "-id")[:ROWS]
    deals = (
        Deal.objects.visible_to(user)
        .filter(Q(licensor=org) | Q(licensee=org))
        .select_related("offer", "licensor", "licensee")
        .order_by("-created_on", "-id")[:ROWS]
    )
    return ProfileSection(
        "market/_organisation_profile.html",
        {"offers": list(offers), "needs": list(needs), "deals": list(deals), "org": org},
    )
