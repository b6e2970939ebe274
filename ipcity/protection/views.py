"""Pages of IP protection (docs/protection.md): credit records (the city office's register, an
organisation's own records with 异议 and 信用修复), the public credit list, agency credit grades,
e-commerce complaints (rights holder, platform, city office) and the platforms' handling facts.
Thin: authorise → bind a form → one service → redirect or render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.accounts.permissions import is_city_admin
from ipcity.core.attachments import attachment_response
from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.core.workflow import Door, Refused, action_view, form_errors, keywords, save_form
from ipcity.lib.excel import xlsx_response
from ipcity.lib.inputs import query_without
from ipcity.protection import clock, exports, selectors, services
from ipcity.protection.choices import CreditKind
from ipcity.protection.config import all_time_limits, grading, time_limit
from ipcity.protection.forms import (
    OBJECTION_DECISIONS,
    REPAIR_DECISIONS,
    AgreementForm,
    AidBodyForm,
    AidCloseForm,
    AidRequestForm,
    AnswerForm,
    ComplaintFilterForm,
    ComplaintForm,
    CounterNoticeForm,
    CourtForm,
    CreditFilterForm,
    CreditRecordForm,
    DecisionForm,
    DisputeFilterForm,
    DisputeForm,
    EndForm,
    EnforcementForm,
    FeedbackForm,
    InvestigatorForm,
    MeasureForm,
    MediationBodyForm,
    MediationRegisterForm,
    OutcomeForm,
    OverseasDisputeForm,
    PublicCreditFilterForm,
    ReasonForm,
    ReasonOptionalForm,
    ReviewForm,
    RiskAlertForm,
    RiskCheckForm,
    RouteForm,
    SecretSiteForm,
    SubscriptionForm,
)
from ipcity.protection.models import (
    AidBody,
    AidRequest,
    Complaint,
    CreditRecord,
    Dispute,
    MediationBody,
    OverseasDispute,
    RiskAlert,
    RiskCheck,
    RiskSubscription,
    SecretSite,
    member_organisation_id,
)
from ipcity.protection.permissions import (
    can_file_complaint,
    can_handle_disputes,
    can_manage_credit,
    can_view_aid,
    can_view_complaints,
    can_view_credit,
    can_view_dispute_stats,
    can_view_disputes,
    can_view_grades,
)
from ipcity.protection.workflows import (
    AID_WORKFLOW,
    COMPLAINT_WORKFLOW,
    CREDIT_WORKFLOW,
    DISPUTE_WORKFLOW,
    RISK_CHECK_WORKFLOW,
)
from ipcity.registry.models import Organisation

PAGE_SIZE = 30


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


# ------------------------------------------------------------------------------------ credit


@require_GET
def credit_list(request: HttpRequest) -> HttpResponse:
    """信用记录: the city office's register; a district bureau's region; an organisation's own."""
    if not can_view_credit(request.user):
        return deny(request)
    form = CreditFilterForm(request.GET or None)
    rows = selectors.credit_list(request.user, form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.credit_workbook(rows), "信用记录.xlsx")
    context = {
        "form": form,
        "page": _page(request, rows),
        "query": query_without(request),
        "can_add": can_manage_credit(request.user),
        "today": clock.today(),
    }
    return render(request, "protection/credit_list.html", context)


