"""Template helpers of the grants pages: Bootstrap classes on form widgets; money in 元 (core)."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from ipcity.core.templatetags.money import yuan, yuan_exact
from ipcity.core.templatetags.numbers import format_count, format_yuan

register = template.Library()

_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


@register.filter
def bs(field: BoundField) -> SafeString:
    """The field's widget with Bootstrap's class (and is-invalid when it has errors)."""
    css = _CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, Any] = {"class": css.strip()} if css.strip() else {}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}-err"
    return field.as_widget(attrs=attrs)


# The core filters, also here for the grants templates that load only this library.
register.filter("yuan", yuan)
register.filter("yuan_exact", yuan_exact)
register.filter("format_yuan", format_yuan)
register.filter("format_count", format_count)


@register.filter
def lines(text: str | None) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


@register.filter
def item_name(code: str) -> str:
    """The catalog name of an item code."""
    from ipcity.grants.selectors import item_name as name

    return name(code)
