"""Supervision pages. Every view checks supervision.permissions first and reads through
user-scoped querysets (`visible_to`); every change is a POST to one service. Pages offer exactly the
workflow actions the user may take (supervision.workflows); their POSTs go through core.workflow.act."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.core.attachments import attachment_response
from ipcity.core.audit import Actor
from ipcity.core.cache import cached, data_version, user_scope
from ipcity.core.uploads import keep_upload
from ipcity.core.workflow import Door, Refused, action_view, keywords
from ipcity.lib.datafile import DataFileError
from ipcity.lib.excel import xlsx_response
from ipcity.plans.models import Row
from ipcity.plans.selectors import current_plan
from ipcity.supervision import engine, selectors, services
from ipcity.supervision.assessment import assess, assessment_workbook
from ipcity.supervision.choices import RuleKind
from ipcity.supervision.decomposition import DecompositionError, decomposition_workbook, read_decomposition
from ipcity.supervision.docx import escalation_docx
from ipcity.supervision.forms import (
    AcceptForm,
    AsOfForm,
    AssessmentForm,
    FollowUpForm,
    ImportForm,
    MilestoneFilterForm,
    ReportForm,
    ReturnForm,
    RowSettingForm,
    RuleSetForm,
)
from ipcity.supervision.models import (
    Escalation,
    FlagRecord,
    Milestone,
    ProgressReport,
    RowSetting,
    RuleSet,
)
from ipcity.supervision.permissions import can_manage_supervision, can_view_assessment, can_view_supervision
from ipcity.supervision.rules import RULE_KEYS
from ipcity.supervision.workflows import ESCALATION_FLOW, REPORT_FLOW

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UPCOMING_DAYS = 30


def _as_of(request: HttpRequest) -> dt.date:
    return selectors.parse_as_of(request.GET.get("as_of")) or selectors.default_as_of()


def _colour_context(book: selectors.RuleBook, on: dt.date) -> dict[str, Any]:
    rules = book.at(on)
    return {
        "colours": rules.colours,
        "colour_hex": {c.code: c.hex for c in rules.colours},
        "colour_label": {c.code: c.label for c in rules.colours},
    }


def _stale(as_of: dt.date) -> str:
    return _stale_note(as_of, selectors.flag_horizon())


def _stale_note(as_of: dt.date, horizon: dt.date | None) -> str:
    """A note when the stored flag history (up to `horizon`) ends before `as_of` (trend and
    history are then short)."""
    if horizon is None:
        return "标记历史尚未计算"
    return f"标记历史计算至 {horizon}" if horizon < as_of else ""


# Scoped fetches: what the user may not see is a 404 (the permission check stays in each view).


def _milestone(request: HttpRequest, pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.visible_to(request.user).with_plan(), pk=pk)


def _report(request: HttpRequest, pk: int) -> ProgressReport:
    return get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)


def _escalation(request: HttpRequest, pk: int) -> Escalation:
    return get_object_or_404(
        Escalation.objects.visible_to(request.user).select_related(
            "milestone__row", "milestone__department", "milestone__region", "flag"
        ),
        pk=pk,
    )


def _escalations_raised_by(user: Any, as_of: dt.date) -> QuerySet[Escalation]:
    """The escalations the user may see, issued on or before `as_of`, ready for with_status_on."""
    return (
        Escalation.objects.visible_to(user)
        .filter(raised_on__lte=as_of)
        .select_related("milestone__row", "milestone__department", "milestone__region")
        .prefetch_related("follow_ups")
    )


# ---------------------------------------------------------------------------------------------
# Dashboard and milestones


# What the dashboard shows: milestones, reports, flags, escalations and rules (this app), the
# plan's rows and targets, the indicator checks behind flags, units' names.
DASHBOARD_DATA = (
    "supervision",
    "plans",
    "indicators.snapshot",
    "indicators.indicator",
    "core.department",
    "core.region",
)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The body depends on the as-of date, the user's scope and the data: cached by those (built
    without the request, so no token or message is in it); the user's parts are rendered here."""
    if not can_view_supervision(request.user):
        return deny(request)
    version = data_version(*DASHBOARD_DATA)  # before the data: see ipcity.core.cache
    as_of = selectors.parse_as_of(request.GET.get("as_of")) or cached(
        "supervision.default_as_of", [selectors.today(), version], selectors.default_as_of
    )
    body = cached(
        "supervision.dashboard",
        [as_of, user_scope(request.user), version],
        lambda: _dashboard_body(request.user, as_of),
    )
    horizon = cached("supervision.horizon", [version], selectors.flag_horizon)
    return render(
        request,
        "supervision/dashboard.html",
        {
            "as_of": as_of,
            "body": mark_safe(body),  # rendered from our template, escaped there
            "stale_note": _stale_note(as_of, horizon),
            "can_manage": can_manage_supervision(request.user),
        },
    )


