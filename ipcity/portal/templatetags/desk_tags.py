"""`{% desk_waiting as n %}`: how many tasks wait on the signed-in user's desk (the navigation badge).

A tag rather than a context processor, so that only pages drawing the navigation pay its queries
(not htmx partials); the desk page itself passes its own count (no query)."""

from __future__ import annotations

from typing import Any

from django import template

from ipcity.portal.selectors import Desk, waiting_count

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_waiting(context: Any) -> int:
    desk = context.get("desk")
    if isinstance(desk, Desk):
        return desk.waiting
    user = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return 0
    return waiting_count(user)
