"""Asking the rules engine about one application or entitlement, with what the database says has
already been granted (`Granted`) and the facts the platform supplies itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from ipcity.grants.models import Grant
from ipcity.grants.records import SUPPORT_FACTS, platform_facts
from ipcity.policy.engine import Decision, Granted, Item, default_catalog, evaluate
from ipcity.registry.models import Organisation
from ipcity.support import selectors as support_selectors

ZERO = Decimal("0")
SUPPORT_FACTS_SET = frozenset(SUPPORT_FACTS)


def item_or_none(code: str) -> Item | None:
    return default_catalog().items.get(code)


def granted_for(item: Item, organisation: Organisation, on: dt.date, right_key: str | None) -> Granted:
    """What has been committed under `item`: this beneficiary's total in the calendar year of `on`
    (annual cap), the item's count in its quota window, this beneficiary's count (once-only items),
    and whether `right_key` was already rewarded."""
    grants = Grant.objects.filter(item_code=item.code)
    year_total = grants.filter(organisation=organisation, decisive_date__year=on.year).aggregate(
        total=Sum("amount")
    )["total"]
    start, end = item.quota_window(on, default_catalog().plan_period)
    item_count = grants.filter(decisive_date__range=(start, end)).count() if item.limits.quota else 0
    beneficiary_count = (
        grants.filter(organisation=organisation).count() if item.limits.once_per_beneficiary else 0
    )
    rights: frozenset[str] = frozenset()
    if right_key and grants.filter(right_key=right_key).exists():
        rights = frozenset({right_key})
    return Granted(
        beneficiary_year_total=year_total or ZERO,
        item_count=item_count,
        beneficiary_count=beneficiary_count,
        rights=rights,
    )


def full_facts(
    item: Item,
    organisation: Organisation,
    facts: dict[str, Any],
    *,
    today: dt.date,
    right_key: str | None,
    decided_amount: Decimal | None,
) -> dict[str, Any]:
    out = {k: v for k, v in facts.items() if k in item.facts}
    out.update(platform_facts(organisation, today))
    if SUPPORT_FACTS_SET & set(item.facts):
        known = support_selectors.reward_facts(organisation, today).get(item.code, {})
        out.update({k: v for k, v in known.items() if k in SUPPORT_FACTS_SET and k in item.facts})
    if right_key:
        out["right_id"] = right_key
    if decided_amount is not None:
        out["decided_amount"] = decided_amount
    return out


def decide(
    item: Item,
    organisation: Organisation,
    on: dt.date,
    facts: dict[str, Any],
    *,
    today: dt.date,
    right_key: str | None = None,
    decided_amount: Decimal | None = None,
) -> Decision:
    """The engine's decision now. Raises PolicyError when the facts cannot be decided (missing,
    of the wrong type, no rule or two rules apply)."""
    return evaluate(
        item,
        full_facts(
            item, organisation, facts, today=today, right_key=right_key, decided_amount=decided_amount
        ),
        on=on,
        granted=granted_for(item, organisation, on, right_key),
    )


def needs_decided_amount(decision: Decision) -> bool:
    """Eligible, but the amount is not a formula's (择优 review or an amount the office sets) and
    no one has decided it yet."""
    return decision.eligible and decision.amount is None


def used_decided_amount(decision: Decision) -> bool:
    return decision.facts.get("decided_amount") is not None