def _dashboard_body(user: Any, as_of: dt.date) -> str:
    """Reads only what `user_scope(user)` decides (visible_to, own_first): users of one scope share it."""
    plan = current_plan()
    book = selectors.flag_rule_book()
    milestones = list(Milestone.objects.visible_to(user).filter(row__plan=plan).with_plan())
    # Milestones completed in earlier years are history: the dashboard leaves them out.
    items = [
        s
        for s in selectors.own_first(selectors.statuses(milestones, as_of, book=book), user)
        if not (s.milestone.due.year < as_of.year and s.state.complete)
    ]
    colour_ctx = _colour_context(book, as_of)
    codes = [c.code for c in colour_ctx["colours"]]
    started = [s for s in items if s.started]
    by_programme = selectors.grouped_counts(started, "programme")
    chart = {
        "trend": selectors.flag_trend([m.pk for m in milestones], as_of, codes, plan=plan),
        "colours": [{"code": c.code, "label": c.label, "hex": c.hex} for c in colour_ctx["colours"]],
        "programmes": {
            "names": [name for name, _c in by_programme],
            "series": {
                code: [c.get(code, 0) for _n, c in by_programme] for code in [*codes, "none", "complete"]
            },
        },
    }
    return render_to_string(
        "supervision/_dashboard_body.html",
        {
            "as_of": as_of,
            "counts": selectors.colour_counts(started),
            "total": len(started),
            "not_started": len(items) - len(started),
            "overdue": [s for s in started if s.state.overdue],
            "upcoming": sorted(
                (s for s in items if not s.state.complete and 0 <= s.state.days_to_due <= UPCOMING_DAYS),
                key=lambda s: s.milestone.due,
            ),
            "by_programme": by_programme,
            "by_unit": selectors.grouped_counts(started, "unit"),
            "chart": chart,
            "own": [s for s in items if _is_own(user, s.milestone)],
            "escalations": selectors.with_status_on(_escalations_raised_by(user, as_of)[:10], as_of),
            **colour_ctx,
        },
    )


def _is_own(user: Any, milestone: Milestone) -> bool:
    if getattr(user, "region_id", None):
        return milestone.region_id == user.region_id
    return (
        bool(getattr(user, "department_id", None))
        and milestone.department_id == user.department_id
        and not milestone.region_id
    )


@require_GET
def milestone_list(request: HttpRequest) -> HttpResponse:
    if not can_view_supervision(request.user):
        return deny(request)
    plan = current_plan()
    book = selectors.flag_rule_book()
    as_of = _as_of(request)
    colour_ctx = _colour_context(book, as_of)
    form = MilestoneFilterForm(
        request.GET or None, plan=plan, colours=[(c.code, c.label) for c in colour_ctx["colours"]]
    )
    filters = form.cleaned_data if form.is_valid() else {}
    milestones = Milestone.objects.visible_to(request.user).filter(row__plan=plan).with_plan()
    if filters.get("year"):
        milestones = milestones.filter(year=filters["year"])
    if filters.get("programme"):
        milestones = milestones.filter(row__section__programme=filters["programme"])
    if filters.get("department"):
        milestones = milestones.filter(department=filters["department"])
    if filters.get("region"):
        milestones = milestones.filter(region=filters["region"])
    if filters.get("q"):
        milestones = milestones.filter(title__icontains=filters["q"])
    items = selectors.own_first(selectors.statuses(list(milestones), as_of, book=book), request.user)
    colour = filters.get("colour")
    if colour == "complete":
        items = [s for s in items if s.state.complete]
    elif colour == "none":
        items = [s for s in items if not s.flag and not s.state.complete]
    elif colour:
        items = [s for s in items if s.colour == colour]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(decomposition_workbook(plan, [s.milestone for s in items]), "年度任务分解.xlsx")
    template = (
        "supervision/_milestone_table.html"
        if request.headers.get("HX-Request")
        else "supervision/milestone_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "items": items,
            "as_of": as_of,
            "query": request.GET.urlencode(),
            "user_obj": request.user,
            **colour_ctx,
        },
    )


