"""Pages of the talent pool (方案二(七)2) and of strong enterprises (方案二(四)): recognitions, the
city's yearly 优势企业 evaluation, 上市辅导站 and 专利密集型产品 (docs/support.md). Thin: authorise →
bind a form → one service → redirect or render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.core.audit import Actor
from ipcity.core.workflow import Door, Refused, action_view, form_errors, post_form, save_form
from ipcity.lib.excel import simple_table, xlsx_response
from ipcity.lib.inputs import query_without
from ipcity.support import exports, imports, selectors
from ipcity.support import services_strong as services
from ipcity.support.forms import (
    BatchForm,
    CandidateForm,
    CoachingEndForm,
    CoachingForm,
    DenseProductFilterForm,
    DenseProductForm,
    DenseRecogniseForm,
    DocumentForm,
    EvaluateForm,
    ImportForm,
    ReasonForm,
    RecognitionFilterForm,
    RecognitionForm,
    StationForm,
    TalentFilterForm,
    TalentForm,
)
from ipcity.support.models import (
    AdvantageBatch,
    AdvantageCandidate,
    CoachingEngagement,
    CoachingStation,
    DenseProduct,
    EnterpriseRecognition,
    Talent,
)
from ipcity.support.permissions import (
    can_manage_strong_enterprises,
    can_manage_talents,
    can_see_talent_contacts,
    can_view_strong_enterprises,
)
from ipcity.support.workflows import ADVANTAGE_WORKFLOW

PAGE_SIZE = 30


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _strong_context(request: HttpRequest, section: str) -> dict[str, Any]:
    return {
        "section": section,
        "can_manage": can_manage_strong_enterprises(request.user),
        "can_view_certificates": can_view_strong_enterprises(request.user),
    }


# ------------------------------------------------------------------------------------------ 人才库


def _sees_patents(user: Any) -> bool:
    """The patents and the 主要发明人 flag: signed-in users who see the talent's record (the public
    list shows names, tiers and employers only)."""
    return _signed_in(user)


@require_GET
def talents(request: HttpRequest) -> HttpResponse:
    """人才库: the city office every talent with contacts; an enterprise its own people; a district
    bureau its region's; the public the recognised tiers (names, tiers, employers)."""
    form = TalentFilterForm(request.GET or None)
    rows = selectors.talent_list(request.user, form.cleaned_data if form.is_valid() else {})
    contacts = can_see_talent_contacts(request.user)
    patents = _sees_patents(request.user)
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        listed = list(rows[:5000])
        found = selectors.talent_patents(listed, today) if patents else {}
        return xlsx_response(
            exports.talents_workbook(
                [(t, found.get(t.pk, [])) for t in listed], contacts=contacts, patents=patents
            ),
            "人才库.xlsx",
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    found = selectors.talent_patents(list(page), today) if patents else {}
    return render(
        request,
        "support/talent_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(t, ps, sum(1 for p in ps if p.flagged)) for t in page for ps in [found.get(t.pk, [])]],
            "query": query_without(request),
            "contacts": contacts,
            "patents": patents,
            "can_manage": can_manage_talents(request.user),
            "import_form": ImportForm(),
        },
    )


def _import(request: HttpRequest, service: Callable[..., imports.ImportCounts], what: str) -> None:
    """Bind the upload form, run the import, say in Chinese what it did or why nothing was written."""
    post_form(
        request,
        ImportForm(request.POST, request.FILES),
        lambda data: service(data["file"], actor=Actor.web(request.user)),
        lambda counts: imports.describe(counts, what),
    )


def _template(columns: list[str], title: str) -> HttpResponse:
    """An empty list to fill in: the header row only."""
    return xlsx_response(simple_table(title, columns, [], [22] * len(columns)), f"{title}（导入模板）.xlsx")


@require_POST
def talent_import(request: HttpRequest) -> HttpResponse:
    if not can_manage_talents(request.user):
        return deny(request)
    _import(request, imports.import_talents, "人才名单")
    return redirect("support:talents")


@require_GET
def talent_template(request: HttpRequest) -> HttpResponse:
    if not can_manage_talents(request.user):
        return deny(request)
    return _template(imports.TALENT_COLUMNS, "人才名单")


def _talent(request: HttpRequest, pk: int) -> Talent:
    return get_object_or_404(Talent.objects.visible_to(request.user).select_related("employer"), pk=pk)


