"""Applications and their review: the workbench list, the application form with its preview, the
detail page and every review action. Views are thin: who may see the page (`deny`), the user's
scoped queryset, then one service; every workflow POST goes through core.workflow.act."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.core.attachments import attachment_response
from ipcity.core.audit import Actor
from ipcity.core.workflow import Door, Refused, act, action_view, keywords, page_gate, workflow_for
from ipcity.grants import clock, exports, selectors, services
from ipcity.grants.choices import ObjectionStatus
from ipcity.grants.evaluation import decide, item_or_none
from ipcity.grants.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    AssignExpertsForm,
    MaterialForm,
    ObjectionForm,
    PaymentForm,
    ReplaceExpertForm,
    ResolveObjectionForm,
    ReviewForm,
    ScoreForm,
    applicant_specs,
)
from ipcity.grants.materials import material_checklist, missing_materials, missing_text
from ipcity.grants.models import (
    Application,
    ApplicationMaterial,
    ExpertAssignment,
    Grant,
    Objection,
)
from ipcity.grants.permissions import (
    can_apply,
    can_manage_grants,
    can_review_in_city,
    can_score,
    can_view_grants,
    can_view_ledger,
    member_organisation,
)
from ipcity.grants.protection_facts import protection_evidence, protection_facts
from ipcity.grants.records import organisation_records
from ipcity.grants.views.common import PAGE_SIZE, fact_rows, pay_refusal
from ipcity.grants.workflows import APPLICATION_WORKFLOW as FLOW
from ipcity.lib.excel import xlsx_response
from ipcity.lib.inputs import query_without
from ipcity.policy.engine import Decision, Item, PolicyError

# ---------------------------------------------------------------- lists


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The workbench: applications the user may see (own, to review, or all), Excel on request."""
    if not can_view_grants(request.user):
        return deny(request)
    form = ApplicationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    apps = selectors.application_list(request.user, data)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.applications_workbook(apps), "奖补申请.xlsx")
    page = Paginator(apps, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    rows = [(a, item_or_none(a.item_code), selectors.sla_state(a, today)) for a in page]
    return render(
        request,
        "grants/application_list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "query": query_without(request),
            "can_apply": can_apply(request.user),
            "can_manage": can_manage_grants(request.user),
            "can_ledger": can_view_ledger(request.user),
        },
    )


@require_GET
def apply_choose(request: HttpRequest) -> HttpResponse:
    org = member_organisation(request.user)
    if org is None:  # can_apply
        return deny(request)
    # Only the items an organisation of this kind can be a beneficiary of (the service refuses others).
    items = [i for i in selectors.items_in_order() if i.is_for(org.kind)]
    return render(
        request,
        "grants/apply_choose.html",
        {
            "open_items": [i for i in items if i.track.key != "exempt"],
            "exempt_items": [i for i in items if i.track.key == "exempt"],
            "organisation": org,
        },
    )


# ---------------------------------------------------------------- application form


def _preview(item: Item, org: Any, form: ApplicationForm) -> tuple[Decision | None, str]:
    try:
        return (
            decide(
                item,
                org,
                form.cleaned_data["decisive_date"],
                form.facts(),
                today=clock.today(),
                right_key=form.cleaned_data.get("right_id") or None,
            ),
            "",
        )
    except PolicyError as exc:
        return None, exc.message


