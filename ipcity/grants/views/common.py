"""Helpers shared by the grants views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from ipcity.core.audit import Actor
from ipcity.core.workflow import act, workflow_for
from ipcity.policy.engine import Item, PolicyError
from ipcity.policy.engine.explain import show_fact

PAGE_SIZE = 50


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in ("page", "format", *names):
        params.pop(name, None)
    return params.urlencode()


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


@dataclass(frozen=True)
class Post:
    """One workflow POST of a page: the service it calls with the form's data, what it says when
    done, and the form it binds (with the arguments the form needs for the object)."""

    call: Callable[[Any, Actor, dict[str, Any]], Any]
    success: str | Callable[[dict[str, Any]], str]
    form_class: type[forms.Form] | None = None
    form_kwargs: Callable[[Any], dict[str, Any]] | None = None


def workflow_post(request: HttpRequest, obj: Any, name: str, post: Post, *, back: str) -> HttpResponse:
    """Take the action `name` on `obj` (from the user's scoped queryset) through core.workflow.act."""
    return act(
        request,
        obj,
        workflow_for(obj),
        name,
        call=post.call,
        success=post.success,
        back=back,
        form_class=post.form_class,
        form_kwargs=post.form_kwargs(obj) if post.form_kwargs else None,
    )
