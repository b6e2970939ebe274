"""Organisation pages (一企一档). Every read is scoped by Organisation.objects.visible_to(user)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ipcity.accounts.guards import deny
from ipcity.accounts.permissions import is_city_admin
from ipcity.core.audit import Actor
from ipcity.registry import services
from ipcity.registry.forms import OrganisationContactForm
from ipcity.registry.models import Organisation


def can_edit_organisation(user, org: Organisation) -> bool:
    if is_city_admin(user):
        return True
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership is not None and membership.organisation_id == org.pk


@require_GET
@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    orgs = Organisation.objects.visible_to(request.user).select_related("region")
    q = request.GET.get("q", "").strip()
    if q:
        orgs = orgs.filter(name__icontains=q)
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(request, "registry/organisation_list.html", {"page": page, "q": q})


@require_GET
@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.visible_to(request.user).select_related("region"), pk=pk)
    return render(
        request,
        "registry/organisation_detail.html",
        {"org": org, "can_edit": can_edit_organisation(request.user, org)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    if not can_edit_organisation(request.user, org):
        return deny(request)
    form = OrganisationContactForm(
        request.POST or None, initial={f: getattr(org, f) for f in services.EDITABLE_BY_MEMBER}
    )
    if request.method == "POST" and form.is_valid():
        changed = services.update_organisation_contacts(
            org, actor=Actor.web(request.user), values=form.cleaned_data
        )
        messages.success(request, "机构信息已保存。" if changed else "没有修改。")
        return redirect("registry:organisation", pk=org.pk)
    back = reverse("registry:organisation", args=[org.pk])
    return render(request, "registry/organisation_contacts.html", {"form": form, "obj": org, "back": back})