@require_http_methods(["GET", "POST"])
def credit_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_credit(request.user):
        return deny(request)
    form = CreditRecordForm(request.POST or None, request.FILES or None, initial={"start": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, record = save_form(
            request,
            form,
            lambda: services.add_credit_record(
                data["organisation"],
                actor=Actor.web(request.user),
                kind=data["kind"],
                legal_basis=data["legal_basis"],
                source=data["source"],
                start=data["start"],
                end=data["end"],
                note=data["note"],
                public=data["public"],
                document=data.get("document"),
            ),
            "已新增信用记录。",
            refusal_on_form=True,
        )
        if ok:
            return redirect("protection:credit", pk=record.pk)
    return render(request, "protection/credit_form.html", {"form": form})


def _credit(request: HttpRequest, pk: int) -> CreditRecord:
    return get_object_or_404(
        CreditRecord.objects.visible_to(request.user).select_related("organisation", "document"), pk=pk
    )


@require_GET
def credit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_credit(request.user):
        return deny(request)
    record = _credit(request, pk)
    today = clock.today()
    return render(
        request,
        "protection/credit_detail.html",
        {
            "record": record,
            "active": record.is_active(today),
            "blocking": record.kind == CreditKind.SERIOUS and record.is_active(today),
            "actions": CREDIT_WORKFLOW.allowed_actions(record, request.user),
            "reason_form": ReasonForm(),
            "end_form": EndForm(initial={"end": today}),
            "objection_form": ReviewForm(decisions=OBJECTION_DECISIONS),
            "repair_form": ReviewForm(decisions=REPAIR_DECISIONS),
        },
    )


@require_GET
def credit_document(request: HttpRequest, pk: int) -> FileResponse | HttpResponse:
    if not can_view_credit(request.user):
        return deny(request)
    record = _credit(request, pk)
    if record.document is None:
        return deny(request)
    return attachment_response(request, record.document)


CREDIT_POSTS: dict[str, Door] = {
    "publish": Door(keywords(services.publish_credit_record), "已在信用名单中公示。"),
    "unpublish": Door(keywords(services.unpublish_credit_record), "已撤下公示。"),
    "end": Door(keywords(services.end_credit_record), "已设置终止日期。", EndForm),
    "object": Door(keywords(services.object_to_credit_record), "已提出异议，等待市局审核。", ReasonForm),
    "request_repair": Door(
        keywords(services.request_credit_repair), "已申请信用修复，等待市局审核。", ReasonForm
    ),
    "review_objection": Door(
        keywords(services.review_credit_objection),
        "已审核异议。",
        ReviewForm,
        lambda record: {"decisions": OBJECTION_DECISIONS},
    ),
    "review_repair": Door(
        keywords(services.review_credit_repair),
        "已审核信用修复申请。",
        ReviewForm,
        lambda record: {"decisions": REPAIR_DECISIONS},
    ),
}

credit_action = action_view(
    CREDIT_WORKFLOW,
    CREDIT_POSTS,
    guard=can_view_credit,
    fetch=_credit,
    back=lambda request, record: reverse("protection:credit", args=[record.pk]),
)


@require_GET
def public_credit(request: HttpRequest) -> HttpResponse:
    """信用名单 (public): only records marked for publication and in force today."""
    form = PublicCreditFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    today = clock.today()
    rows = selectors.public_credit_list(today, q or "")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.credit_workbook(rows, public=True), "信用名单.xlsx")
    context = {"form": form, "page": _page(request, rows), "query": query_without(request), "today": today}
    return render(request, "protection/public_credit.html", context)


@require_GET
def agency_grades(request: HttpRequest) -> HttpResponse:
    """服务机构信用等级: the city office (all agencies) and district bureaus (their region's)."""
    if not can_view_grades(request.user):
        return deny(request)
    today = clock.today()
    region_id = None if is_city_admin(request.user) else request.user.region_id  # type: ignore[union-attr]
    if not is_city_admin(request.user) and region_id is None:
        grades: list[selectors.AgencyGrade] = []
        params = grading(today)
    else:
        grades, params = selectors.agency_grades(today, region_id=region_id)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.grades_workbook(grades), "服务机构信用等级.xlsx")
    return render(
        request,
        "protection/agency_grades.html",
        {"grades": grades, "params": params, "today": today, "kinds": selectors.KIND_ORDER},
    )


# ------------------------------------------------------------------------------------ complaints


