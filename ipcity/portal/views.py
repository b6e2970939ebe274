"""The home page: the plan's goals with their targets, and its programmes (read-only composition)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ipcity.plans.selectors import find_current_plan, goals_with_targets, programmes_with_rows


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    plan = find_current_plan()
    context: dict[str, object] = {"plan": plan}
    if plan is not None:
        context.update(
            goals=goals_with_targets(plan),
            programmes=programmes_with_rows(plan),
            stages=plan.stages.order_by("position"),
        )
    return render(request, "portal/home.html", context)
