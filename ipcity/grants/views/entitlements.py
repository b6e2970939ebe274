"""免申即享 entitlements (list, detail, 意愿确认, approval, the detection job), budgets and the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ipcity.accounts.guards import deny
from ipcity.core.audit import Actor
from ipcity.core.workflow import Door, Refused, action_view, keywords
from ipcity.grants import clock, exports, selectors, services
from ipcity.grants.evaluation import item_or_none
from ipcity.grants.forms import (
    ApproveForm,
    BudgetForm,
    CancelForm,
    ConfirmEntitlementForm,
    DetectionForm,
    EntitlementFilterForm,
    LedgerFilterForm,
    PaymentForm,
)
from ipcity.grants.models import (
    Entitlement,
    Grant,
)
from ipcity.grants.permissions import can_manage_grants, can_view_grants, can_view_ledger
from ipcity.grants.protection_facts import protection_evidence
from ipcity.grants.views.common import PAGE_SIZE, fact_rows, pay_refusal
from ipcity.grants.workflows import ENTITLEMENT_WORKFLOW as FLOW
from ipcity.lib.excel import xlsx_response
from ipcity.lib.inputs import query_without
from ipcity.registry.permissions import can_see_all_payee_accounts

# ---------------------------------------------------------------- entitlements


@require_GET
def entitlement_list(request: HttpRequest) -> HttpResponse:
    if not can_view_grants(request.user):
        return deny(request)
    form = EntitlementFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    ents = selectors.entitlement_list(request.user, data)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.entitlements_workbook(ents), "免申即享事项.xlsx")
    page = Paginator(ents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/entitlement_list.html",
        {
            "page": page,
            "rows": [(e, item_or_none(e.item_code)) for e in page],
            "form": form,
            "query": query_without(request),
            "can_manage": can_manage_grants(request.user),
        },
    )


def _entitlement(request: HttpRequest, pk: int) -> Entitlement:
    return get_object_or_404(
        Entitlement.objects.visible_to(request.user).select_related("organisation", "organisation__region"),
        pk=pk,
    )


@require_GET
def entitlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_view_grants(request.user):
        return deny(request)
    ent = _entitlement(request, pk)
    item = item_or_none(ent.item_code)
    if item is None:
        raise Http404("目录中已没有该项目")
    grant = Grant.objects.filter(entitlement=ent).select_related("payment").first()
    payment = getattr(grant, "payment", None) if grant else None
    today = clock.today()
    return render(
        request,
        "grants/entitlement_detail.html",
        {
            "ent": ent,
            "item": item,
            "facts": fact_rows(item, ent.facts),
            "evidence": protection_evidence(item.code, ent.organisation, today),
            "decision": ent.decision or {},
            "steps": list(ent.steps.all()),
            "grant": grant,
            "payment": payment,
            "pay_refusal": pay_refusal(ent, request.user, grant, payment),
            "actions": FLOW.allowed_actions(ent, request.user, today=today),
            "confirm_form": ConfirmEntitlementForm(
                item=item, confirm_facts=ent.confirm_facts, facts=ent.facts
            ),
            "pending_amount": bool(ent.eligible and ent.amount is None),
            "approve_form": ApproveForm(),
            "cancel_form": CancelForm(),
            "payment_form": PaymentForm(initial={"paid_on": today}),
        },
    )


def _confirm_form(ent: Entitlement) -> dict[str, Any]:
    return {"item": item_or_none(ent.item_code), "confirm_facts": ent.confirm_facts, "facts": ent.facts}


# The workflow POSTs on an entitlement page, by action (urls.py names the action of each address).
POSTS: dict[str, Door] = {
    "confirm": Door(
        lambda ent, actor, data: services.confirm_entitlement(
            ent, actor=actor, accept=data["accept"], facts=data["facts"], comment=data["comment"]
        ),
        lambda data: "已确认申领，等待市局核定。" if data["accept"] else "已放弃申领。",
        ConfirmEntitlementForm,
        _confirm_form,
    ),
    "approve": Door(keywords(services.approve_entitlement), "已核定，待兑现。", ApproveForm),
    "cancel": Door(keywords(services.cancel_entitlement), "已撤销。", CancelForm),
}


entitlement_action = action_view(
    FLOW,
    POSTS,
    guard=can_view_grants,
    fetch=_entitlement,
    back=lambda request, ent: reverse("grants:entitlement", args=[ent.pk]),
)


@require_http_methods(["GET", "POST"])
def entitlement_detect(request: HttpRequest) -> HttpResponse:
    """Start an entitlement run as a background job (the same code as `ipcity grants entitlements`)."""
    if not can_manage_grants(request.user):
        return deny(request)
    form = DetectionForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        job = services.start_detection_job(
            form.cleaned_data["year"], actor=Actor.web(request.user), dry_run=form.cleaned_data["dry_run"]
        )
        return redirect("core:job", pk=job.pk)
    return render(request, "grants/entitlement_detect.html", {"form": form})


# ---------------------------------------------------------------- budgets and ledger


@require_http_methods(["GET", "POST"])
def budgets(request: HttpRequest) -> HttpResponse:
    if not can_manage_grants(request.user):
        return deny(request)
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    form = BudgetForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_budget(
                data["item_code"],
                data["year"],
                data["amount"],
                actor=Actor.web(request.user),
                note=data["note"],
            )
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "预算已保存。")
            return redirect(f"{reverse('grants:budgets')}?year={data['year']}")
    lines = selectors.budget_execution(year)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.budgets_workbook(lines, year), f"{year}年奖补预算执行.xlsx")
    return render(request, "grants/budgets.html", {"form": form, "lines": lines, "year": year})


@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    if not can_view_ledger(request.user):
        return deny(request)
    form = LedgerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    payments = selectors.ledger_payments(request.user, data)
    table = selectors.ledger_table(payments)
    if request.GET.get("format") == "xlsx":
        workbook = exports.ledger_workbook(
            table, payments, full_accounts=can_see_all_payee_accounts(request.user)
        )
        return xlsx_response(workbook, "奖补兑现台账.xlsx")
    return render(
        request,
        "grants/ledger.html",
        {
            "form": form,
            "table": table,
            "payments": payments[:100],
            "query": query_without(request),
        },
    )
