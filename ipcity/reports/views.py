"""Pages of the white paper (docs/reports.md). The city office: the editions, the editorial text per
year, generating (a background job), the HTML preview, publishing and discarding. Everyone: the list
of published editions and their downloads. Thin: authorise → bind a form → one service → redirect."""

from __future__ import annotations

import hashlib
import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.core.attachments import attachment_response
from ipcity.core.audit import Actor
from ipcity.core.models import Attachment
from ipcity.core.workflow import Door, action_view, form_errors
from ipcity.reports import selectors, services
from ipcity.reports.choices import EditionFormat
from ipcity.reports.fonts import FontMissing
from ipcity.reports.forms import EditorialForm, ReasonForm, YearForm, year_choices
from ipcity.reports.models import Edition, EditorialText
from ipcity.reports.permissions import can_manage
from ipcity.reports.workflows import EDITION_WORKFLOW

log = logging.getLogger(__name__)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The city office's white paper page: generate, the editions, the editorial text per year."""
    if not can_manage(request.user):
        return deny(request)
    editorial = {t.year: t for t in EditorialText.objects.all()}
    return render(
        request,
        "reports/index.html",
        {
            "form": YearForm(),
            "editions": selectors.editions_for(request.user),
            "years": [(year, editorial.get(year)) for year, _label in year_choices()],
        },
    )


@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    if not can_manage(request.user):
        return deny(request)
    form = YearForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("reports:index")
    try:
        job = services.start_generation(form.cleaned_data["year"], actor=Actor.web(request.user))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("reports:index")
    return redirect("core:job", job.pk)


def _year(year: int) -> int:
    if year not in {y for y, _label in year_choices()}:
        raise Http404("没有该年度的白皮书")
    return year


@require_http_methods(["GET", "POST"])
def editorial(request: HttpRequest, year: int) -> HttpResponse:
    """前言 and 年度亮点 of one year."""
    if not can_manage(request.user):
        return deny(request)
    year = _year(year)
    text = services.editorial_for(year)
    initial = {"foreword": text.foreword, "highlights": text.highlights} if text else {}
    form = EditorialForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_editorial_text(year, actor=Actor.web(request.user), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"{year} 年白皮书的编者文字已保存，之后生成的版本将合并这些文字。")
            return redirect("reports:index")
    return render(request, "reports/editorial.html", {"form": form, "year": year, "text": text})


@require_GET
def preview(request: HttpRequest, year: int) -> HttpResponse:
    """The white paper of a year as it would be generated now (HTML, with links to the records)."""
    if not can_manage(request.user):
        return deny(request)
    year = _year(year)
    try:
        paper = services.build_paper(year)
    except FontMissing as exc:
        messages.error(request, str(exc))
        return redirect("reports:index")
    return render(request, "reports/preview.html", {"paper": paper, "year": year, "links": True})


def _edition(request: HttpRequest, pk: int) -> Edition:
    return get_object_or_404(selectors.editions_for(request.user), pk=pk)


@require_GET
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage(request.user):
        return deny(request)
    edition = _edition(request, pk)
    return render(
        request,
        "reports/edition_detail.html",
        {
            "edition": edition,
            "actions": EDITION_WORKFLOW.allowed_actions(edition, request.user),
            "reason_form": ReasonForm(),
            "downloads": _downloads(edition),
        },
    )


def _downloads(edition: Edition) -> list[tuple[str, str, Attachment]]:
    return [
        (str(label), reverse("reports:download", args=[edition.pk, value]), getattr(edition, value))
        for value, label in EditionFormat.choices
    ]


@require_GET
def published(request: HttpRequest) -> HttpResponse:
    """The published editions, for everyone (signed in or not)."""
    editions = [(e, _downloads(e)) for e in selectors.published_editions()]
    return render(request, "reports/published.html", {"editions": editions})


@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """A published edition's file for everyone; a draft's for the city office only (404 to others:
    a draft is not public). The file is checked against the SHA-256 recorded when it was made."""
    if fmt not in EditionFormat.values:
        raise Http404("没有该格式的文件")
    edition = _edition(request, pk)
    attachment: Attachment = getattr(edition, fmt)
    digest = hashlib.sha256()
    try:
        with attachment.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return attachment_response(request, attachment)  # the platform's page for a missing file
    if digest.hexdigest() != attachment.sha256:
        log.error("Edition %s: stored %s differs from its recorded SHA-256", edition.number, fmt)
        return render(request, "reports/file_changed.html", {"edition": edition}, status=409)
    return attachment_response(request, attachment)


edition_action = action_view(
    EDITION_WORKFLOW,
    {
        "publish": Door(
            call=lambda obj, actor, data: services.publish_edition(obj, actor=actor),
            success="白皮书已发布：任何人都可以下载，已发布的版本不能再修改。",
        ),
        "discard": Door(
            call=lambda obj, actor, data: services.discard_edition(obj, actor=actor, reason=data["reason"]),
            success="该版本已作废。",
            form_class=ReasonForm,
        ),
    },
    guard=can_manage,
    fetch=_edition,
    back=lambda request, edition: reverse("reports:edition", args=[edition.pk]),
)
