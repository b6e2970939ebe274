"""The grants part of the 一企一档: applications, 免申即享 entitlements, grants committed and paid,
and the credit records checked before payment. Registered with the registry's profile page in
GrantsConfig.ready (the registry cannot import grants). Every list goes through its model's
`visible_to(user)`: a district bureau sees an application only from its submission on, exactly as
on the grants pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from ipcity.grants import clock
from ipcity.grants.models import Application, Entitlement, Grant
from ipcity.grants.selectors import item_name
from ipcity.lib.numbers import format_yuan_exact
from ipcity.protection import selectors as credit_selectors
from ipcity.protection.choices import CreditKind
from ipcity.registry.models import Organisation
from ipcity.registry.profile_sections import ProfileSection

TEMPLATE = "grants/_organisation_profile.html"
ROWS = 50  # the most recent of each list; the grants pages have the rest


@dataclass(frozen=True)
class Row:
    obj: Any
    item: str
    amount: str


def _amount(obj: Application | Entitlement) -> str:
    """The amount as far as it is known: approved, decided, computed (a maximum says so) or a ceiling."""
    grant = getattr(obj, "grant", None)
    if grant is not None:
        return format_yuan_exact(grant.amount)
    if obj.decided_amount is not None:
        return format_yuan_exact(obj.decided_amount)
    if obj.amount is not None:
        maximum = bool(obj.decision and obj.decision.get("amount_is_maximum"))
        return f"最高 {format_yuan_exact(obj.amount)}" if maximum else format_yuan_exact(obj.amount)
    if obj.ceiling is not None and obj.eligible:
        return f"待审定，最高 {format_yuan_exact(obj.ceiling)}"
    return "—"


def organisation_section(org: Organisation, user: Any) -> ProfileSection:
    today = clock.today()
    applications = (
        Application.objects.visible_to(user)
        .filter(organisation=org)
        .select_related("grant")
        .order_by("-created_at", "-id")[:ROWS]
    )
    entitlements = (
        Entitlement.objects.visible_to(user)
        .filter(organisation=org)
        .select_related("grant")
        .order_by("-detected_at", "-id")[:ROWS]
    )
    grants_qs = Grant.objects.visible_to(user).filter(organisation=org)
    grants = list(
        grants_qs.select_related("payment", "application", "entitlement").order_by("-committed_on", "-id")[
            :ROWS
        ]
    )
    totals = grants_qs.aggregate(n=Count("id"), committed=Sum("amount"), paid=Sum("payment__amount"))
    credit = credit_selectors.credit_records_of(user, org)
    blocking = [r for r in credit if r.kind == CreditKind.SERIOUS and r.is_active(today)]
    return ProfileSection(
        TEMPLATE,
        {
            "applications": [Row(a, item_name(a.item_code), _amount(a)) for a in applications],
            "entitlements": [Row(e, item_name(e.item_code), _amount(e)) for e in entitlements],
            "grants": [(g, item_name(g.item_code)) for g in grants],
            "grants_total": totals["n"],
            "committed_total": totals["committed"] or Decimal("0"),
            "paid_total": totals["paid"] or Decimal("0"),
            "credit": [(r, r.is_active(today)) for r in credit],
            "blocking": blocking,
            "today": today,
            "rows": ROWS,
        },
    )
