"""Budgets per item and year, and the minimal credit records (experts: support.services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.core.workflow import Refused
from ipcity.grants.choices import (
    CreditKind,
)
from ipcity.grants.models import (
    Budget,
    CreditRecord,
    Grant,
)
from ipcity.grants.services.common import ZERO, _item
from ipcity.policy.engine.money import yuan
from ipcity.registry.models import Organisation

# ---------------------------------------------------------------- budgets, credit


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


@transaction.atomic
def add_credit_record(
    organisation: Organisation,
    *,
    actor: Actor,
    source: str,
    start: dt.date,
    end: dt.date | None = None,
    kind: str = CreditKind.SERIOUS,
    note: str = "",
) -> CreditRecord:
    if end is not None and end < start:
        raise Refused("终止日期不能早于起始日期")
    if not source.strip():
        raise Refused("请填写认定机关及文号")
    record = CreditRecord.objects.create(
        organisation=organisation, kind=kind, source=source, start=start, end=end, note=note
    )
    record_event(
        actor,
        "credit_record.create",
        obj=record,
        after=snapshot(record, ["organisation", "kind", "source", "start", "end", "note"]),
    )
    return record


@transaction.atomic
def end_credit_record(record: CreditRecord, *, actor: Actor, end: dt.date) -> CreditRecord:
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if end < record.start:
        raise Refused("终止日期不能早于起始日期")
    before = snapshot(record, ["end"])
    record.end = end
    record.save(update_fields=["end"])
    record_event(actor, "credit_record.end", obj=record, before=before, after=snapshot(record, ["end"]))
    return record
