"""The home page (public portal): notices, public figures, reward 公示, links to the public services,
then the plan's goals with their targets and its programmes (read-only composition)."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from ipcity.core.cache import cached, data_version
from ipcity.plans.selectors import find_current_plan, goals_with_targets
from ipcity.portal import public


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The plan is the same for everyone (a published document): its part of the page is cached
    per version of the plan's data and built without the request."""
    version = data_version("plans")  # before the data: see ipcity.core.cache
    body = cached("portal.home", [version], _home_body)
    context = {
        "body": mark_safe(body),  # our template escaped it
        "notices": public.latest_notices(),
        "figures": public.public_figures(),
        "publicity": public.publicity_rows(),
        "reports_installed": public.reports_installed(),
        "white_papers": public.published_white_papers(),
        "optional_links": public.optional_links(),
    }
    return render(request, "portal/home.html", context)


def _home_body() -> str:
    plan = find_current_plan()
    context: dict[str, object] = {"plan": plan}
    if plan is not None:
        context.update(
            goals=goals_with_targets(plan),
            programmes=plan.programmes.annotate(task_count=Count("tasks")).order_by("position"),
            stages=plan.stages.order_by("position"),
        )
    return render_to_string("portal/_home_body.html", context)
