"""Pages of the support ecosystem (docs/support.md): the expert directory (public, without contact
details), the city office's expert records, declared relations, and the draw records. Thin:
authorise → bind a form → one service → redirect or render."""

from __future__ import annotations

import datetime as dt
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
from ipcity.core.workflow import Door, Refused, action_view, form_errors, keywords, post_form, save_form
from ipcity.lib.excel import xlsx_response
from ipcity.lib.inputs import parse_date, query_without
from ipcity.registry.choices import OrganisationKind
from ipcity.registry.models import Organisation
from ipcity.support import exports, scoring, selectors, services
from ipcity.support.choices import AvoidReason, ClusterStatus
from ipcity.support.forms import (
    AgencyFilterForm,
    AgencyProfileForm,
    AllianceFilterForm,
    AllianceForm,
    AllianceRecognitionForm,
    AssessmentOpenForm,
    AssessmentReportForm,
    CentreForm,
    ClusterApplyForm,
    ClusterReportForm,
    ExpertFilterForm,
    ExpertForm,
    MemberForm,
    MembersForm,
    PersonForm,
    PoolForm,
    RatingYearForm,
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
    CentreAssessment,
    ClusterMembership,
    Expert,
    ExpertRelation,
    IndustryAlliance,
    OperationCentre,
    PatentPool,
    TrainingActivity,
)
from ipcity.support.permissions import (
    can_edit_agency,
    can_manage_alliances,
    can_manage_experts,
    can_manage_trainings,
    can_see_expert_contacts,
    can_view_rating_of,
    can_view_ratings,
    can_view_strong_enterprises,
    is_centre_member,
    member_organisation_id,
    own_organisation_id,
)
from ipcity.support.workflows import ASSESSMENT_WORKFLOW, CLUSTER_WORKFLOW

PAGE_SIZE = 30


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
            "query": query_without(request),
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
        ok, expert = save_form(
            request,
            form,
            lambda: services.save_expert(
                actor=Actor.web(request.user),
                name=data["name"],
                employer_name=data["employer_name"],
                **_expert_values(data),
            ),
            lambda expert: f"已将{expert.name}录入专家库。",
            refusal_on_form=True,
        )
        if ok:
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
        ok, _ = save_form(
            request,
            form,
            lambda: services.update_expert(expert, actor=Actor.web(request.user), **form.cleaned_data),
            f"已保存{expert.name}的专家信息。",
            refusal_on_form=True,
        )
        if ok:
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
    post_form(
        request,
        form,
        lambda data: services.declare_relation(
            expert,
            data["organisation"],
            actor=Actor.web(request.user),
            kind=data["kind"],
            note=data["note"],
        ),
        "已记录回避关系。",
    )
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
    return render(request, "support/draw_list.html", {"page": page, "query": query_without(request)})


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
            "query": query_without(request),
            "can_manage": can_manage_trainings(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_trainings(request.user):
        return deny(request)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, t = save_form(
            request,
            form,
            lambda: services.create_training(actor=Actor.web(request.user), **form.cleaned_data),
            lambda t: f"已登记培训 {t.number}。",
            refusal_on_form=True,
        )
        if ok:
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
    post_form(
        request,
        form,
        lambda data: services.register_for_training(t, actor=Actor.web(request.user), **data),
        "报名成功。",
    )
    return redirect("support:training", t.pk)


@require_POST
def training_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_trainings(request.user):
        return deny(request)
    t = _training(pk)
    form = SheetForm(request.POST, request.FILES)
    post_form(
        request,
        form,
        lambda data: services.import_sign_in_sheet(t, data["file"], actor=Actor.web(request.user)),
        lambda added: f"签到表已导入，新增签到 {added} 人次。",
    )
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
        {"form": form, "page": page, "query": query_without(request), "own": own},
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
            "ratings": list(profile.ratings.order_by("-year")[:5])
            if can_view_rating_of(request.user, profile.organisation_id)
            else None,
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
        ok, _ = save_form(
            request,
            form,
            lambda: services.save_agency_profile(
                organisation, actor=Actor.web(request.user), **form.cleaned_data
            ),
            "机构档案已保存。",
            refusal_on_form=True,
        )
        if ok:
            return redirect("support:agency", organisation.pk)
    return render(request, "support/agency_form.html", {"form": form, "organisation": organisation})


@require_POST
def agency_staff_add(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(AgencyProfile.objects.select_related("organisation"), organisation_id=pk)
    if not can_edit_agency(request.user, profile.organisation_id):
        return deny(request)
    form = StaffForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.add_agency_staff(profile, actor=Actor.web(request.user), **data),
        "已添加人员。",
    )
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
            "query": query_without(request),
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
            "query": query_without(request),
            "can_view_certificates": True,
            "can_manage": can_manage_experts(request.user),
        },
    )


