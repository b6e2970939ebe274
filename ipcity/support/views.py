"""Pages of the support ecosystem (docs/support.md): the expert directory (public, without contact
details), the city office's expert records, declared relations, and the draw records. Thin:
authorise → bind a form → one service → redirect or render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.core.audit import Actor
from ipcity.core.workflow import Refused, form_errors
from ipcity.lib.excel import xlsx_response
from ipcity.support import exports, selectors, services
from ipcity.support.choices import AvoidReason
from ipcity.support.forms import (
    ExpertFilterForm,
    ExpertForm,
    PersonForm,
    RelationForm,
    SheetForm,
    TrainingFilterForm,
    TrainingForm,
)
from ipcity.support.models import Expert, ExpertRelation, TrainingActivity
from ipcity.support.permissions import can_manage_experts, can_manage_trainings, can_see_expert_contacts

PAGE_SIZE = 30


def _query_without(request: HttpRequest) -> str:
    params = request.GET.copy()
    for name in ("page", "format"):
        params.pop(name, None)
    return params.urlencode()


@require_GET
def experts(request: HttpRequest) -> HttpResponse:
    """专家库: everyone sees the experts in the pool and their fields; contacts the city office only."""
    form = ExpertFilterForm(request.GET or None)
    rows = selectors.expert_list(request.user, form.cleaned_data if form.is_valid() else {})
    contacts = can_see_expert_contacts(request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.experts_workbook(rows, contacts=contacts), "评审专家.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/expert_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without(request),
            "contacts": contacts,
            "can_manage": can_manage_experts(request.user),
        },
    )


def _expert_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in {"name", "employer_name"}}


@require_http_methods(["GET", "POST"])
def expert_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_experts(request.user):
        return deny(request)
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expert = services.save_expert(
                actor=Actor.web(request.user),
                name=data["name"],
                employer_name=data["employer_name"],
                **_expert_values(data),
            )
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已将{expert.name}录入专家库。")
            return redirect("support:expert", expert.pk)
    return render(request, "support/expert_form.html", {"form": form, "expert": None})


def _expert(request: HttpRequest, pk: int) -> Expert:
    return get_object_or_404(
        Expert.objects.visible_to(request.user).select_related("employer", "user"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_experts(request.user):
        return deny(request)
    expert = _expert(request, pk)
    initial = {f: getattr(expert, f) for f in ("title", "field", "ipc_subclasses", "speciality", "employer",
                                               "phone", "email", "available", "active", "note")}  # fmt: skip
    form = ExpertForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_expert(expert, actor=Actor.web(request.user), **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存{expert.name}的专家信息。")
            return redirect("support:expert", expert.pk)
    return render(request, "support/expert_form.html", {"form": form, "expert": expert})


@require_GET
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An expert's record with contacts, declared relations and the reviews drawn for (the city)."""
    if not can_manage_experts(request.user):
        return deny(request)
    expert = _expert(request, pk)
    picks = expert.picks.select_related("draw", "draw__applicant").order_by("-draw__drawn_at")[:50]
    return render(
        request,
        "support/expert_detail.html",
        {
            "expert": expert,
            "relations": list(expert.relations.select_related("organisation")),
            "picks": list(picks),
            "relation_form": RelationForm(),
        },
    )


@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_experts(request.user):
        return deny(request)
    expert = _expert(request, pk)
    form = RelationForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        data = form.cleaned_data
        try:
            services.declare_relation(
                expert,
                data["organisation"],
                actor=Actor.web(request.user),
                kind=data["kind"],
                note=data["note"],
            )
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已记录回避关系。")
    return redirect("support:expert", expert.pk)


@require_POST
def relation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_experts(request.user):
        return deny(request)
    relation = get_object_or_404(ExpertRelation.objects.select_related("expert", "organisation"), pk=pk)
    expert_pk = relation.expert_id
    services.remove_relation(relation, actor=Actor.web(request.user))
    messages.success(request, "已删除回避关系。")
    return redirect("support:expert", expert_pk)


