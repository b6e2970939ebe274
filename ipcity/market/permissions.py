"""Who may do what in the technology market (docs/market.md, docs/permissions.md), in one place.

An organisation acts in the market through its own accounts (企业/高校 or 服务机构 bound to it) and
through the service agencies it has authorised (`AgencyMandate`, 委托代理): an agency's account acts
for its own organisation and for every organisation whose mandate to it is in force. The city office
moderates (屏蔽 and 恢复) and may confirm a signed deal on both parties' behalf. Which action a user
may take in which status is decided by market/workflows.py, whose who-predicates are these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin

if TYPE_CHECKING:
    from ipcity.market.models import Deal, Need, Offer


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def member_organisation_id(user: Any) -> int | None:
    """The organisation an applicant's or an agency's account is bound to."""
    if not (has_role(user, Role.APPLICANT) or has_role(user, Role.AGENCY)):
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation_id if membership is not None else None


def represented_organisation_ids(user: Any) -> set[int]:
    """The organisations the user acts for in the market: its own, and for an agency's account
    those whose mandate to its agency is in force. Read once per request (cached on the user)."""
    own = member_organisation_id(user)
    if own is None:
        return set()
    cached = getattr(user, "_market_represented", None)
    if cached is not None and cached[0] == own:
        return set(cached[1])
    ids = {own}
    if has_role(user, Role.AGENCY):
        from ipcity.market.models import AgencyMandate

        ids |= set(
            AgencyMandate.objects.in_force().filter(agency_id=own).values_list("organisation_id", flat=True)
        )
    user._market_represented = (own, frozenset(ids))
    return ids


def forget_represented(user: Any) -> None:
    """After a mandate changes (the cached set is per request)."""
    if user is not None and hasattr(user, "_market_represented"):
        del user._market_represented


def acts_in_market_for(user: Any, organisation_id: int | None) -> bool:
    return organisation_id is not None and organisation_id in represented_organisation_ids(user)


def can_take_part(user: Any) -> bool:
    """List offers and needs, express interest: an account bound to an organisation."""
    return member_organisation_id(user) is not None


def can_moderate(user: Any, obj: Any = None) -> bool:
    """屏蔽 and 恢复 of listings: the city office."""
    return is_city_admin(user)


def can_see_contacts(user: Any) -> bool:
    """A listing's contact person and phone: signed-in users only (not the public)."""
    return signed_in(user)


def can_manage_mandates(user: Any, organisation_id: int) -> bool:
    """Authorise or revoke an agency for an organisation: the organisation's own accounts (an agency
    cannot authorise itself for others) and the city office (a mandate given on paper)."""
    if is_city_admin(user):
        return True
    return member_organisation_id(user) == organisation_id


def owns_offer(user: Any, offer: Offer) -> bool:
    return acts_in_market_for(user, offer.holder_id)


def owns_need(user: Any, need: Need) -> bool:
    return acts_in_market_for(user, need.organisation_id)


def deal_side(user: Any, deal: Deal) -> str | None:
    """ "licensor" or "licensee" when the user acts for that party; None otherwise (an agency acting
    for both sides is the licensor's first)."""
    if acts_in_market_for(user, deal.licensor_id):
        return "licensor"
    if acts_in_market_for(user, deal.licensee_id):
        return "licensee"
    return None


def is_deal_party(user: Any, deal: Deal) -> bool:
    return deal_side(user, deal) is not None


def is_licensor(user: Any, deal: Deal) -> bool:
    return deal_side(user, deal) == "licensor"


# ------------------------------------------------------------------------------ auctions


def can_organise_auctions(user: Any) -> bool:
    """A service agency's account runs auctions (专利竞价) for its agency."""
    return has_role(user, Role.AGENCY) and member_organisation_id(user) is not None


def organises(user: Any, auction: Any) -> bool:
    """The organising agency's own accounts."""
    return can_organise_auctions(user) and member_organisation_id(user) == auction.organiser_id


def organises_or_city(user: Any, auction: Any) -> bool:
    return is_city_admin(user) or organises(user, auction)


def organises_bidder_auction(user: Any, bidder: Any) -> bool:
    return organises(user, bidder.auction)


def sees_bidder_names(user: Any, auction: Any) -> bool:
    """Who stands behind a 竞买号: the organiser and the city office (others see the numbers)."""
    return organises_or_city(user, auction)