@require_http_methods(["GET", "POST"])
def apply_form(request: HttpRequest, code: str) -> HttpResponse:
    org = member_organisation(request.user)
    if org is None:
        return deny(request)
    item = item_or_none(code)
    if item is None:
        raise Http404("没有该奖补项目")
    if item.track.key == "exempt":
        messages.info(request, f"{item.name}为免申即享项目，平台比对登记数据后推送给您确认，无需申报。")
        return redirect("grants:entitlements")
    refusal = services.kind_refusal(item, org)
    if refusal:  # the list does not offer it; a typed or old link says why
        messages.warning(request, f"{refusal}。")
        return redirect("grants:apply")
    records = organisation_records(org)
    # Facts the protection records answer (公益维权, 涉外诉讼) are prefilled; the applicant may change them.
    known = protection_facts(org, clock.today()).get(item.code)
    form = ApplicationForm(request.POST or None, item=item, records=records, initial_facts=known)
    decision, problem = None, ""
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            try:
                app = services.create_application(
                    org,
                    item.code,
                    actor=Actor.web(request.user),
                    decisive_date=form.cleaned_data["decisive_date"],
                    facts=form.facts(),
                    right_id=form.cleaned_data["right_id"],
                    links=form.cleaned_data["links"],
                )
            except Refused as exc:
                problem = str(exc)
            else:
                messages.success(request, "草稿已保存。请上传申报材料，核对金额后提交。")
                return redirect("grants:application", pk=app.pk)
        else:
            decision, problem = _preview(item, org, form)
    return render(
        request,
        "grants/application_form.html",
        {
            "item": item,
            "form": form,
            "organisation": org,
            "decision": decision.as_dict() if decision else None,
            "problem": problem,
        },
    )


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related("organisation", "organisation__region"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_grants(request.user):
        return deny(request)
    app = _application(request, pk)
    gate = page_gate(request, FLOW, app, "edit", reverse("grants:application", args=[app.pk]))
    if gate is not None:
        return gate
    item = item_or_none(app.item_code)
    assert item is not None
    records = organisation_records(app.organisation)
    initial = {
        "decisive_date": app.decisive_date,
        "right_id": app.right_id,
        "links": [f"{link.kind}:{link.object_id}" for link in app.links.all()],
    }
    form = ApplicationForm(
        request.POST or None, item=item, records=records, initial=initial, initial_facts=app.facts
    )
    decision, problem = None, ""
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            try:
                services.update_application(
                    app,
                    actor=Actor.web(request.user),
                    decisive_date=form.cleaned_data["decisive_date"],
                    facts=form.facts(),
                    right_id=form.cleaned_data["right_id"],
                    links=form.cleaned_data["links"],
                )
            except Refused as exc:
                problem = str(exc)
            else:
                messages.success(request, "申请已保存。")
                return redirect("grants:application", pk=app.pk)
        else:
            decision, problem = _preview(item, app.organisation, form)
    return render(
        request,
        "grants/application_form.html",
        {
            "item": item,
            "form": form,
            "organisation": app.organisation,
            "decision": decision.as_dict() if decision else None,
            "problem": problem,
            "app": app,
        },
    )


# ---------------------------------------------------------------- application detail and actions


@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_grants(request.user):
        return deny(request)
    app = _application(request, pk)
    item = item_or_none(app.item_code)
    if item is None:
        raise Http404("目录中已没有该项目")
    user = request.user
    grant = Grant.objects.filter(application=app).select_related("payment").first()
    assignments = list(app.assignments.select_related("expert", "expert__user", "pick"))
    today = clock.today()
    actions = FLOW.allowed_actions(app, user, today=today)
    my_assignment = next((a for a in assignments if a.expert.user_id == user.pk), None)
    payment = getattr(grant, "payment", None) if grant else None
    materials = list(app.materials.select_related("attachment"))
    checklist = material_checklist(app, item, materials)
    missing = missing_materials(checklist)
    context = {
        "app": app,
        "item": item,
        "facts": fact_rows(item, app.facts),
        "evidence": protection_evidence(item.code, app.organisation, clock.today()),
        "decision": app.decision or {},
        "links": list(app.links.all()),
        "materials": materials,
        "checklist": checklist,
        # What is missing, for the reviewers (an application submitted before an item named more
        # materials, or one that came without them); the applicant reads why 提交 is not offered.
        "missing": missing_text(missing),
        "submit_refusal": FLOW.refusal(app, user, "submit", today=today)
        if "edit" in actions and "submit" not in actions
        else None,
        "steps": list(app.steps.all()),
        # Expert scores stay with the city office while the review runs: the applicant must not
        # learn who scores what, and an expert must not see the others' scores before giving one.
        "assignments": assignments if can_review_in_city(user) else [],
        "objections": list(app.objections.all()),
        "grant": grant,
        "payment": payment,
        "pay_refusal": pay_refusal(app, user, grant, payment),
        "sla": selectors.sla_state(app, today),
        "today": today,
        "pending_amount": bool(app.eligible and app.amount is None),
        "actions": actions,
        "my_assignment": my_assignment if "score" in actions else None,
        "material_form": MaterialForm(item=item),
        "review_form": ReviewForm(),
        "expert_form": AssignExpertsForm(),
        "replace_form": ReplaceExpertForm(),
        "score_form": ScoreForm(),
        "conclude_form": ReviewForm(allow_return=False),
        "objection_form": ObjectionForm(initial={"received_on": today}),
        "resolve_form": ResolveObjectionForm(),
        "payment_form": PaymentForm(initial={"paid_on": today}),
        "specs": applicant_specs(item),
    }
    return render(request, "grants/application_detail.html", context)


def _page(app: Application) -> str:
    return reverse("grants:application", args=[app.pk])


def _material_form(app: Application) -> dict[str, Any]:
    return {"item": item_or_none(app.item_code)}


def _review(service: Callable[..., Any]) -> Callable[[Application, Actor, dict[str, Any]], Any]:
    """The call of a review form (decision, comment, decided amount) to `service`."""
    return lambda app, actor, data: service(
        app,
        actor=actor,
        decision=data["decision"],
        comment=data["comment"],
        decided_amount=data["decided_amount"],
    )


# The workflow POSTs on an application page, by action (urls.py names the action of each address).
POSTS: dict[str, Door] = {
    "edit": Door(
        lambda app, actor, data: services.add_material(app, data["file"], actor=actor, label=data["label"]),
        "材料已上传。",
        MaterialForm,
        _material_form,
    ),
    "submit": Door(
        lambda app, actor, data: services.submit_application(app, actor=actor), "申请已提交，等待区市初审。"
    ),
    "withdraw": Door(
        lambda app, actor, data: services.withdraw_application(app, actor=actor), "申请已撤回。"
    ),
    "district_review": Door(
        lambda app, actor, data: services.review_in_district(
            app, actor=actor, decision=data["decision"], comment=data["comment"]
        ),
        "区市初审意见已提交。",
        ReviewForm,
    ),
    "city_review": Door(_review(services.review_in_city), "市级审核意见已提交。", ReviewForm),
    "assign_experts": Door(
        lambda app, actor, data: services.assign_experts(
            app,
            actor=actor,
            field=data["field"],
            count=data["count"],
            ipc_subclass=data["ipc_subclass"],
            named_avoid=data["named_avoid"],
        ),
        "已随机抽取并指派评审专家。",
        AssignExpertsForm,
    ),
    "conclude_expert_review": Door(
        _review(services.conclude_expert_review),
        "专家评审结论已记录。",
        ReviewForm,
        lambda app: {"allow_return": False},
    ),
    "record_objection": Door(keywords(services.record_objection), "异议已登记。", ObjectionForm),
    "approve": Door(
        lambda app, actor, data: services.approve_application(app, actor=actor), "已核定，待兑现。"
    ),
}


application_action = action_view(
    FLOW, POSTS, guard=can_view_grants, fetch=_application, back=lambda request, app: _page(app)
)


@require_POST
def material_remove(request: HttpRequest, pk: int, material: int) -> HttpResponse:
    if not can_view_grants(request.user):
        return deny(request)
    app = _application(request, pk)
    obj = get_object_or_404(ApplicationMaterial, pk=material, application=app)
    return act(
        request,
        app,
        FLOW,
        "edit",
        call=lambda app, actor, data: services.remove_material(obj, actor=actor),
        success="材料已删除。",
        back=_page(app),
    )


@require_GET
def material_download(request: HttpRequest, pk: int, material: int) -> FileResponse | HttpResponse:
    if not can_view_grants(request.user):
        return deny(request)
    app = _application(request, pk)  # whoever may see the application may read its materials
    obj = get_object_or_404(
        ApplicationMaterial.objects.select_related("attachment"), pk=material, application=app
    )
    return attachment_response(request, obj.attachment)


@require_POST
def assignment_score(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_grants(request.user):
        return deny(request)
    assignment = get_object_or_404(
        ExpertAssignment.objects.select_related("expert", "application"),
        pk=pk,
        application__in=Application.objects.visible_to(request.user),
    )
    if not can_score(request.user, assignment):  # an expert scores their own assignment only
        return deny(request)
    return act(
        request,
        assignment.application,
        FLOW,
        "score",
        call=lambda app, actor, data: services.record_score(assignment, actor=actor, **data),
        success=f"已记录{assignment.expert.name}的评分。",
        back=_page(assignment.application),
        form_class=ScoreForm,
    )


@require_POST
def assignment_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """An assigned expert leaves the review before scoring; a replacement is drawn (the city only)."""
    if not can_view_grants(request.user):
        return deny(request)
    assignment = get_object_or_404(
        ExpertAssignment.objects.select_related("expert", "application"),
        pk=pk,
        application__in=Application.objects.visible_to(request.user),
    )
    return act(
        request,
        assignment.application,
        FLOW,
        "assign_experts",
        call=lambda app, actor, data: services.replace_expert(assignment, actor=actor, reason=data["reason"]),
        success=f"{assignment.expert.name}已退出评审，已随机补抽一位专家。",
        back=_page(assignment.application),
        form_class=ReplaceExpertForm,
    )


@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_grants(request.user):
        return deny(request)
    objection = get_object_or_404(
        Objection.objects.select_related("application"),
        pk=pk,
        application__in=Application.objects.visible_to(request.user),
        status=ObjectionStatus.OPEN,
    )
    return act(
        request,
        objection.application,
        FLOW,
        "resolve_objection",
        call=lambda app, actor, data: services.resolve_objection(objection, actor=actor, **data),
        success="异议已处理。",
        back=_page(objection.application),
        form_class=ResolveObjectionForm,
    )


@require_POST
def grant_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Payment is the action "pay" of the grant's application or entitlement."""
    if not can_view_grants(request.user):
        return deny(request)
    grant = get_object_or_404(
        Grant.objects.visible_to(request.user).select_related("application", "entitlement"), pk=pk
    )

    def pay(source: Any, actor: Actor, data: dict[str, Any]) -> None:
        if services.record_payment(grant, actor=actor, **data) is None:
            grant.refresh_from_db()
            raise Refused(f"付款被拦截。{grant.payment_blocked}")

    source = grant.source
    back = reverse("grants:application" if grant.application_id else "grants:entitlement", args=[source.pk])
    return act(
        request,
        source,
        workflow_for(source),
        "pay",
        call=pay,
        success="兑现记录已登记。",
        back=back,
        form_class=PaymentForm,
    )
