"""Money and counts in templates (any app's pages):

- `{{ amount|yuan }}` → "1,234.50 元" (the engine's form, used in explanations and ledgers);
- `{{ amount|yuan_exact }}` → "100万元" (a reward amount or ceiling, never rounded: 万元/亿元 only when
  exact, see ipcity.lib.numbers.format_yuan_exact).
Rounded forms for readers (`format_yuan`, `format_count`) are in the `numbers` library.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from ipcity.lib import numbers
from ipcity.policy.engine.money import yuan as _yuan

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def yuan(value: Any) -> str:
    """'1,234.50 元'; '—' for nothing."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value is None or value == "" else str(value)
    return _yuan(amount)


@register.filter
def yuan_exact(value: Any) -> str:
    """'100万元', '123,456.78元'; '—' for nothing."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value is None or value == "" else str(value)
    return numbers.format_yuan_exact(amount)
