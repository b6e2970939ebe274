"""Audit log and the working-day calendar (city admins), and the liaison contacts of departments and
regions."""

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
from ipcity.core import jobs, notifications, selectors, services, workdays
from ipcity.core.audit import Actor
from ipcity.core.audit_labels import action_label, field_label, object_type_label, value_text
from ipcity.core.forms import AuditFilterForm, CalendarDayForm, CalendarImportForm, ContactForm
from ipcity.core.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    Department,
    Job,
    JobStatus,
    Notification,
    Region,
)
from ipcity.core.selectors import filter_audit_events
from ipcity.lib.excel import simple_table, xlsx_response
from ipcity.lib.inputs import parse_id


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
                action_label(e.action),
                object_type_label(e.object_type),
                e.object_id,
                e.object_repr,
                "、".join(field_label(e.object_type, k) for k in e.changed_fields),
                e.action,
                e.object_type,
            ]
            for e in events[:50000]
        )
        wb = simple_table(
            "审计日志",
            [
                "时间",
                "操作人",
                "来源",
                "操作",
                "对象类型",
                "对象标识",
                "对象",
                "变更字段",
                "操作代码",
                "对象类型代码",
            ],
            rows,
            [20, 16, 8, 28, 20, 10, 40, 40, 28, 20],
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
    kind, action = event.object_type, event.action
    memo: dict[object, str] = {}
    changes = [
        (
            field_label(kind, k),
            value_text(kind, k, (event.before or {}).get(k), action=action, memo=memo),
            value_text(kind, k, (event.after or {}).get(k), action=action, memo=memo),
        )
        for k in keys
    ]
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


# --- the working-day calendar (city office) ---------------------------------------------------------


@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    years = list(selectors.calendar_years())
    try:
        calendar = workdays.current_calendar()
        coverage, problem = (calendar.first, calendar.last), ""
    except workdays.WorkdayCalendarError as exc:
        coverage, problem = None, str(exc)
    context = {
        "years": years,
        "coverage": coverage,
        "problem": problem,
        "next_year": years[-1].year + 1 if years else timezone.localdate().year,
    }
    return render(request, "core/calendar_list.html", context)


def _import_initial(year: int) -> dict[str, object]:
    existing = CalendarYear.objects.filter(year=year).first()
    if existing is None:
        return {
            "year": year,
            "notice": f"国务院办公厅关于{year}年部分节假日安排的通知",
            "issuer": services.DEFAULT_ISSUER,
        }
    return {
        **{
            name: getattr(existing, name)
            for name in ("year", "notice", "number", "issuer", "published", "note")
        },
        "table": selectors.year_table_text(existing),
        "replace": True,
    }


@require_http_methods(["GET", "POST"])
def calendar_import(request: HttpRequest) -> HttpResponse:
    """Enter a year from the notice as a small table (pasted or uploaded), or replace a year's table."""
    if not is_city_admin(request.user):
        return deny(request)
    errors: list[str] = []
    if request.method == "POST":
        form = CalendarImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                calendar_year = services.import_calendar_year(
                    data["year"],
                    data["rows"],
                    actor=Actor.web(request.user),
                    notice=data["notice"],
                    number=data["number"],
                    issuer=data["issuer"],
                    published=data["published"],
                    note=data["note"],
                    replace=data["replace"],
                )
            except services.CalendarRejected as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    f"已录入 {calendar_year.year} 年的节假日安排（{calendar_year.days.count()} 天）。"
                    "请与通知原文逐日核对后标记为已核对。",
                )
                return redirect("core:calendar_year", year=calendar_year.year)
    else:
        years = list(CalendarYear.objects.values_list("year", flat=True))
        default = max(years) + 1 if years else timezone.localdate().year
        wanted = request.GET.get("year", "")
        number = parse_id(wanted)
        year = number if number is not None and 2000 <= number <= 2100 else default
        form = CalendarImportForm(initial=_import_initial(year))
    return render(request, "core/calendar_import.html", {"form": form, "errors": errors})


@require_GET
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    calendar_year = get_object_or_404(CalendarYear, year=year)
    context = {
        "calendar_year": calendar_year,
        "months": selectors.calendar_months(year),
        "days": calendar_year.days.all(),
    }
    return render(request, "core/calendar_year.html", context)


@require_POST
def calendar_verify(request: HttpRequest, year: int) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    calendar_year = get_object_or_404(CalendarYear, year=year)
    try:
        services.verify_calendar_year(calendar_year, actor=Actor.web(request.user))
    except services.CalendarRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{year} 年已标记为已核对。")
    return redirect("core:calendar_year", year=year)


def _edit_day(request: HttpRequest, calendar_year: CalendarYear, day: CalendarDay | None) -> HttpResponse:
    initial = {"date": day.date, "kind": day.kind, "name": day.name} if day else {}
    form = CalendarDayForm(request.POST or None, initial=initial)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_calendar_day(
                calendar_year, actor=Actor.web(request.user), day=day, **form.cleaned_data
            )
        except services.CalendarRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, "已保存。")
            return redirect("core:calendar_year", year=calendar_year.year)
    context = {"form": form, "errors": errors, "calendar_year": calendar_year, "day": day}
    return render(request, "core/calendar_day_form.html", context)


@require_http_methods(["GET", "POST"])
def calendar_day_add(request: HttpRequest, year: int) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    return _edit_day(request, get_object_or_404(CalendarYear, year=year), None)


@require_http_methods(["GET", "POST"])
def calendar_day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    day = get_object_or_404(CalendarDay.objects.select_related("calendar_year"), pk=pk)
    return _edit_day(request, day.calendar_year, day)


@require_POST
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    day = get_object_or_404(CalendarDay.objects.select_related("calendar_year"), pk=pk)
    year = day.calendar_year.year
    services.delete_calendar_day(day, actor=Actor.web(request.user))
    messages.success(request, f"已删除 {day}。")
    return redirect("core:calendar_year", year=year)
