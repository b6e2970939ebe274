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
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.core.audit import Actor
from ipcity.core.workflow import Door, Refused, action_view, form_errors, keywords
from ipcity.lib.excel import xlsx_response
from ipcity.lib.inputs import parse_date
from ipcity.registry.choices import OrganisationKind
from ipcity.registry.models import Organisation
from ipcity.support import exports, selectors, services
from ipcity.support.choices import AvoidReason, ClusterStatus
from ipcity.support.forms import (
    AgencyFilterForm,
    AgencyProfileForm,
    ClusterApplyForm,
    ClusterReportForm,
    ExpertFilterForm,
    ExpertForm,
    PersonForm,
    ReasonForm,
    RelationForm,
    SheetForm,
    StaffForm,
    TrainingFilterForm,
    TrainingForm,
    YearForm,
)
from ipcity.support.models import (
    AgencyProfile,
    AgencyStaff,
    ClusterMembership,
    Expert,
    ExpertRelation,
    TrainingActivity,
)
from ipcity.support.permissions import (
    can_edit_agency,
    can_manage_experts,
    can_manage_trainings,
    can_see_expert_contacts,
    can_view_strong_enterprises,
    member_organisation_id,
)
from ipcity.support.workflows import CLUSTER_WORKFLOW

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


# ------------------------------------------------------------------------------------------ agencies


@require_GET
def agencies(request: HttpRequest) -> HttpResponse:
    """服务机构名录 (public): profile, kinds, services, districts served, licensed staff count."""
    form = AgencyFilterForm(request.GET or None)
    rows = selectors.agency_list(form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.agencies_workbook(rows), "服务机构名录.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    own = member_organisation_id(request.user)
    return render(
        request,
        "support/agency_list.html",
        {"form": form, "page": page, "query": _query_without(request), "own": own},
    )


@require_GET
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(
        AgencyProfile.objects.select_related("organisation", "organisation__region"), organisation_id=pk
    )
    editable = can_edit_agency(request.user, profile.organisation_id)
    return render(
        request,
        "support/agency_detail.html",
        {
            "profile": profile,
            "staff": list(profile.staff.all()),
            "districts": list(profile.districts.order_by("code")),
            "editable": editable,
            "staff_form": StaffForm() if editable else None,
            "stay": ClusterMembership.objects.filter(
                organisation_id=pk, status=ClusterStatus.RESIDENT
            ).first(),
        },
    )


@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk, kind=OrganisationKind.SERVICE_AGENCY)
    if not can_edit_agency(request.user, organisation.pk):
        return deny(request)
    profile = AgencyProfile.objects.filter(organisation=organisation).first()
    initial: dict[str, Any] = {}
    if profile is not None:
        initial = {
            f: getattr(profile, f) for f in ("kinds", "qualifications", "services", "phone", "website")
        }
        initial["districts"] = list(profile.districts.all())
    form = AgencyProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_agency_profile(organisation, actor=Actor.web(request.user), **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "机构档案已保存。")
            return redirect("support:agency", organisation.pk)
    return render(request, "support/agency_form.html", {"form": form, "organisation": organisation})