@require_GET
def complaints(request: HttpRequest) -> HttpResponse:
    if not can_view_complaints(request.user):
        return deny(request)
    form = ComplaintFilterForm(request.GET or None)
    rows = selectors.complaint_list(request.user, form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.complaints_workbook(rows), "电商投诉.xlsx")
    context = {
        "form": form,
        "page": _page(request, rows),
        "query": query_without(request),
        "can_file": can_file_complaint(request.user),
        "today": clock.today(),
    }
    return render(request, "protection/complaint_list.html", context)


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    if not can_file_complaint(request.user):
        return deny(request)
    complainant = get_object_or_404(Organisation, pk=member_organisation_id(request.user))
    form = ComplaintForm(
        request.POST or None, request.FILES or None, platforms=services.platform_organisations()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, complaint = save_form(
            request,
            form,
            lambda: services.file_complaint(
                actor=Actor.web(request.user),
                complainant=complainant,
                platform=data["platform"],
                shop=data["shop"],
                listing_url=data["listing_url"],
                right_kind=data["right_kind"],
                right_number=data["right_number"],
                evidence=data["evidence"],
                proof=data.get("proof"),
            ),
            "投诉已提交，平台将在时限内处理。",
            refusal_on_form=True,
        )
        if ok:
            return redirect("protection:complaint", pk=complaint.pk)
    return render(
        request,
        "protection/complaint_form.html",
        {"form": form, "complainant": complainant, "limits": all_time_limits(clock.today())},
    )


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    return get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related(
            "complainant", "platform", "patent", "proof"
        ),
        pk=pk,
    )


@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_complaints(request.user):
        return deny(request)
    complaint = _complaint(request, pk)
    today = clock.today()
    return render(
        request,
        "protection/complaint_detail.html",
        {
            "complaint": complaint,
            "overdue": complaint.is_overdue(today),
            "today": today,
            "actions": COMPLAINT_WORKFLOW.allowed_actions(complaint, request.user),
            "limits": all_time_limits(complaint.filed_on),
            "measure_form": MeasureForm(),
            "counter_form": CounterNoticeForm(),
            "reason_form": ReasonForm(),
            "feedback_form": FeedbackForm(),
        },
    )


@require_GET
def complaint_proof(request: HttpRequest, pk: int) -> FileResponse | HttpResponse:
    if not can_view_complaints(request.user):
        return deny(request)
    complaint = _complaint(request, pk)
    if complaint.proof is None:
        return deny(request)
    return attachment_response(request, complaint.proof)


COMPLAINT_POSTS: dict[str, Door] = {
    "reject": Door(keywords(services.reject_complaint), "已不予受理。", ReasonForm),
    "take_measures": Door(
        keywords(services.take_measures), "已采取必要措施，通知已转送经营者。", MeasureForm
    ),
    "counter_notice": Door(
        keywords(services.record_counter_notice),
        "已登记经营者声明并转送权利人，等待期开始。",
        CounterNoticeForm,
    ),
    "keep": Door(keywords(services.keep_measures), "已登记投诉或起诉，措施维持。", ReasonForm),
    "restore": Door(keywords(services.restore_listing), "等待期已届满，已终止措施。"),
    "close": Door(keywords(services.close_complaint), "投诉已办结。"),
    "flag_malicious": Door(keywords(services.flag_malicious_complaint), "已标记为疑似恶意投诉。", ReasonForm),
    "feedback": Door(keywords(services.give_complaint_feedback), "感谢您的评价。", FeedbackForm),
}

complaint_action = action_view(
    COMPLAINT_WORKFLOW,
    COMPLAINT_POSTS,
    guard=can_view_complaints,
    fetch=_complaint,
    back=lambda request, complaint: reverse("protection:complaint", args=[complaint.pk]),
)


@require_GET
def platform_facts(request: HttpRequest) -> HttpResponse:
    """电商平台投诉处理: each platform's handling in a year (facts for the 规范化电商平台 item)."""
    if not is_city_admin(request.user):
        return deny(request)
    year = _year(request)
    facts = selectors.platform_handling_facts(year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.platform_facts_workbook(facts), f"电商平台投诉处理{year}.xlsx")
    return render(request, "protection/platform_facts.html", {"facts": facts, "year": year})