# ------------------------------------------------------------------------------------------ 联盟


@require_GET
def alliances(request: HttpRequest) -> HttpResponse:
    """产业知识产权联盟名录 (public, no contacts): industry, lead, members, recognitions, pools."""
    form = AllianceFilterForm(request.GET or None)
    rows = selectors.alliance_list(form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.alliances_workbook(rows), "产业知识产权联盟.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/alliance_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without(request),
            "can_manage": can_manage_alliances(request.user),
        },
    )


def _alliance(pk: int) -> IndustryAlliance:
    return get_object_or_404(IndustryAlliance.objects.select_related("lead", "organisation"), pk=pk)


@require_GET
def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(pk)
    manage = can_manage_alliances(request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.alliance_members_workbook(alliance), f"{alliance.name}成员.xlsx")
    pools = list(alliance.pools.annotate(patent_count=Count("patents")))
    return render(
        request,
        "support/alliance_detail.html",
        {
            "alliance": alliance,
            "members": list(alliance.members.select_related("region").order_by("name")),
            "recognitions": list(alliance.recognitions.all()),
            "pools": pools,
            "can_manage": manage,
            "members_form": MembersForm() if manage else None,
            "recognition_form": AllianceRecognitionForm() if manage else None,
        },
    )


@require_http_methods(["GET", "POST"])
def alliance_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Register an alliance (pk None) or change one: the city office."""
    if not can_manage_alliances(request.user):
        return deny(request)
    alliance = _alliance(pk) if pk is not None else None
    initial: dict[str, Any] = {}
    if alliance is not None:
        initial = {
            f: getattr(alliance, f) for f in ("industry", "lead", "organisation", "founded_on", "description")
        }
    form = AllianceForm(request.POST or None, initial=initial, editing=alliance is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["name"] = alliance.name if alliance is not None else data["name"]
        ok, saved = save_form(
            request,
            form,
            lambda: services.save_alliance(
                actor=Actor.web(request.user), is_demo=bool(alliance and alliance.is_demo), **data
            ),
            lambda saved: f"已保存联盟“{saved.name}”。",
            refusal_on_form=True,
        )
        if ok:
            return redirect("support:alliance", saved.pk)
    return render(request, "support/alliance_form.html", {"form": form, "alliance": alliance})


@require_POST
def alliance_members_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_alliances(request.user):
        return deny(request)
    alliance = _alliance(pk)
    form = MembersForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.add_alliance_members(
            alliance, data["organisations"], actor=Actor.web(request.user)
        ),
        lambda added: f"已添加 {added} 家成员单位。",
    )
    return redirect("support:alliance", alliance.pk)


@require_POST
def alliance_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_alliances(request.user):
        return deny(request)
    alliance = _alliance(pk)
    form = MemberForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.remove_alliance_member(
            alliance, data["organisation"], actor=Actor.web(request.user)
        ),
        "已移出成员单位。",
    )
    return redirect("support:alliance", alliance.pk)


@require_POST
def alliance_recognition_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_alliances(request.user):
        return deny(request)
    alliance = _alliance(pk)
    form = AllianceRecognitionForm(request.POST)
    post_form(
        request,
        form,
        lambda data: services.record_alliance_recognition(alliance, actor=Actor.web(request.user), **data),
        "已登记联盟认定。",
    )
    return redirect("support:alliance", alliance.pk)


@require_http_methods(["GET", "POST"])
def pool_edit(request: HttpRequest, pk: int, pool_pk: int | None = None) -> HttpResponse:
    """A patent pool of the alliance `pk`: new (pool_pk None) or changed; the city office."""
    if not can_manage_alliances(request.user):
        return deny(request)
    alliance = _alliance(pk)
    pool = get_object_or_404(PatentPool, pk=pool_pk, alliance=alliance) if pool_pk is not None else None
    initial: dict[str, Any] = {}
    if pool is not None:
        initial = {
            "name": pool.name,
            "established_on": pool.established_on,
            "licensing_terms": pool.licensing_terms,
            "patent_numbers": "\n".join(
                pool.patents.order_by("application_number").values_list("application_number", flat=True)
            ),
        }
    form = PoolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, saved = save_form(
            request,
            form,
            lambda: services.save_patent_pool(
                alliance,
                actor=Actor.web(request.user),
                is_demo=bool(pool and pool.is_demo),
                **form.cleaned_data,
            ),
            lambda saved: f"已保存专利池“{saved.name}”。",
            refusal_on_form=True,
        )
        if ok:
            return redirect("support:pool", saved.pk)
    return render(
        request, "support/alliance_pool_form.html", {"form": form, "alliance": alliance, "pool": pool}
    )


@require_GET
def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A patent pool (public): its licensing terms and its patents."""
    pool = get_object_or_404(PatentPool.objects.select_related("alliance"), pk=pk)
    patents = pool.patents.order_by("application_number").only(
        "pk", "application_number", "title", "patent_type", "legal_status", "first_holder_name"
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.pool_workbook(pool, patents), f"{pool.name}.xlsx")
    return render(
        request,
        "support/alliance_pool.html",
        {"pool": pool, "patents": list(patents), "can_manage": can_manage_alliances(request.user)},
    )


