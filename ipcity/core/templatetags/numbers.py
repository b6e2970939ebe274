"""Numbers in templates, as people read them (ipcity.lib.numbers): `{{ amount|format_yuan }}` →
"12.35 万元", `{{ people|format_count:"人" }}` → "682.4 万人", `{{ rate|format_percent }}` → "12.3%",
`{{ value|format_quantity:indicator }}` (an object with `unit` and `decimals`, or a unit), and
`{{ value|separated }}` → "6,824,000" where the exact figure matters (data entry, tooltips)."""

from __future__ import annotations

from typing import Any

from django import template

from ipcity.lib import numbers

register = template.Library()


@register.filter
def format_yuan(value: Any) -> str:
    return numbers.format_yuan(value)


@register.filter
def format_count(value: Any, unit: str = "") -> str:
    return numbers.format_count(value, unit)


@register.filter
def format_percent(value: Any) -> str:
    return numbers.format_percent(value)


@register.filter
def format_quantity(value: Any, unit: Any) -> str:
    """`unit` is a unit ("元", "件") or an object with `unit` and `decimals` (an indicator)."""
    if isinstance(unit, str):
        return numbers.format_quantity(value, unit)
    return numbers.format_quantity(value, unit.unit, unit.decimals)


@register.filter
def separated(value: Any) -> str:
    """The exact number with thousands separators and no trailing zeros: 6824000 → "6,824,000"."""
    number = numbers._decimal(value)
    if number is None or not number.is_finite():
        return numbers.DASH
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
