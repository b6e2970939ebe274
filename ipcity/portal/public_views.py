"""Public pages of the portal (no sign-in): notices and their attachments, open data downloads with
their data dictionary; and the city office's pages that manage notices and the public indicators."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ipcity.accounts.guards import deny
from ipcity.core.attachments import attachment_response
from ipcity.core.audit import Actor
from ipcity.core.workflow import Door, Refused, action_view, page_gate
from ipcity.lib.excel import csv_text, simple_table, xlsx_response
from ipcity.portal import public, services
from ipcity.portal.forms import NoticeForm, PublicIndicatorsForm
from ipcity.portal.models import Notice
from ipcity.portal.permissions import can_manage_portal
from ipcity.portal.workflows import NOTICE_WORKFLOW


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.published()
    kind = request.GET.get("kind", "")
    if kind in ("notice", "news"):
        notices = notices.filter(kind=kind)
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(request, "portal/notice_list.html", {"page": page, "kind": kind})


def _notice(request: HttpRequest, pk: int) -> Notice:
    return get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    allowed = (
        NOTICE_WORKFLOW.allowed_actions(notice, request.user)
        if can_manage_portal(request.user)
        else frozenset()
    )
    return render(
        request,
        "portal/notice_detail.html",
        {"notice": notice, "attachments": notice.attachments.order_by("id"), "allowed": allowed},
    )


@require_GET
def notice_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse | HttpResponse:
    notice = _notice(request, pk)
    attachment = notice.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment_response(request, attachment)


# --- the city office's pages -------------------------------------------------------------------


@require_GET
def notice_manage(request: HttpRequest) -> HttpResponse:
    if not can_manage_portal(request.user):
        return deny(request)
    page = Paginator(Notice.objects.visible_to(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "portal/notice_manage.html", {"page": page})


def _save(request: HttpRequest, form: NoticeForm, notice: Notice | None) -> Notice | None:
    data = form.cleaned_data
    uploads = [data["attachment"]] if data.get("attachment") else []
    actor = Actor.web(request.user)
    try:
        if notice is None:
            return services.create_notice(
                kind=data["kind"], title=data["title"], body=data["body"], uploads=uploads, actor=actor
            )
        return services.update_notice(
            notice, kind=data["kind"], title=data["title"], body=data["body"], uploads=uploads, actor=actor
        )
    except (ValidationError, Refused) as exc:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        return None


@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_portal(request.user):
        return deny(request)
    form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, "已保存为草稿；核对无误后请发布。")
            return redirect("portal:notice", pk=saved.pk)
    return render(request, "portal/notice_form.html", {"form": form, "notice": None})


@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    gate = page_gate(request, NOTICE_WORKFLOW, notice, "edit", back=f"/notices/{notice.pk}/")
    if gate is not None:
        return gate
    initial = {"kind": notice.kind, "title": notice.title, "body": notice.body}
    form = NoticeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, notice)
        if saved is not None:
            messages.success(request, "已保存修改。")
            return redirect("portal:notice", pk=saved.pk)
    return render(request, "portal/notice_form.html", {"form": form, "notice": notice})


notice_action = action_view(
    NOTICE_WORKFLOW,
    {
        "publish": Door(
            lambda n, actor, data: services.publish_notice(n, actor=actor), "已发布，公众可在首页看到。"
        ),
        "withdraw": Door(
            lambda n, actor, data: services.withdraw_notice(n, actor=actor), "已撤回，公众不再看到。"
        ),
    },
    guard=can_manage_portal,
    fetch=_notice,
    back=lambda request, notice: f"/notices/{notice.pk}/",
)


@require_http_methods(["GET", "POST"])
def public_indicators(request: HttpRequest) -> HttpResponse:
    if not can_manage_portal(request.user):
        return deny(request)
    form = PublicIndicatorsForm(
        request.POST or None, initial={"indicators": services.public_indicator_codes()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_public_indicators(form.cleaned_data["indicators"], actor=Actor.web(request.user))
        except (ValidationError, Refused) as exc:
            messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "已保存：首页和开放数据只展示所选指标。")
            return redirect("portal:public_indicators")
    return render(request, "portal/public_indicators.html", {"form": form})


# --- open data ---------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/open_data.html",
        {
            "indicators": public.public_indicators(),
            "years": public.open_data_years(),
            "columns": public.OPEN_DATA_COLUMNS,
        },
    )


def _filename(year: int | None, ext: str) -> str:
    return f"烟台市知识产权公开指标{'' if year is None else f'-{year}年'}.{ext}"


@require_GET
def open_data_download(request: HttpRequest, fmt: str) -> HttpResponse:
    year = _year(request)
    rows = public.open_data_rows(year)
    headers = [label for _key, label, _text in public.OPEN_DATA_COLUMNS]
    if fmt == "xlsx":
        widths = [22, 24, 12, 12, 8, 12, 14, 10, 14, 14, 12, 40]
        return xlsx_response(simple_table("公开指标", headers, rows, widths), _filename(year, "xlsx"))
    if fmt != "csv":
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"open-data.csv\"; filename*=UTF-8''{quote(_filename(year, 'csv'))}"
    )
    response.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_text(_cell(v)) for v in row])
    return response


def _cell(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@require_GET
def data_dictionary(request: HttpRequest) -> HttpResponse:
    """The data dictionary as a workbook: the columns, then each public indicator's definition."""
    from openpyxl import Workbook

    from ipcity.lib.excel import set_widths, write_cell, write_header

    wb: Workbook = simple_table(
        "字段说明",
        ["列名", "字段代码", "说明"],
        [[label, key, text] for key, label, text in public.OPEN_DATA_COLUMNS],
        [14, 18, 70],
    )
    ws = wb.create_sheet("指标")
    write_header(ws, 1, ["指标代码", "指标名称", "单位", "定义", "定义出处"])
    for r, indicator in enumerate(public.public_indicators(), start=2):
        for c, value in enumerate(
            [indicator.code, indicator.name, indicator.unit, indicator.definition, indicator.source], start=1
        ):
            write_cell(ws, r, c, value)
    set_widths(ws, [22, 24, 10, 70, 40])
    return xlsx_response(wb, "烟台市知识产权公开指标-数据字典.xlsx")
