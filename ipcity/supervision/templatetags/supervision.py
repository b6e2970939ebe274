"""Template helpers for supervision pages: the section navigation, colour badges, dict lookup."""

from __future__ import annotations

from typing import Any

from django import template

from ipcity.supervision.permissions import can_manage_supervision, can_view_assessment

register = template.Library()


@register.filter
def get(mapping: dict[str, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key, "")


@register.inclusion_tag("supervision/_nav.html", takes_context=True)
def supervision_nav(context: dict[str, Any], active: str) -> dict[str, Any]:
    user = context["request"].user
    as_of = context.get("as_of")
    return {
        "active": active,
        "manage": can_manage_supervision(user),
        "assessment": can_view_assessment(user),
        "as_of": as_of.isoformat() if as_of else "",
    }


@register.inclusion_tag("supervision/_flag.html")
def flag_badge(colour: str, label: str, hex_colour: str, title: str = "") -> dict[str, Any]:
    return {"colour": colour, "label": label, "hex": hex_colour, "title": title}