# ------------------------------------------------------------------------------------------ 运营中心


@require_GET
def centres(request: HttpRequest) -> HttpResponse:
    """重点产业知识产权运营中心 (public): the six centres and their latest confirmed 绩效考评."""
    rows = list(selectors.centre_list())
    results = selectors.latest_results(rows)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.centres_workbook(rows, results), "产业知识产权运营中心.xlsx")
    own = own_organisation_id(request.user)
    return render(
        request,
        "support/centre_list.html",
        {
            "rows": [(c, results.get(c.pk)) for c in rows],
            "can_manage": can_manage_alliances(request.user),
            "own": own,
        },
    )


def _centre(pk: int) -> OperationCentre:
    return get_object_or_404(OperationCentre.objects.select_related("organisation"), pk=pk)


@require_GET
def centre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    centre = _centre(pk)
    manage = can_manage_alliances(request.user)
    return render(
        request,
        "support/centre_detail.html",
        {
            "centre": centre,
            "assessments": list(selectors.assessment_list(request.user).filter(centre=centre)),
            "can_manage": manage,
            "open_form": AssessmentOpenForm(initial={"year": timezone.localdate().year - 1})
            if manage
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def centre_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can_manage_alliances(request.user):
        return deny(request)
    centre = _centre(pk) if pk is not None else None
    initial: dict[str, Any] = {}
    if centre is not None:
        initial = {
            f: getattr(centre, f) for f in ("industry", "name", "organisation", "established_on", "services")
        }
    form = CentreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, saved = save_form(
            request,
            form,
            lambda: services.save_operation_centre(
                actor=Actor.web(request.user), is_demo=bool(centre and centre.is_demo), **form.cleaned_data
            ),
            lambda saved: f"已保存“{saved.name}”。",
            refusal_on_form=True,
        )
        if ok:
            return redirect("support:centre", saved.pk)
    return render(request, "support/centre_form.html", {"form": form, "centre": centre})


@require_POST
def assessment_open(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_alliances(request.user):
        return deny(request)
    centre = _centre(pk)
    form = AssessmentOpenForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("support:centre", centre.pk)
    try:
        a = services.open_assessment(centre, actor=Actor.web(request.user), year=form.cleaned_data["year"])
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("support:centre", centre.pk)
    messages.success(request, f"已发起 {a.year} 年度绩效考评，等待运营中心填报。")
    return redirect("support:assessment", a.pk)


@require_GET
def assessments(request: HttpRequest) -> HttpResponse:
    """运营中心绩效考评: the city office every assessment; a centre its own; others the confirmed."""
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rows = selectors.assessment_list(request.user, year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.assessments_workbook(rows), "运营中心绩效考评.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/assessment_list.html",
        {"form": form, "page": page, "query": query_without(request)},
    )


def _assessment(request: HttpRequest, pk: int) -> CentreAssessment:
    return get_object_or_404(
        CentreAssessment.objects.visible_to(request.user).select_related("centre", "centre__organisation"),
        pk=pk,
    )


def _report_items(a: CentreAssessment) -> list[tuple[str, str]]:
    table = scoring.centre_table(dt.date(a.year, 12, 31))
    codes = set(services.reportable_codes(a))
    return [(i.code, i.label) for i in table.indicators if i.code in codes]


@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment(request, pk)
    actions = ASSESSMENT_WORKFLOW.allowed_actions(a, request.user)
    table = scoring.centre_table(dt.date(a.year, 12, 31))
    initial = {k: v for k, v in a.reported.items() if v not in (None, "")}
    return render(
        request,
        "support/assessment_detail.html",
        {
            "a": a,
            "actions": actions,
            "table": table,
            # The public reads the confirmed score and grade; the figures behind them (a centre's
            # revenue, its clients) only the centre and the city office.
            "detail": can_manage_alliances(request.user) or is_centre_member(request.user, a),
            "report_form": AssessmentReportForm(initial=initial, items=_report_items(a))
            if "report" in actions
            else None,
            "reason_form": ReasonForm(),
        },
    )


ASSESSMENT_POSTS: dict[str, Door] = {
    "report": Door(
        keywords(services.report_assessment_items),
        "填报事项已保存，得分已重新计算。",
        AssessmentReportForm,
        lambda a: {"items": _report_items(a)},
    ),
    "submit": Door(lambda a, actor, data: services.submit_assessment(a, actor=actor), "已提交市局审核。"),
    "return": Door(keywords(services.return_assessment), "已退回运营中心修改。", ReasonForm),
    "confirm": Door(lambda a, actor, data: services.confirm_assessment(a, actor=actor), "考评结果已确认。"),
}

assessment_action = action_view(
    ASSESSMENT_WORKFLOW,
    ASSESSMENT_POSTS,
    guard=_signed_in,
    fetch=_assessment,
    back=lambda request, a: reverse("support:assessment", args=[a.pk]),
)


# ------------------------------------------------------------------------------------------ 质量评级


@require_GET
def ratings(request: HttpRequest) -> HttpResponse:
    """服务机构质量评级排名 (the city office): the ranking of a year with each part's points."""
    if not can_view_ratings(request.user):
        return deny(request)
    years = selectors.rating_years()
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or (
        years[0] if years else timezone.localdate().year - 1
    )
    rows = selectors.rating_list(year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.ratings_workbook(rows, year), f"{year}年度服务机构质量评级.xlsx")
    try:
        table: scoring.Table | None = scoring.rating_table(dt.date(year, 12, 31))
    except scoring.ScoringError:
        table = None
    return render(
        request,
        "support/rating_list.html",
        {
            "year": year,
            "years": years,
            "rows": list(rows),
            "table": table,
            "compute_form": RatingYearForm(initial={"year": year}),
            "query": query_without(request),
        },
    )


@require_POST
def ratings_compute(request: HttpRequest) -> HttpResponse:
    if not can_view_ratings(request.user):
        return deny(request)
    form = RatingYearForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("support:ratings")
    year = form.cleaned_data["year"]
    try:
        done = services.rate_agencies(year, actor=Actor.web(request.user))
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已计算 {year} 年度 {len(done)} 家服务机构的质量评级。")
    return redirect(f"{reverse('support:ratings')}?year={year}")
