"""Helpers shared by the grants views."""

from __future__ import annotations

from typing import Any

from ipcity.core.workflow import workflow_for
from ipcity.policy.engine import Item, PolicyError
from ipcity.policy.engine.explain import show_fact

PAGE_SIZE = 50


def fact_rows(item: Item, facts: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value as shown) for each fact the applicant gave, in the item's order."""
    rows = []
    for spec in item.facts.values():
        if spec.name not in facts:
            continue
        try:
            value = spec.coerce(item.code, facts[spec.name])
        except PolicyError:
            value = facts[spec.name]
        rows.append((spec.label, show_fact(item, spec.name, value)))
    return rows


def pay_refusal(obj: Any, user: Any, grant: Any, payment: Any) -> str | None:
    """Why the city office cannot record the payment of an approved grant now (no payee account on
    file): shown where the payment form would be."""
    workflow = workflow_for(obj)
    if grant is None or payment is not None or workflow.status(obj) not in workflow.action("pay").sources:
        return None
    if not workflow.holds_role(user, obj, "pay"):
        return None
    return workflow.refusal(obj, user, "pay")
