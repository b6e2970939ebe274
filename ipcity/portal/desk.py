"""The 工作台 (desk): the page after login, listing what waits for the signed-in user."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ipcity.accounts.guards import deny
from ipcity.portal.selectors import desk_for


@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return deny(request)
    return render(request, "portal/desk.html", {"desk": desk_for(request.user)})
