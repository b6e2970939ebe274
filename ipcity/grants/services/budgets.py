"""Budgets per item and year (credit records: protection.services; experts: support.services)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from ipcity.core.audit import Actor, upsert
from ipcity.core.workflow import Refused
from ipcity.grants.models import (
    Budget,
    Grant,
)
from ipcity.grants.services.common import ZERO, _item
from ipcity.policy.engine.money import yuan

# ---------------------------------------------------------------- budgets


@transaction.atomic
def set_budget(item_code: str, year: int, amount: Decimal, *, actor: Actor, note: str = "") -> Budget:
    """Create or change a budget; never below what is already committed in that year."""
    item = _item(item_code)
    if amount < 0:
        raise Refused("预算不能为负数")
    if amount != amount.quantize(Decimal("0.01")):
        raise Refused("预算金额最多到分（两位小数）")
    existing = Budget.objects.select_for_update().filter(item_code=item.code, year=year).first()
    committed = (
        Grant.objects.filter(item_code=item.code, budget_year=year).aggregate(t=Sum("amount"))["t"] or ZERO
    )
    if amount < committed:
        raise Refused(
            f"{item.name} {year} 年度已核定 {yuan(committed)}，预算不能低于已核定金额（拟设 {yuan(amount)}）"
        )
    budget, _status = upsert(
        Budget,
        key={"item_code": item.code, "year": year},
        values={"amount": amount, "note": note if note or existing is None else existing.note},
        actor=actor,
        action_prefix="grant_budget",
    )
    return budget
