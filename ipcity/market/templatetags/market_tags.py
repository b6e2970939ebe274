"""Template helpers of the market pages: Bootstrap classes on form widgets, an offer's price."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from ipcity.lib.numbers import format_yuan_exact

register = template.Library()

_CLASSES = {
    "select": "form-select",
    "checkbox": "form-check-input",
    "clearablefile": "form-control",
    "file": "form-control",
}


@register.filter
def bs(field: BoundField) -> SafeString:
    """The field's widget with Bootstrap's class (and is-invalid when it has errors)."""
    css = _CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, Any] = {"class": css}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}-err"
    return field.as_widget(attrs=attrs)


@register.filter
def price(offer: Any) -> str:
    """面议, 免费, or the amount in 元 (exact)."""
    if offer.negotiable:
        return "面议"
    if offer.price is None:
        return "—"
    if offer.price == 0:
        return "免费"
    return format_yuan_exact(offer.price)


@register.filter
def budget(need: Any) -> str:
    low, high = need.budget_min, need.budget_max
    if low is None and high is None:
        return "面议"
    if low is not None and high is not None:
        return f"{format_yuan_exact(low)} 至 {format_yuan_exact(high)}"
    if low is not None:
        return f"{format_yuan_exact(low)} 以上"
    return f"不超过 {format_yuan_exact(high)}"