@require_GET
def talent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not _sees_patents(request.user):
        return deny(request)
    talent = _talent(request, pk)
    found = selectors.talent_patents([talent], timezone.localdate())
    return render(
        request,
        "support/talent_detail.html",
        {
            "t": talent,
            "patents": found.get(talent.pk, []),
            "contacts": can_see_talent_contacts(request.user),
            "can_manage": can_manage_talents(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def talent_new(request: HttpRequest) -> HttpResponse:
    return _talent_form(request, None)


@require_http_methods(["GET", "POST"])
def talent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_talents(request.user):
        return deny(request)
    return _talent_form(request, _talent(request, pk))


def _talent_form(request: HttpRequest, talent: Talent | None) -> HttpResponse:
    if not can_manage_talents(request.user):
        return deny(request)
    fields = (
        "name",
        "kind",
        "employer",
        "field",
        "title",
        "recognised_year",
        "phone",
        "email",
        "active",
        "note",
    )
    initial = {f: getattr(talent, f) for f in fields} if talent else {"active": True}
    form = TalentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, saved = save_form(
            request,
            form,
            lambda: services.save_talent(talent, actor=Actor.web(request.user), **form.cleaned_data),
            lambda saved: f"已保存{saved.name}的人才信息。",
            refusal_on_form=True,
        )
        if ok:
            return redirect("support:talent", saved.pk)
    return render(request, "support/talent_form.html", {"form": form, "talent": talent})


# ------------------------------------------------------------------------------------------ 认定名单


@require_GET
def recognitions(request: HttpRequest) -> HttpResponse:
    """优势/示范企业认定名单 (national, provincial, city): public, as the recognising bodies publish them."""
    form = RecognitionFilterForm(request.GET or None)
    rows = selectors.recognition_list(request.user, form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.recognitions_workbook(rows), "优势示范企业认定.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "support/recognition_list.html",
        {
            **_strong_context(request, "recognitions"),
            "form": form,
            "page": page,
            "query": query_without(request),
            "add_form": RecognitionForm(),
            "import_form": ImportForm(),
            "quota": services.city_advantage_quota(today),
            "own_candidacies": []
            if can_manage_strong_enterprises(request.user)
            else list(
                AdvantageCandidate.objects.visible_to(request.user).select_related("batch", "organisation")
            ),
        },
    )


@require_POST
def recognition_add(request: HttpRequest) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    form = RecognitionForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.record_recognition(actor=Actor.web(request.user), **data),
        lambda rec: f"已登记{rec.organisation.name} {rec.year} 年度{rec.label}认定。",
    )
    return redirect("support:recognitions")


@require_POST
def recognition_import(request: HttpRequest) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    _import(request, imports.import_recognitions, "认定名单")
    return redirect("support:recognitions")


@require_GET
def recognition_template(request: HttpRequest) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    return _template(imports.RECOGNITION_COLUMNS, "优势示范企业认定名单")


@require_POST
def recognition_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    rec = get_object_or_404(EnterpriseRecognition.objects.visible_to(request.user), pk=pk)
    form = ReasonForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.remove_recognition(rec, actor=Actor.web(request.user), reason=data["reason"]),
        "已删除该认定记录。",
    )
    return redirect("support:recognitions")


# ------------------------------------------------------------------------------------------ 市级评定


@require_GET
def batches(request: HttpRequest) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    rows = AdvantageBatch.objects.visible_to(request.user).order_by("-year")
    return render(
        request,
        "support/batch_list.html",
        {
            **_strong_context(request, "batches"),
            "batches": list(rows),
            "form": BatchForm(initial={"year": timezone.localdate().year}),
            "quota": services.city_advantage_quota(timezone.localdate()),
        },
    )


@require_POST
def batch_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    form = BatchForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("support:batches")
    try:
        batch = services.open_advantage_batch(actor=Actor.web(request.user), **form.cleaned_data)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("support:batches")
    messages.success(request, f"已建立{batch.number}。")
    return redirect("support:batch", batch.pk)


def _batch(request: HttpRequest, pk: int) -> AdvantageBatch:
    return get_object_or_404(AdvantageBatch.objects.visible_to(request.user), pk=pk)


@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    batch = _batch(request, pk)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.batch_workbook(batch), f"{batch.year}年度优势企业评定.xlsx")
    candidates = list(batch.candidates.select_related("organisation").order_by("-score", "id"))
    return render(
        request,
        "support/batch_detail.html",
        {
            **_strong_context(request, "batches"),
            "b": batch,
            "candidates": candidates,
            "selected": sum(1 for c in candidates if c.selected),
            "quota": services.city_advantage_quota(timezone.localdate()),
            "actions": ADVANTAGE_WORKFLOW.allowed_actions(batch, request.user),
            "candidate_form": CandidateForm(),
            "recognitions": list(batch.recognitions.select_related("organisation")),
        },
    )


def _evaluate(batch: AdvantageBatch, actor: Actor, data: dict[str, Any]) -> Any:
    candidate = get_object_or_404(AdvantageCandidate, pk=data["candidate"], batch=batch)
    return services.evaluate_advantage_candidate(
        batch,
        actor=actor,
        candidate=candidate,
        score=data["score"],
        selected=data["selected"],
        review_note=data["review_note"],
    )


