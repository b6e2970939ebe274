"""The payee account as each viewer may read it (registry.permissions.can_see_payee_account)."""

from __future__ import annotations

from typing import Any

from django import template

from ipcity.lib.identifiers import mask_bank_account
from ipcity.registry.permissions import can_edit_organisation, can_see_payee_account

register = template.Library()


@register.simple_tag(takes_context=True)
def account_number(context: dict[str, Any], number: str, organisation_id: int) -> str:
    """The whole number for the organisation, the city office and the finance bureau; ****1234
    for anyone else who sees the organisation or the payment."""
    user = context["request"].user
    return number if can_see_payee_account(user, organisation_id) else mask_bank_account(number)


@register.inclusion_tag("registry/_payee_account.html", takes_context=True)
def payee_account(context: dict[str, Any], org: Any) -> dict[str, Any]:
    """The 收款账户 block of the 一企一档."""
    return {
        "request": context["request"],
        "org": org,
        "can_edit": can_edit_organisation(context["request"].user, org),
    }