@require_POST
def agency_staff_add(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(AgencyProfile.objects.select_related("organisation"), organisation_id=pk)
    if not can_edit_agency(request.user, profile.organisation_id):
        return deny(request)
    form = StaffForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            services.add_agency_staff(profile, actor=Actor.web(request.user), **form.cleaned_data)
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已添加人员。")
    return redirect("support:agency", pk)


@require_POST
def agency_staff_remove(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(AgencyStaff.objects.select_related("profile__organisation"), pk=pk)
    if not can_edit_agency(request.user, staff.profile.organisation_id):
        return deny(request)
    services.remove_agency_staff(staff, actor=Actor.web(request.user))
    messages.success(request, "已删除人员。")
    return redirect("support:agency", staff.profile.organisation_id)


# ------------------------------------------------------------------------------------------ 集聚区


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@require_GET
def cluster(request: HttpRequest) -> HttpResponse:
    """集聚区: the city office every stay; an agency its own, and where it applies."""
    user = request.user
    if not (can_manage_experts(user) or member_organisation_id(user) is not None):
        return deny(request)
    rows = ClusterMembership.objects.visible_to(user).select_related("organisation")
    if status := request.GET.get("status"):
        rows = rows.filter(status=status) if status in ClusterStatus.values else rows.none()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.cluster_workbook(rows), "集聚区入驻.xlsx")
    own = member_organisation_id(user)
    may_apply = (
        own is not None
        and not ClusterMembership.objects.filter(
            organisation_id=own, status__in=[ClusterStatus.APPLIED, ClusterStatus.RESIDENT]
        ).exists()
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/cluster_list.html",
        {
            "page": page,
            "query": _query_without(request),
            "statuses": ClusterStatus.choices,
            "status": status or "",
            "apply_form": ClusterApplyForm() if may_apply else None,
            "is_city": can_manage_experts(user),
        },
    )


@require_POST
def cluster_apply(request: HttpRequest) -> HttpResponse:
    own = member_organisation_id(request.user)
    if own is None:
        return deny(request)
    form = ClusterApplyForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("support:cluster")
    try:
        m = services.apply_to_cluster(
            Organisation.objects.get(pk=own),
            actor=Actor.web(request.user),
            statement=form.cleaned_data["statement"],
        )
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("support:cluster")
    messages.success(request, "入驻申请已提交，等待市局审核。")
    return redirect("support:stay", m.pk)


def _stay(request: HttpRequest, pk: int) -> ClusterMembership:
    return get_object_or_404(
        ClusterMembership.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )


@require_GET
def stay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not _signed_in(request.user):
        return deny(request)
    m = _stay(request, pk)
    return render(
        request,
        "support/stay_detail.html",
        {
            "m": m,
            "actions": CLUSTER_WORKFLOW.allowed_actions(m, request.user),
            "reports": list(m.reports.all()),
            "reason_form": ReasonForm(),
            "report_form": ClusterReportForm(initial={"year": timezone.localdate().year - 1}),
        },
    )


STAY_POSTS: dict[str, Door] = {
    "admit": Door(lambda m, actor, data: services.admit_to_cluster(m, actor=actor), "已同意入驻。"),
    "reject": Door(keywords(services.reject_cluster_application), "已不予入驻。", ReasonForm),
    "report": Door(keywords(services.report_cluster_year), "年度监测数据已报送。", ClusterReportForm),
    "move_out": Door(keywords(services.move_out_of_cluster), "已登记迁出。", ReasonForm),
    "exit": Door(keywords(services.exit_from_cluster), "已清退。", ReasonForm),
}

stay_action = action_view(
    CLUSTER_WORKFLOW,
    STAY_POSTS,
    guard=_signed_in,
    fetch=_stay,
    back=lambda request, m: reverse("support:stay", args=[m.pk]),
)


@require_GET
def cluster_monitor(request: HttpRequest) -> HttpResponse:
    """集聚区动态监测 (the city office): 入驻/迁出 by month, residents at year end, revenue growth."""
    if not can_manage_experts(request.user):
        return deny(request)
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
    return render(
        request, "support/cluster_monitor.html", {"form": form, "m": selectors.cluster_monitor(year)}
    )


# ------------------------------------------------------------------------------------------ 强企


@require_GET
def strong_enterprises(request: HttpRequest) -> HttpResponse:
    """贯标证书 and 市级优势企业 from the registry (方案二(四)1): each certificate's state on a date (a
    2013-version certificate lapses after 2025-12-31), the recognitions per year against the cap.
    The organisations the user may see (the city office all, a district bureau its region's)."""
    if not can_view_strong_enterprises(request.user):
        return deny(request)
    on = parse_date(request.GET.get("on")) or timezone.localdate()
    lapsed = request.GET.get("lapsed") == "1"
    rows = selectors.certificate_rows(request.user, on, lapsed_only=lapsed)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.certificates_workbook(rows, on), "贯标证书.xlsx")
    return render(
        request,
        "support/strong_enterprises.html",
        {
            "rows": rows[:500],
            "total": len(rows),
            "on": on,
            "lapsed": lapsed,
            "advantage": selectors.advantage_by_year(request.user),
            "query": _query_without(request),
            "can_view_certificates": True,
            "can_manage": can_manage_experts(request.user),
        },
    )