BATCH_POSTS: dict[str, Door] = {
    "add_candidate": Door(
        lambda b, actor, data: services.add_advantage_candidate(
            b, actor=actor, organisation=data["organisation"], applied_on=data["applied_on"]
        ),
        "已登记申报企业。",
        CandidateForm,
    ),
    "start_review": Door(
        lambda b, actor, data: services.start_advantage_review(b, actor=actor), "已开始评审。"
    ),
    "evaluate": Door(_evaluate, "已录入评审结果。", EvaluateForm),
    "publicise": Door(
        lambda b, actor, data: services.publicise_advantage_batch(b, actor=actor), "已公示拟认定名单。"
    ),
    "reopen": Door(
        lambda b, actor, data: services.reopen_advantage_batch(b, actor=actor, reason=data["reason"]),
        "已退回评审。",
        ReasonForm,
    ),
    "recognise": Door(
        lambda b, actor, data: services.recognise_advantage_batch(
            b, actor=actor, document_number=data["document_number"]
        ),
        "已发文认定。",
        DocumentForm,
    ),
}

batch_action = action_view(
    ADVANTAGE_WORKFLOW,
    BATCH_POSTS,
    guard=_signed_in,
    fetch=_batch,
    back=lambda request, b: reverse("support:batch", args=[b.pk]),
)


# ------------------------------------------------------------------------------------------ 上市辅导站


@require_GET
def stations(request: HttpRequest) -> HttpResponse:
    """上市辅导站: public (name, host, since); the enterprises coached to the city office, a district
    bureau (its region's) and each enterprise (its own)."""
    engagements = selectors.engagement_list(request.user) if _signed_in(request.user) else None
    if request.GET.get("format") == "xlsx":
        if request.GET.get("list") != "coaching":
            return xlsx_response(
                exports.stations_workbook(selectors.station_list(request.user)), "上市辅导站.xlsx"
            )
        if engagements is None:
            return deny(request)
        return xlsx_response(exports.engagements_workbook(engagements), "上市辅导.xlsx")
    return render(
        request,
        "support/station_list.html",
        {
            **_strong_context(request, "stations"),
            "stations": list(selectors.station_list(request.user)),
            "engagements": list(engagements[:500]) if engagements is not None else None,
            "form": StationForm(),
        },
    )


@require_POST
def station_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    form = StationForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("support:stations")
    try:
        station = services.save_coaching_station(None, actor=Actor.web(request.user), **form.cleaned_data)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("support:stations")
    messages.success(request, f"已登记{station.name}。")
    return redirect("support:station", station.pk)


@require_GET
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(
        CoachingStation.objects.visible_to(request.user).select_related("host"), pk=pk
    )
    engagements = (
        list(selectors.engagement_list(request.user).filter(station=station))
        if _signed_in(request.user)
        else None
    )
    return render(
        request,
        "support/station_detail.html",
        {
            **_strong_context(request, "stations"),
            "s": station,
            "engagements": engagements,
            "coach_form": CoachingForm(),
            "end_form": CoachingEndForm(initial={"ended_on": timezone.localdate()}),
        },
    )


@require_POST
def coaching_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    station = get_object_or_404(CoachingStation.objects.visible_to(request.user), pk=pk)
    form = CoachingForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.start_coaching(station, actor=Actor.web(request.user), **data),
        lambda _: f"已登记辅导企业{form.cleaned_data['enterprise'].name}。",
    )
    return redirect("support:station", station.pk)


@require_POST
def coaching_end(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    engagement = get_object_or_404(CoachingEngagement.objects.visible_to(request.user), pk=pk)
    form = CoachingEndForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.end_coaching(engagement, actor=Actor.web(request.user), **data),
        "已登记结束辅导。",
    )
    return redirect("support:station", engagement.station_id)


# ------------------------------------------------------------------------------------------ 专利密集型产品


@require_GET
def dense_products(request: HttpRequest) -> HttpResponse:
    """专利密集型产品: the public the recognised ones; an enterprise also its own 备案; the city all."""
    filters = DenseProductFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    recognised = data.get("recognised", "")
    rows = selectors.dense_product_list(request.user, {"q": data.get("q", ""), "recognised": recognised})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.dense_products_workbook(rows), "专利密集型产品.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/dense_product_list.html",
        {
            **_strong_context(request, "products"),
            "page": page,
            "q": data.get("q", ""),
            "recognised": recognised,
            "query": query_without(request),
            "form": DenseProductForm(),
            "recognise_form": DenseRecogniseForm(initial={"year": timezone.localdate().year}),
        },
    )


@require_POST
def dense_product_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    form = DenseProductForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.file_dense_product(actor=Actor.web(request.user), **data),
        lambda product: f"已备案专利密集型产品“{product.name}”。",
    )
    return redirect("support:dense_products")


@require_POST
def dense_product_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_strong_enterprises(request.user):
        return deny(request)
    product = get_object_or_404(DenseProduct.objects.visible_to(request.user), pk=pk)
    form = DenseRecogniseForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.recognise_dense_product(product, actor=Actor.web(request.user), **data),
        f"已认定“{product.name}”为专利密集型产品。",
    )
    return redirect("support:dense_products")