# ------------------------------------------------------------------------------------ disputes


@require_GET
def disputes(request: HttpRequest) -> HttpResponse:
    """行政裁决与调解案件: the handling office's (city: all; district: its own); parties their own."""
    if not can_view_disputes(request.user):
        return deny(request)
    form = DisputeFilterForm(request.GET or None)
    rows = selectors.dispute_list(request.user, form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.disputes_workbook(rows), "纠纷案件.xlsx")
    context = {
        "form": form,
        "page": _page(request, rows),
        "query": query_without(request),
        "can_register": can_handle_disputes(request.user),
        "mediation_bodies": list(MediationBody.objects.filter(active=True).select_related("region")),
        "mediation_form": MediationRegisterForm() if is_city_admin(request.user) else None,
    }
    return render(request, "protection/dispute_list.html", context)


@require_POST
def mediation_body_new(request: HttpRequest) -> HttpResponse:
    """调解组织名录: the city office adds or changes a body (and the organisation whose accounts act)."""
    if not is_city_admin(request.user):
        return deny(request)
    form = MediationRegisterForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("protection:disputes")
    try:
        services.upsert_mediation_body(actor=Actor.web(request.user), **form.cleaned_data)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已保存调解组织。")
    return redirect("protection:disputes")


def _handling_regions(user: Any) -> Any:
    regions = Region.objects.order_by("code")
    return regions if is_city_admin(user) else regions.filter(pk=user.region_id)


