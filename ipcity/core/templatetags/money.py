"""Money in templates: `{{ amount|yuan }}` → "1,234.50 元" (any app's pages)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from ipcity.policy.engine.money import yuan as _yuan

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """'1,234.50 元'; '—' for nothing."""
    if value is None or value == "":
        return "—"
    try:
        return _yuan(Decimal(str(value)))
    except InvalidOperation:
        return str(value)