@require_GET
def draws(request: HttpRequest) -> HttpResponse:
    """专家抽取记录 (the city office)."""
    if not can_manage_experts(request.user):
        return deny(request)
    rows = selectors.draw_list()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.draws_workbook(rows), "专家抽取记录.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "support/draw_list.html", {"page": page, "query": _query_without(request)})


@require_GET
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_experts(request.user):
        return deny(request)
    draw = get_object_or_404(selectors.draw_list(), pk=pk)
    names = dict(Expert.objects.filter(pk__in=draw.candidates).values_list("pk", "name"))
    excluded = [
        {
            "name": x["name"],
            "reasons": [AvoidReason(r).label for r in x["reasons"]],
            "details": x.get("details", []),
        }
        for x in draw.excluded
    ]
    return render(
        request,
        "support/draw_detail.html",
        {
            "draw": draw,
            "picks": list(draw.picks.select_related("expert").order_by("position")),
            "candidates": [names.get(pk, "（已删除）") for pk in draw.candidates],
            "excluded": excluded,
            "named": list(draw.named_avoid.all()),
            "back": reverse("support:draws"),
        },
    )


# ------------------------------------------------------------------------------------------ training


@require_GET
def trainings(request: HttpRequest) -> HttpResponse:
    """培训活动: public (title, organiser, dates, place, person-times); the city office registers them."""
    form = TrainingFilterForm(request.GET or None)
    rows = selectors.training_list(form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.trainings_workbook(rows), "培训活动.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/training_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without(request),
            "can_manage": can_manage_trainings(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_trainings(request.user):
        return deny(request)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            t = services.create_training(actor=Actor.web(request.user), **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记培训 {t.number}。")
            return redirect("support:training", t.pk)
    return render(request, "support/training_form.html", {"form": form})


def _training(pk: int) -> TrainingActivity:
    return get_object_or_404(
        TrainingActivity.objects.select_related("region").annotate(signin_count=Count("signins")), pk=pk
    )


@require_GET
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = _training(pk)
    manage = can_manage_trainings(request.user)
    if request.GET.get("format") == "xlsx":
        if not manage:
            return deny(request)
        return xlsx_response(exports.signins_workbook(t), f"{t.number}签到名单.xlsx")
    context: dict[str, Any] = {"t": t, "can_manage": manage, "person_form": PersonForm()}
    if manage:
        context.update(
            signin_url=request.build_absolute_uri(reverse("support:training_sign", args=[t.signin_token])),
            registrations=list(t.registrations.all()),
            signins=list(t.signins.all()),
            sheet_form=SheetForm(),
        )
    return render(request, "support/training_detail.html", context)


@require_POST
def training_register(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return deny(request)
    t = _training(pk)
    form = PersonForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            services.register_for_training(t, actor=Actor.web(request.user), **form.cleaned_data)
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "报名成功。")
    return redirect("support:training", t.pk)


@require_POST
def training_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_trainings(request.user):
        return deny(request)
    t = _training(pk)
    form = SheetForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            added = services.import_sign_in_sheet(t, form.cleaned_data["file"], actor=Actor.web(request.user))
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"签到表已导入，新增签到 {added} 人次。")
    return redirect("support:training", t.pk)


@require_POST
def training_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_trainings(request.user):
        return deny(request)
    t = _training(pk)
    issued = services.issue_certificates(t, actor=Actor.web(request.user))
    messages.success(
        request, f"已为 {issued} 人生成结业证书编号。" if issued else "签到人员均已有结业证书编号。"
    )
    return redirect("support:training", t.pk)


@require_http_methods(["GET", "POST"])
def training_sign(request: HttpRequest, token: str) -> HttpResponse:
    """The phone sign-in page, reached by the training's link (or its QR code): no account needed;
    the link's secret is the permission."""
    t = get_object_or_404(TrainingActivity, signin_token=token)
    form = PersonForm(request.POST or None)
    done = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = (
            Actor.web(request.user)
            if request.user.is_authenticated
            else Actor.system(f"手机签到：{data['name']}")
        )
        try:
            done = services.sign_in(t, actor=actor, **data)
        except Refused as exc:
            form.add_error(None, str(exc))
    return render(request, "support/training_sign.html", {"t": t, "form": form, "done": done})