@require_http_methods(["GET", "POST"])
def dispute_new(request: HttpRequest) -> HttpResponse:
    if not can_handle_disputes(request.user):
        return deny(request)
    regions = _handling_regions(request.user)
    form = DisputeForm(request.POST or None, regions=regions, initial={"region": regions.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, dispute = save_form(
            request,
            form,
            lambda: services.register_dispute(actor=Actor.web(request.user), **data),
            "已登记案件。",
            refusal_on_form=True,
        )
        if ok:
            return redirect("protection:dispute", pk=dispute.pk)
    return render(request, "protection/dispute_form.html", {"form": form})


def _mediation_limit(dispute: Dispute) -> str:
    """The mediation's time limit as the page cites it (from the day the mediation started)."""
    started = next((s.on for s in dispute.steps.all() if s.action == "start_mediation"), None)
    return time_limit("mediation", started).describe() if started and dispute.due_on else ""


def _dispute(request: HttpRequest, pk: int) -> Dispute:
    return get_object_or_404(
        Dispute.objects.visible_to(request.user).select_related(
            "region", "claimant", "respondent", "mediator"
        ),
        pk=pk,
    )


@require_GET
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_disputes(request.user):
        return deny(request)
    dispute = _dispute(request, pk)
    return render(
        request,
        "protection/dispute_detail.html",
        {
            "dispute": dispute,
            "patents": list(dispute.patents.order_by("application_number")),
            "stages": selectors.dispute_stages(dispute),
            "actions": DISPUTE_WORKFLOW.allowed_actions(dispute, request.user),
            "reason_form": ReasonForm(),
            "investigator_form": InvestigatorForm(),
            "decision_form": DecisionForm(),
            "enforcement_form": EnforcementForm(),
            "body_form": MediationBodyForm(),
            "overdue": dispute.is_overdue(clock.today()),
            "limit": _mediation_limit(dispute),
            "agreement_form": AgreementForm(),
            "court_form": CourtForm(),
            "feedback_form": FeedbackForm(),
        },
    )


DISPUTE_POSTS: dict[str, Door] = {
    "accept": Door(keywords(services.accept_dispute), "已受理。"),
    "reject": Door(keywords(services.reject_dispute), "已决定不予受理。", ReasonForm),
    "assign_investigator": Door(
        keywords(services.assign_investigator), "已指派技术调查官。", InvestigatorForm
    ),
    "hear": Door(keywords(services.hold_hearing), "已登记口头审理。"),
    "decide": Door(keywords(services.decide_dispute), "已登记裁决结果。", DecisionForm),
    "enforce": Door(keywords(services.enforce_decision), "已执行结案。", EnforcementForm),
    "start_mediation": Door(keywords(services.start_mediation), "已开始调解。", MediationBodyForm),
    "agree": Door(keywords(services.record_agreement), "已登记调解协议。", AgreementForm),
    "fail": Door(keywords(services.record_mediation_failure), "已登记调解不成。", ReasonForm),
    "request_confirmation": Door(
        keywords(services.request_judicial_confirmation), "已登记司法确认申请。", CourtForm
    ),
    "close_mediation": Door(keywords(services.close_mediation), "调解案件已结案。"),
    "feedback": Door(keywords(services.give_dispute_feedback), "感谢您的评价。", FeedbackForm),
}

dispute_action = action_view(
    DISPUTE_WORKFLOW,
    DISPUTE_POSTS,
    guard=can_view_disputes,
    fetch=_dispute,
    back=lambda request, dispute: reverse("protection:dispute", args=[dispute.pk]),
)


@require_GET
def dispute_stats(request: HttpRequest) -> HttpResponse:
    """件数与办案周期 per district and year (the numbers the indicators read)."""
    if not can_view_dispute_stats(request.user):
        return deny(request)
    year = _year(request)
    rows = selectors.district_dispute_stats(year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.dispute_stats_workbook(rows), f"纠纷案件统计{year}.xlsx")
    return render(request, "protection/dispute_stats.html", {"rows": rows, "year": year})


# ------------------------------------------------------------------------------------ 维权援助


@require_GET
def aid(request: HttpRequest) -> HttpResponse:
    """维权援助: the registered bodies; the requests as the user may see them; an organisation asks."""
    if not can_view_aid(request.user):
        return deny(request)
    rows = selectors.aid_request_list(request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.aid_requests_workbook(rows), "维权援助.xlsx")
    return render(
        request,
        "protection/aid.html",
        {
            "bodies": list(AidBody.objects.filter(active=True).select_related("region")),
            "page": _page(request, rows),
            "query": "",
            "request_form": AidRequestForm() if can_file_complaint(request.user) else None,
            "body_form": AidBodyForm() if is_city_admin(request.user) else None,
        },
    )


@require_POST
def aid_new(request: HttpRequest) -> HttpResponse:
    if not can_file_complaint(request.user):
        return deny(request)
    form = AidRequestForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("protection:aid")
    requester = get_object_or_404(Organisation, pk=member_organisation_id(request.user))
    try:
        created = services.submit_aid_request(
            actor=Actor.web(request.user), requester=requester, summary=form.cleaned_data["summary"]
        )
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("protection:aid")
    messages.success(request, "已提交维权援助申请，市局将分派援助机构。")
    return redirect("protection:aid_request", pk=created.pk)


@require_POST
def aid_body_new(request: HttpRequest) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    form = AidBodyForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("protection:aid")
    try:
        services.upsert_aid_body(actor=Actor.web(request.user), **form.cleaned_data)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已保存援助机构。")
    return redirect("protection:aid")


def _aid_request(request: HttpRequest, pk: int) -> AidRequest:
    return get_object_or_404(selectors.aid_request_list(request.user), pk=pk)


@require_GET
def aid_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_aid(request.user):
        return deny(request)
    obj = _aid_request(request, pk)
    return render(
        request,
        "protection/aid_request.html",
        {
            "obj": obj,
            "actions": AID_WORKFLOW.allowed_actions(obj, request.user),
            "route_form": RouteForm(),
            "reason_form": ReasonForm(),
            "close_form": AidCloseForm(city=is_city_admin(request.user)),
            "feedback_form": FeedbackForm(),
            "overdue": obj.is_overdue(clock.today()),
            "limit": time_limit("aid_acceptance", obj.routed_on).describe() if obj.routed_on else "",
        },
    )


AID_POSTS: dict[str, Door] = {
    "route": Door(keywords(services.route_aid_request), "已分派援助机构。", RouteForm),
    "decline": Door(keywords(services.decline_aid_request), "已决定不予援助。", ReasonForm),
    "accept": Door(keywords(services.accept_aid_request), "已受理，申请单位已收到通知。"),
    "close": Door(keywords(services.close_aid_request), "已登记办理结果。", AidCloseForm),
    "recognise_influence": Door(
        keywords(services.recognise_aid_influence), "已认定具有较大影响力。", ReasonOptionalForm
    ),
    "feedback": Door(keywords(services.give_aid_feedback), "感谢您的评价。", FeedbackForm),
}

aid_action = action_view(
    AID_WORKFLOW,
    AID_POSTS,
    guard=can_view_aid,
    fetch=_aid_request,
    back=lambda request, obj: reverse("protection:aid_request", args=[obj.pk]),
)


@require_GET
def aid_facts(request: HttpRequest) -> HttpResponse:
    """Each body's closed and successful cases of a year (公益维权 facts): the city office."""
    if not is_city_admin(request.user):
        return deny(request)
    year = _year(request)
    return render(
        request, "protection/aid_facts.html", {"facts": selectors.aid_body_facts(year), "year": year}
    )


def _year(request: HttpRequest) -> int:
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


# ------------------------------------------------------------------------------------ overseas risk


@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """海外风险预警 (public)."""
    rows = RiskAlert.objects.all()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.alerts_workbook(rows), "海外风险预警.xlsx")
    form = RiskAlertForm() if is_city_admin(request.user) else None
    return render(
        request, "protection/alerts.html", {"page": _page(request, rows), "query": "", "form": form}
    )


@require_POST
def alert_new(request: HttpRequest) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    form = RiskAlertForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("protection:alerts")
    try:
        services.publish_risk_alert(actor=Actor.web(request.user), **form.cleaned_data)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已发布预警。")
    return redirect("protection:alerts")


@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    """An organisation's alert subscriptions and the alerts that match them."""
    if not can_file_complaint(request.user):
        return deny(request)
    organisation = get_object_or_404(Organisation, pk=member_organisation_id(request.user))
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.subscribe_risk_alerts(
                    organisation, actor=Actor.web(request.user), **form.cleaned_data
                )
            except Refused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已订阅。")
                return redirect("protection:subscriptions")
        else:
            form_errors(request, form)
    return render(
        request,
        "protection/subscriptions.html",
        {
            "organisation": organisation,
            "subscriptions": list(organisation.risk_subscriptions.all()),
            "alerts": list(selectors.alerts_for(organisation)[:50]),
            "form": form,
        },
    )


@require_POST
def subscription_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_file_complaint(request.user):
        return deny(request)
    own = member_organisation_id(request.user)
    subscription = get_object_or_404(RiskSubscription.objects.filter(organisation_id=own or 0), pk=pk)
    services.cancel_risk_subscription(subscription, actor=Actor.web(request.user))
    messages.success(request, "已取消订阅。")
    return redirect("protection:subscriptions")


@require_http_methods(["GET", "POST"])
def risk_checks(request: HttpRequest) -> HttpResponse:
    """风险排查: an organisation asks before an exhibition or export; the city office answers."""
    if not (can_file_complaint(request.user) or is_city_admin(request.user)):
        return deny(request)
    form = RiskCheckForm(request.POST or None) if can_file_complaint(request.user) else None
    if request.method == "POST":
        if form is None:
            return deny(request)
        if form.is_valid():
            organisation = get_object_or_404(Organisation, pk=member_organisation_id(request.user))
            try:
                check = services.request_risk_check(
                    actor=Actor.web(request.user), organisation=organisation, **form.cleaned_data
                )
            except Refused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已提交风险排查申请。")
                return redirect("protection:risk_check", pk=check.pk)
        else:
            form_errors(request, form)
    rows = selectors.risk_check_list(request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.risk_checks_workbook(rows), "风险排查.xlsx")
    return render(
        request, "protection/risk_checks.html", {"page": _page(request, rows), "query": "", "form": form}
    )


def _risk_check(request: HttpRequest, pk: int) -> RiskCheck:
    return get_object_or_404(selectors.risk_check_list(request.user), pk=pk)


def _checks_guard(user: Any) -> bool:
    return can_file_complaint(user) or is_city_admin(user)


@require_GET
def risk_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not _checks_guard(request.user):
        return deny(request)
    check = _risk_check(request, pk)
    return render(
        request,
        "protection/risk_check.html",
        {
            "check": check,
            "actions": RISK_CHECK_WORKFLOW.allowed_actions(check, request.user),
            "form": AnswerForm(),
        },
    )


risk_check_action = action_view(
    RISK_CHECK_WORKFLOW,
    {"answer": Door(keywords(services.answer_risk_check), "已答复排查意见。", AnswerForm)},
    guard=_checks_guard,
    fetch=_risk_check,
    back=lambda request, check: reverse("protection:risk_check", args=[check.pk]),
)


@require_http_methods(["GET", "POST"])
def overseas_disputes(request: HttpRequest) -> HttpResponse:
    """涉外纠纷: the city office records them and their outcomes; districts and organisations read."""
    if not (can_view_disputes(request.user)):
        return deny(request)
    form = OverseasDisputeForm(request.POST or None) if is_city_admin(request.user) else None
    if request.method == "POST":
        if form is None:
            return deny(request)
        if form.is_valid():
            try:
                services.record_overseas_dispute(actor=Actor.web(request.user), **form.cleaned_data)
            except Refused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已登记涉外纠纷。")
                return redirect("protection:overseas_disputes")
        else:
            form_errors(request, form)
    rows = selectors.overseas_dispute_list(request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.overseas_disputes_workbook(rows), "涉外纠纷.xlsx")
    return render(
        request,
        "protection/overseas_disputes.html",
        {"page": _page(request, rows), "query": "", "form": form, "outcome_form": OutcomeForm()},
    )


@require_POST
def overseas_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    dispute = get_object_or_404(OverseasDispute, pk=pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("protection:overseas_disputes")
    try:
        services.record_overseas_outcome(dispute, actor=Actor.web(request.user), **form.cleaned_data)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已登记结果。")
    return redirect("protection:overseas_disputes")


# ------------------------------------------------------------------------------------ 商业秘密保护站点


@require_GET
def secret_sites(request: HttpRequest) -> HttpResponse:
    """商业秘密保护示范点、指导站 (public register)."""
    rows = SecretSite.objects.select_related("region")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.secret_sites_workbook(rows), "商业秘密保护站点.xlsx")
    form = SecretSiteForm() if is_city_admin(request.user) else None
    return render(
        request, "protection/secret_sites.html", {"page": _page(request, rows), "query": "", "form": form}
    )


@require_POST
def secret_site_new(request: HttpRequest) -> HttpResponse:
    if not is_city_admin(request.user):
        return deny(request)
    form = SecretSiteForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("protection:secret_sites")
    try:
        services.upsert_secret_site(actor=Actor.web(request.user), **form.cleaned_data)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已保存。")
    return redirect("protection:secret_sites")


@require_GET
def satisfaction(request: HttpRequest) -> HttpResponse:
    """办结满意度 by service and district (goal 1): the city office and the district bureaus."""
    if not can_view_grades(request.user):
        return deny(request)
    year = _year(request)
    rows = selectors.satisfaction_report(year)
    if not is_city_admin(request.user):
        region = getattr(request.user.region, "name", "")  # type: ignore[union-attr]
        rows = [r for r in rows if r.region == region]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.satisfaction_workbook(rows, year), f"办结满意度{year}.xlsx")
    return render(request, "protection/satisfaction.html", {"rows": rows, "year": year})