@require_GET
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_supervision(request.user):
        return deny(request)
    milestone = _milestone(request, pk)
    as_of = _as_of(request)
    book = selectors.flag_rule_book()
    (status,) = selectors.statuses([milestone], as_of, book=book)
    rules = book.at(as_of)
    reports = {r.period_code: r for r in milestone.reports.all()}
    may_file = services.may_file_report(request.user, milestone)
    periods = []
    for period in status.periods:
        report = reports.get(period.code)
        visible = report is not None and selectors.local_date(report.first_submitted_at) <= as_of
        periods.append(
            {
                "period": period,
                "report_due": period.report_due(rules),
                "report": report if visible else None,
                "open": period.start <= as_of,
                # What the user may do to this period's report now: file it, or its REPORT_FLOW actions.
                "allowed": (
                    REPORT_FLOW.allowed_actions(report, request.user)
                    if report is not None
                    else ({"submit"} if may_file else set())
                ),
            }
        )
    history = FlagRecord.objects.filter(milestone=milestone, since__lte=as_of).order_by("since")
    escalations = Escalation.objects.visible_to(request.user).filter(milestone=milestone)
    return render(
        request,
        "supervision/milestone_detail.html",
        {
            "m": milestone,
            "status": status,
            "as_of": as_of,
            "periods": periods,
            "history": history,
            "escalations": escalations,
            "can_manage": can_manage_supervision(request.user),
            "form": AsOfForm(initial={"as_of": as_of}),
            **_colour_context(book, as_of),
        },
    )


# ---------------------------------------------------------------------------------------------
# Reports


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    """Filing, correcting or resubmitting a period's report: a form page (it shows its errors with
    the values typed), guarded like `act`: 403 unless the user reports on this milestone."""
    if not can_view_supervision(request.user):
        return deny(request)
    milestone = _milestone(request, pk)
    if not services.may_file_report(request.user, milestone):
        return deny(request)
    periods = {
        p.code: p for p in engine.reporting_periods(milestone.start, milestone.due, milestone.frequency)
    }
    if period not in periods:
        raise Http404("报送周期不存在")
    report = ProgressReport.objects.filter(milestone=milestone, period_code=period).first()
    if report is not None:
        report.milestone = milestone
    allowed = REPORT_FLOW.allowed_actions(report, request.user) if report else {"submit"}
    previous = report or milestone.reports.order_by("-period_start").first()
    initial = (
        {
            "percent_complete": previous.percent_complete,
            "actual_value": previous.actual_value,
            "narrative": report.narrative if report else "",
        }
        if previous
        else {}
    )
    form = ReportForm(
        request.POST or None, request.FILES or None, initial=initial, quantitative=milestone.is_quantitative
    )
    last_review = report.reviews.order_by("-reviewed_at").first() if report else None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.submit_report(
                milestone,
                period_code=period,
                percent_complete=form.cleaned_data["percent_complete"],
                actual_value=form.cleaned_data.get("actual_value"),
                narrative=form.cleaned_data["narrative"],
                uploads=form.cleaned_data["attachments"],
                actor=Actor.web(request.user),
            )
        except (Refused, ValidationError) as exc:
            form.add_error(None, str(exc) if isinstance(exc, Refused) else "；".join(exc.messages))
        else:
            messages.success(request, f"{periods[period].label}进度已报送。")
            return redirect("supervision:report", pk=saved.pk)
    return render(
        request,
        "supervision/report_form.html",
        {
            "m": milestone,
            "period": periods[period],
            "form": form,
            "report": report,
            "last_review": last_review,
            "allowed": allowed,
            "refusal": REPORT_FLOW.refusal(report, request.user, "submit") if report and not allowed else "",
        },
    )


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_supervision(request.user):
        return deny(request)
    report = get_object_or_404(
        ProgressReport.objects.visible_to(request.user).select_related(
            "milestone__row__section__programme", "milestone__department", "milestone__region"
        ),
        pk=pk,
    )
    versions = report.versions.prefetch_related("attachments").order_by("-number")
    reviews = report.reviews.select_related("version").order_by("-reviewed_at")
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "m": report.milestone,
            "versions": versions,
            "reviews": reviews,
            "allowed": REPORT_FLOW.allowed_actions(report, request.user),
            "return_form": ReturnForm(),
            "accept_form": AcceptForm(),
        },
    )


