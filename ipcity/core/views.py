"""Audit log (city admins), and the liaison contacts of departments and regions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.accounts.permissions import (
    can_edit_department,
    can_edit_region,
    can_view_audit_log,
    can_view_department_contacts,
    is_city_admin,
)
from ipcity.core import jobs, notifications, services
from ipcity.core.audit import Actor
from ipcity.core.forms import AuditFilterForm, ContactForm
from ipcity.core.models import AuditEvent, Department, Job, JobStatus, Notification, Region
from ipcity.core.selectors import filter_audit_events
from ipcity.lib.excel import simple_table, xlsx_response


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not can_view_audit_log(request.user):
        return deny(request)
    form = AuditFilterForm(request.GET or None)
    events: QuerySet[AuditEvent] = AuditEvent.objects.visible_to(request.user).select_related("actor")
    if form.is_valid():
        events = filter_audit_events(events, form.cleaned_data)
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_label,
                e.get_source_display(),
                e.action,
                e.object_type,
                e.object_id,
                e.object_repr,
                ", ".join(e.changed_fields),
            ]
            for e in events[:50000]
        )
        wb = simple_table(
            "审计日志",
            ["时间", "操作人", "来源", "操作", "对象类型", "对象标识", "对象", "变更字段"],
            rows,
            [20, 16, 8, 28, 20, 10, 40, 40],
        )
        return xlsx_response(wb, "审计日志.xlsx")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "core/audit_log.html", {"form": form, "page": page, "query": params.urlencode()})


@require_GET
def audit_event(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_audit_log(request.user):
        return deny(request)
    event = get_object_or_404(AuditEvent.objects.visible_to(request.user), pk=pk)
    keys = sorted(set(event.before or {}) | set(event.after or {}))
    changes = [(k, (event.before or {}).get(k), (event.after or {}).get(k)) for k in keys]
    return render(request, "core/audit_event.html", {"event": event, "changes": changes})


def _edit_contacts(request: HttpRequest, obj: Department | Region, back: str) -> HttpResponse:
    form = ContactForm(request.POST or None, initial={f: getattr(obj, f) for f in services.CONTACT_FIELDS})
    if request.method == "POST" and form.is_valid():
        changed = services.update_contacts(obj, actor=Actor.web(request.user), values=form.cleaned_data)
        messages.success(request, "联络信息已保存。" if changed else "没有修改。")
        return redirect(back)
    return render(request, "core/contacts_form.html", {"form": form, "obj": obj, "back": back})


@require_http_methods(["GET", "POST"])
def department_contacts(request: HttpRequest, code: str) -> HttpResponse:
    department = get_object_or_404(Department, code=code)
    if not can_edit_department(request.user, department):
        return deny(request)
    return _edit_contacts(request, department, reverse("plans:department", args=[department.code]))


@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.all()
    return render(
        request,
        "core/region_list.html",
        {"regions": regions, "show_contacts": can_view_department_contacts(request.user)},
    )


@require_http_methods(["GET", "POST"])
def region_contacts(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    if not can_edit_region(request.user, region):
        return deny(request)
    return _edit_contacts(request, region, reverse("core:regions"))


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer or systemd check: the process answers (no database query)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    """Every background job, newest first (the city office: to see what runs, what failed, and retry)."""
    if not is_city_admin(request.user):
        return deny(request)
    status = request.GET.get("status", "")
    items = Job.objects.select_related("created_by")
    if status in JobStatus.values:
        items = items.filter(status=status)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    page.object_list = [jobs.live_job(job) for job in page.object_list]
    return render(
        request, "core/job_list.html", {"page": page, "status": status, "statuses": JobStatus.choices}
    )


@require_GET
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return deny(request)
    job = jobs.live_job(get_object_or_404(Job.objects.visible_to(request.user), pk=pk))
    template = "core/_job_status.html" if request.headers.get("HX-Request") else "core/job.html"
    context = {
        "job": job,
        "can_retry": is_city_admin(request.user) and job.status == JobStatus.FAILED,
        "retry": job.retries.first() if job.status == JobStatus.FAILED else None,
        "waiting": job.status == JobStatus.QUEUED
        and timezone.now() - job.created_at > dt.timedelta(seconds=settings.IPCITY_JOB_STALE_SECONDS),
    }
    return render(request, template, context)


@require_POST
def job_retry(request: HttpRequest, pk: str) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    try:
        retry = jobs.retry_job(job, actor=Actor.web(request.user))
    except jobs.JobRefused as exc:
        messages.error(request, str(exc))
        return redirect("core:job", pk=job.pk)
    messages.success(request, "已重新排队执行该任务。")
    return redirect("core:job", pk=retry.pk)


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return deny(request)
    items = Notification.objects.filter(recipient=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return deny(request)
    notification = get_object_or_404(Notification.objects.filter(recipient=request.user), pk=pk)
    notifications.mark_read(notification, actor=Actor.web(request.user))
    target = notification.url if notification.url.startswith("/") else reverse("core:notifications")
    return redirect(target)


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return deny(request)
    count = notifications.mark_all_read(request.user, actor=Actor.web(request.user))  # type: ignore[arg-type]
    messages.info(request, f"已将 {count} 条通知标为已读。")
    return redirect("core:notifications")
