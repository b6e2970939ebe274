"""Helpers shared by the grants views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ipcity.grants import services
from ipcity.policy.engine import Item, PolicyError
from ipcity.policy.engine.explain import show_fact

PAGE_SIZE = 50


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


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


def _error(request: HttpRequest, exc: services.WorkflowError | ValidationError) -> None:
    text = exc.message if isinstance(exc, services.WorkflowError) else "；".join(exc.messages)
    messages.error(request, text)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    try:
        call()
    except (services.WorkflowError, ValidationError) as exc:
        _error(request, exc)
        return False
    messages.success(request, success)
    return True