@require_GET
def report_attachment(request: HttpRequest, pk: int, attachment: int) -> HttpResponseBase:
    if not can_view_supervision(request.user):
        return deny(request)
    report = _report(request, pk)
    for version in report.versions.prefetch_related("attachments"):
        for item in version.attachments.all():
            if item.pk == attachment:
                return attachment_response(request, item)
    raise Http404("附件不存在")


# ---------------------------------------------------------------------------------------------
# Flags and rules


@require_GET
def flag_list(request: HttpRequest) -> HttpResponse:
    """Flag history: every record in force on the as-of date, and the changes before it."""
    if not can_view_supervision(request.user):
        return deny(request)
    as_of = _as_of(request)
    book = selectors.flag_rule_book()
    records = (
        FlagRecord.objects.visible_to(request.user)
        .filter(since__lte=as_of)
        .select_related("milestone__row", "milestone__department", "milestone__region")
        .order_by("-since", "milestone_id")
    )
    current = [r for r in records if r.until is None or r.until > as_of]
    past = [r for r in records if r.until is not None and r.until <= as_of][:300]
    return render(
        request,
        "supervision/flag_list.html",
        {
            "as_of": as_of,
            "current": current,
            "past": past,
            "form": AsOfForm(initial={"as_of": as_of}),
            "can_manage": can_manage_supervision(request.user),
            "stale_note": _stale(as_of),
            "horizon": selectors.flag_horizon(),
            **_colour_context(book, as_of),
        },
    )


@require_POST
def flag_recompute(request: HttpRequest) -> HttpResponse:
    if not can_manage_supervision(request.user):
        return deny(request)
    as_of = selectors.parse_as_of(request.POST.get("as_of")) or selectors.today()
    job = services.start_flag_recompute_job(as_of=as_of, actor=Actor.web(request.user))
    return redirect("core:job", pk=job.pk)


@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    if not can_manage_supervision(request.user):
        return deny(request)
    kind = request.POST.get("kind") or request.GET.get("kind") or RuleKind.FLAGS
    if kind not in RuleKind.values:
        raise Http404("规则类型不存在")
    versions = list(RuleSet.objects.filter(kind=kind).order_by("-effective_from", "-version"))
    if versions:
        latest_text = max(versions, key=lambda r: r.version).text
    else:
        latest_text = selectors.RULE_FILES[kind].read_text(encoding="utf-8")
    form = RuleSetForm(request.POST or None, initial={"kind": kind, "text": latest_text})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.save_rule_set(
                kind,
                text=form.cleaned_data["text"],
                note=form.cleaned_data["note"],
                actor=Actor.web(request.user),
            )
        except DataFileError as exc:
            error = f"{exc.path or '(根)'}：{exc.reason}"
        else:
            messages.success(
                request,
                f"已保存第 {rule_set.version} 版，自 {rule_set.effective_from} 起生效。请重算标记使历史记录按新规则更新。",
            )
            return redirect(f"{reverse('supervision:rules')}?kind={kind}")
    book = selectors.flag_rule_book()
    return render(
        request,
        "supervision/rules.html",
        {
            "kind": kind,
            "kinds": RuleKind.choices,
            "versions": versions,
            "form": form,
            "error": error,
            "flag_rules": book.at(selectors.default_as_of()),
            "from_file": not versions,
            "rule_keys": RULE_KEYS[kind],
        },
    )


# ---------------------------------------------------------------------------------------------
# Escalations


@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    if not can_view_supervision(request.user):
        return deny(request)
    as_of = _as_of(request)
    escalations = selectors.with_status_on(_escalations_raised_by(request.user, as_of), as_of)
    return render(
        request,
        "supervision/escalation_list.html",
        {"escalations": escalations, "as_of": as_of, "form": AsOfForm(initial={"as_of": as_of})},
    )


@require_GET
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_supervision(request.user):
        return deny(request)
    escalation = _escalation(request, pk)
    return render(
        request,
        "supervision/escalation_detail.html",
        {
            "e": escalation,
            "m": escalation.milestone,
            "follow_ups": escalation.follow_ups.all(),
            "allowed": ESCALATION_FLOW.allowed_actions(escalation, request.user),
            "form": FollowUpForm(),
        },
    )


