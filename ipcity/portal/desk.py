"""The 工作台 (desk): the page after login, listing what waits for the signed-in user, and the count
of its tasks that the navigation loads after each page (so that no page pays for it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from ipcity.accounts.guards import deny
from ipcity.portal.selectors import desk_for, waiting_count


@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return deny(request)
    desk = desk_for(request.user)
    return render(request, "portal/desk.html", {"desk": desk, "desk_waiting": desk.waiting})


@require_GET
def desk_count(request: HttpRequest) -> HttpResponse:
    """The navigation's badge (htmx swaps it in); empty when nothing waits or nobody is signed in
    (a fragment: never a redirect to the login page inside the navigation)."""
    count = waiting_count(request.user) if request.user.is_authenticated else 0
    # Without the request: the site's context processors (notices, notifications) are not needed here.
    return HttpResponse(render_to_string("portal/_desk_count.html", {"desk_waiting": count}))
