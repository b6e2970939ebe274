"""Pages of the 专利留烟重点项目 register (docs/market.md §专利留烟): the list with the plan's target,
a project's page with its tracking and the actions the user may take (market/workflows.py), forms
and the Excel export. Thin, as market/views.py: authorise → bind a form → one service → redirect."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ipcity.accounts.guards import deny
from ipcity.accounts.permissions import is_government_user
from ipcity.core.audit import Actor
from ipcity.core.workflow import Door, action_view, keywords, page_gate, save_form
from ipcity.lib.excel import xlsx_response
from ipcity.lib.inputs import query_without
from ipcity.market import exports, retention
from ipcity.market.choices import RetentionStatus
from ipcity.market.forms import (
    FollowUpForm,
    ReasonForm,
    RelocateForm,
    RetentionFilterForm,
    RetentionProjectForm,
)
from ipcity.market.models import RetentionProject
from ipcity.market.permissions import can_moderate, signed_in
from ipcity.market.services import today
from ipcity.market.views import PAGE_SIZE
from ipcity.market.workflows import RETENTION_WORKFLOW
from ipcity.registry.models import Organisation


@require_GET
def projects(request: HttpRequest) -> HttpResponse:
    if not signed_in(request.user):
        return deny(request)
    form = RetentionFilterForm(request.GET or None)
    rows = retention.project_list(request.user, form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.retention_workbook(rows), "专利留烟重点项目.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "market/retention_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without(request),
            # The city's totals are for those who run the plan, not for an undertaking enterprise.
            "progress": retention.progress(today()) if is_government_user(request.user) else None,
            "may_create": can_moderate(request.user),
        },
    )


def _project(request: HttpRequest, pk: int) -> RetentionProject:
    return get_object_or_404(
        RetentionProject.objects.visible_to(request.user).select_related("organisation", "region"),
        pk=pk,
    )


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not signed_in(request.user):
        return deny(request)
    project = _project(request, pk)
    return render(
        request,
        "market/retention_detail.html",
        {
            "project": project,
            "patents": list(project.patents.order_by("application_number")),
            "numbers": project.patent_numbers.split(),
            "org_link": project.organisation_id is not None
            and Organisation.objects.visible_to(request.user).filter(pk=project.organisation_id).exists(),
            "follow_ups": list(project.follow_ups.all()),
            "actions": RETENTION_WORKFLOW.allowed_actions(project, request.user),
            "follow_up_form": FollowUpForm(initial={"on": today()}),
            "relocate_form": RelocateForm(initial={"relocated_on": today()}),
            "reason_form": ReasonForm(),
            # Why a settled project cannot be taken into 跟踪培育 now (the plan's quota), for the office.
            "cultivate_refusal": RETENTION_WORKFLOW.refusal(project, request.user, "cultivate")
            if project.status == RetentionStatus.RELOCATED and can_moderate(request.user)
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    if not can_moderate(request.user):
        return deny(request)
    form = RetentionProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, project = save_form(
            request,
            form,
            lambda: retention.create_project(actor=Actor.web(request.user), values=form.cleaned_data),
            "已登记专利留烟项目。",
        )
        if ok:
            return redirect("market:retention", pk=project.pk)
    return render(request, "market/retention_form.html", {"form": form, "project": None})


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not signed_in(request.user):
        return deny(request)
    project = _project(request, pk)
    gate = page_gate(request, RETENTION_WORKFLOW, project, "edit", reverse("market:retention", args=[pk]))
    if gate is not None:
        return gate
    initial = {name: getattr(project, name) for name in retention.PROJECT_FIELDS}
    form = RetentionProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = save_form(
            request,
            form,
            lambda: retention.update_project(
                project, actor=Actor.web(request.user), values=form.cleaned_data
            ),
            "已保存修改。",
        )
        if ok:
            return redirect("market:retention", pk=project.pk)
    return render(request, "market/retention_form.html", {"form": form, "project": project})


RETENTION_POSTS: dict[str, Door] = {
    "follow_up": Door(keywords(retention.add_follow_up), "已登记跟踪服务。", FollowUpForm),
    "relocate": Door(keywords(retention.relocate_project), "已登记落户。", RelocateForm),
    "cultivate": Door(keywords(retention.cultivate_project), "已列入跟踪培育。"),
    "complete": Door(keywords(retention.complete_project), "已结项。"),
    "drop": Door(keywords(retention.drop_project), "已终止项目。", ReasonForm),
}

project_action = action_view(
    RETENTION_WORKFLOW,
    RETENTION_POSTS,
    guard=signed_in,
    fetch=_project,
    back=lambda request, project: reverse("market:retention", args=[project.pk]),
)
