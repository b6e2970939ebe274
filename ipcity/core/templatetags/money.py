"""Money and counts in templates (any app's pages):

- `{{ amount|yuan }}` → "1,234.50 元" (the engine's form, used in explanations and ledgers);
- `{{ amount|format_yuan }}` → "100万元" (for readers: 万元/亿元 when exact, see ipcity.lib.numbers);
- `{{ n|format_count }}` → "12,345".
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
def format_yuan(value: Any) -> str:
    """'100万元', '123,456.78元'; '—' for nothing."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value is None or value == "" else str(value)
    return numbers.format_yuan(amount)


@register.filter
def format_count(value: Any) -> str:
    """'12,345'; '—' for nothing."""
    if value is None or value == "":
        return "—"
    try:
        return numbers.format_count(int(value))
    except (TypeError, ValueError):
        return str(value)