@require_GET
def escalation_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_supervision(request.user):
        return deny(request)
    escalation = _escalation(request, pk)
    response = HttpResponse(escalation_docx(escalation), content_type=DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="duban-{escalation.pk}.docx"'
    return response


# ---------------------------------------------------------------------------------------------
# Workflow actions: every POST that moves a report or a 督办单 (urls pass the action)


report_action = action_view(
    REPORT_FLOW,
    {
        "return": Door(keywords(services.return_report), "报告已退回，已通知报送单位。", ReturnForm),
        "accept": Door(keywords(services.accept_report), "报告已确认。", AcceptForm),
    },
    guard=can_view_supervision,
    fetch=_report,
    back=lambda request, report: reverse("supervision:report", args=[report.pk]),
)
escalation_action = action_view(
    ESCALATION_FLOW,
    {"follow_up": Door(keywords(services.record_follow_up), "跟进记录已保存。", FollowUpForm)},
    guard=can_view_supervision,
    fetch=_escalation,
    back=lambda request, escalation: reverse("supervision:escalation", args=[escalation.pk]),
)


# ---------------------------------------------------------------------------------------------
# Assessment


@require_GET
def assessment(request: HttpRequest) -> HttpResponse:
    if not can_view_assessment(request.user):
        return deny(request)
    plan = current_plan()
    as_of_default = selectors.default_as_of()
    form = AssessmentForm(
        request.GET or None, plan=plan, initial={"year": as_of_default.year, "as_of": as_of_default}
    )
    year = as_of_default.year
    as_of = as_of_default
    if form.is_valid():
        year = form.cleaned_data["year"]
        as_of = form.cleaned_data.get("as_of") or dt.date(year, 12, 31)
    result = assess(year, as_of=as_of)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(assessment_workbook(result), f"{year}年度知识产权工作考核评比.xlsx")
    return render(
        request, "supervision/assessment.html", {"form": form, "a": result, "query": request.GET.urlencode()}
    )


# ---------------------------------------------------------------------------------------------
# Decomposition (Excel) and row settings


@require_GET
def decomposition(request: HttpRequest) -> HttpResponse:
    if not can_manage_supervision(request.user):
        return deny(request)
    plan = current_plan()
    settings = {s.row_id: s for s in RowSetting.objects.filter(row__plan=plan)}
    rows = list(Row.objects.filter(plan=plan).select_related("section__programme"))
    counts: dict[int, int] = {}
    for row_id in Milestone.objects.filter(row__plan=plan).values_list("row_id", flat=True):
        counts[row_id] = counts.get(row_id, 0) + 1
    items = [(row, settings.get(row.pk), counts.get(row.pk, 0)) for row in rows]
    return render(
        request, "supervision/decomposition.html", {"form": ImportForm(), "items": items, "errors": None}
    )


@require_GET
def decomposition_export(request: HttpRequest) -> HttpResponse:
    if not can_view_supervision(request.user):
        return deny(request)
    plan = current_plan()
    if can_manage_supervision(request.user):
        wb = decomposition_workbook(plan)
    else:
        wb = decomposition_workbook(
            plan, list(Milestone.objects.visible_to(request.user).filter(row__plan=plan).with_plan())
        )
    return xlsx_response(wb, "年度任务分解.xlsx")


@require_POST
def decomposition_import(request: HttpRequest) -> HttpResponse:
    if not can_manage_supervision(request.user):
        return deny(request)
    plan = current_plan()
    form = ImportForm(request.POST, request.FILES)
    errors: list[Any] = []
    if form.is_valid():
        try:
            read_decomposition(form.cleaned_data["file"], plan)
        except DecompositionError as exc:
            errors = exc.problems
        else:
            path = keep_upload(form.cleaned_data["file"], "supervision/imports")
            job = services.start_decomposition_import_job(path, plan, actor=Actor.web(request.user))
            return redirect("core:job", pk=job.pk)
    return render(
        request,
        "supervision/decomposition.html",
        {"form": form, "items": None, "errors": errors},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def row_setting(request: HttpRequest, code: str) -> HttpResponse:
    if not can_manage_supervision(request.user):
        return deny(request)
    plan = current_plan()
    row = get_object_or_404(Row.objects.filter(plan=plan).select_related("section__programme"), code=code)
    setting = RowSetting.objects.filter(row=row).first()
    form = RowSettingForm(
        request.POST or None,
        initial={
            "is_key_project": setting.is_key_project if setting else False,
            "report_frequency": setting.report_frequency if setting else "quarterly",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_row_setting(row, actor=Actor.web(request.user), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, f"{row.clause} 的督查设置已保存。")
            return redirect("supervision:decomposition")
    milestones = Milestone.objects.filter(row=row).with_plan()
    return render(
        request, "supervision/row_setting.html", {"row": row, "form": form, "milestones": milestones}
    )
