"""Reads for the grants pages and exports: scoped lists, the SLA clock, budget execution, the ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin
from ipcity.core.models import Region
from ipcity.core.workdays import WorkdayCalendarError, working_days_between
from ipcity.grants import clock
from ipcity.grants.choices import (
    OPEN_STATUSES,
    ApplicationStatus,
    EntitlementStatus,
    ObjectionStatus,
)
from ipcity.grants.models import (
    Application,
    Budget,
    Entitlement,
    Grant,
    Objection,
    Payment,
    WorkflowStep,
)
from ipcity.grants.permissions import ledger_region_id
from ipcity.policy.engine import Item, PolicyError, default_catalog
from ipcity.policy.engine.explain import show_fact

ZERO = Decimal("0")


def item_name(code: str) -> str:
    item = default_catalog().items.get(code)
    return item.name if item else code


def facts_text(facts: Any) -> str:
    """Facts as read in the audit log (label：value), each by the first catalog item that asks for
    it: the log does not name the item, and items that share a fact share its label."""
    if not isinstance(facts, dict):
        return str(facts)
    owners: dict[str, Item] = {}
    for item in items_in_order():
        for name in item.facts:
            owners.setdefault(name, item)
    parts = []
    for name, value in facts.items():
        owner = owners.get(name)
        if owner is None:
            parts.append(f"{name}：{value}")
            continue
        spec = owner.facts[name]
        try:
            shown = show_fact(owner, name, spec.coerce(owner.code, value))
        except PolicyError:
            shown = str(value)
        parts.append(f"{spec.label}：{shown}")
    return "；".join(parts)


def items_in_order() -> list[Item]:
    return list(default_catalog().items.values())


def item_choices(*, blank: str | None = "全部") -> list[tuple[str, str]]:
    choices = [(i.code, i.name) for i in items_in_order()]
    return [("", blank), *choices] if blank is not None else choices


@dataclass
class SlaState:
    due: dt.date | None
    remaining: int | None  # working days left; negative when overdue
    overdue: bool
    note: str
    done_on: dt.date | None = None

    @property
    def text(self) -> str:
        if self.due is None:
            return self.note or "—"
        if self.done_on is not None:
            return f"已于 {self.done_on.isoformat()} 兑现（期限 {self.due.isoformat()}）"
        if self.remaining is None:  # the clock is not running: closed, returned, or not computable
            return (
                f"{self.note}（期限 {self.due.isoformat()}）" if self.note else f"期限 {self.due.isoformat()}"
            )
        if self.overdue:
            return f"已超期 {-self.remaining} 个工作日（期限 {self.due.isoformat()}）"
        return f"剩余 {self.remaining} 个工作日（期限 {self.due.isoformat()}）"


def sla_state(app: Application, today: dt.date | None = None) -> SlaState | None:
    """The 60-working-day clock of a 快申快享 application; None for other tracks or before submission."""
    if app.track != "fast" or app.submitted_on is None:
        return None
    today = today or clock.today()
    if app.sla_due is None:
        return SlaState(None, None, False, app.sla_note or "期限未计算")
    done_on = None
    if app.status == ApplicationStatus.PAID:
        try:  # application_list selects grant and payment with the application
            done_on = app.grant.payment.paid_on
        except (Grant.DoesNotExist, Payment.DoesNotExist):
            done_on = None
        return SlaState(app.sla_due, None, bool(done_on and done_on > app.sla_due), "", done_on)
    if app.status == ApplicationStatus.RETURNED:
        return SlaState(None, None, False, "退回修改中，重新提交后重新起算")
    if app.status not in OPEN_STATUSES:
        return SlaState(app.sla_due, None, False, "已办结")
    try:
        remaining = working_days_between(today, app.sla_due)
    except WorkdayCalendarError as exc:
        return SlaState(app.sla_due, None, False, str(exc))
    return SlaState(app.sla_due, remaining, today > app.sla_due, "")


def application_list(user: Any, data: dict[str, Any]) -> QuerySet[Application]:
    qs = Application.objects.visible_to(user).select_related(
        "organisation", "organisation__region", "grant", "grant__payment"
    )
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("item"):
        qs = qs.filter(item_code=data["item"])
    if data.get("region"):
        qs = qs.filter(organisation__region_id=data["region"])
    if data.get("q"):
        qs = qs.filter(organisation__name__icontains=data["q"])
    return qs.order_by("-created_at", "-id")


def entitlement_list(user: Any, data: dict[str, Any]) -> QuerySet[Entitlement]:
    qs = Entitlement.objects.visible_to(user).select_related("organisation", "organisation__region")
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("item"):
        qs = qs.filter(item_code=data["item"])
    if data.get("year"):
        qs = qs.filter(detection_year=data["year"])
    return qs.order_by("-detected_at", "-id")


def publicity_list() -> QuerySet[Application]:
    """Applications now in publicity: published to everyone (organisation, item, amount)."""
    return (
        Application.objects.filter(status=ApplicationStatus.PUBLICITY)
        .select_related("organisation", "organisation__region")
        .order_by("publicity_end", "id")
    )


@dataclass
class BudgetLine:
    item_code: str
    name: str
    year: int
    budget: Decimal | None
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    count: int = 0

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed


def budget_execution(year: int) -> list[BudgetLine]:
    """Per item for one budget year: budget, committed (approved), paid, remaining."""
    budgets = {b.item_code: b.amount for b in Budget.objects.filter(year=year)}
    committed = {
        row["item_code"]: row
        for row in Grant.objects.filter(budget_year=year)
        .values("item_code")
        .annotate(total=Sum("amount"), n=Count("pk"))
        .order_by()
    }
    paid = {
        row["grant__item_code"]: row["total"]
        for row in Payment.objects.filter(grant__budget_year=year)
        .values("grant__item_code")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    lines = []
    for item in items_in_order():
        if item.code not in budgets and item.code not in committed:
            continue
        row = committed.get(item.code, {})
        lines.append(
            BudgetLine(
                item_code=item.code,
                name=item.name,
                year=year,
                budget=budgets.get(item.code),
                committed=row.get("total") or ZERO,
                paid=paid.get(item.code) or ZERO,
                count=row.get("n") or 0,
            )
        )
    return lines


@dataclass
class LedgerTable:
    years: list[int]
    regions: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)  # item, region, year, count, amount
    total: Decimal = ZERO
    count: int = 0
    by_item: dict[str, Decimal] = field(default_factory=dict)
    by_region: dict[str, Decimal] = field(default_factory=dict)


def ledger_payments(user: Any, data: dict[str, Any]) -> QuerySet[Payment]:
    qs = Payment.objects.select_related("organisation", "region", "grant")
    scope = ledger_region_id(user)
    if scope is False:
        return qs.none()
    if scope is not None:
        qs = qs.filter(region_id=scope)
    if data.get("year"):
        qs = qs.filter(paid_on__year=data["year"])
    if data.get("item"):
        qs = qs.filter(item_code=data["item"])
    if data.get("region"):
        qs = qs.filter(region_id=data["region"])
    return qs.order_by("-paid_on", "-id")


def ledger_table(payments: QuerySet[Payment]) -> LedgerTable:
    """Disbursements grouped by item, district and year (the year of payment)."""
    grouped = (
        payments.values("item_code", "region__name", "region__position", "paid_on__year")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    order = {i.code: n for n, i in enumerate(items_in_order())}
    rows = []
    by_item: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_region: dict[str, Decimal] = defaultdict(lambda: ZERO)
    total, count = ZERO, 0
    for row in grouped:
        region = row["region__name"] or "未登记区市"
        rows.append(
            {
                "item_code": row["item_code"],
                "item": item_name(row["item_code"]),
                "region": region,
                "region_position": row["region__position"] if row["region__position"] is not None else 999,
                "year": row["paid_on__year"],
                "count": row["n"],
                "amount": row["total"],
            }
        )
        by_item[item_name(row["item_code"])] += row["total"]
        by_region[region] += row["total"]
        total += row["total"]
        count += row["n"]
    rows.sort(key=lambda r: (-r["year"], order.get(r["item_code"], 999), r["region_position"]))
    return LedgerTable(
        years=sorted({r["year"] for r in rows}, reverse=True),
        regions=[r.name for r in Region.objects.all() if r.name in by_region],
        rows=rows,
        total=total,
        count=count,
        by_item=dict(by_item),
        by_region=dict(by_region),
    )


# ---------------------------------------------------------------- what waits for a user (工作台)

# A budget line is "running low" when at most this share of it is left uncommitted.
BUDGET_LOW_SHARE = Decimal("0.1")


def _applies(user: Any) -> bool:
    """An applicant or agency account: it acts for its organisation (permissions.member_organisation)."""
    return has_role(user, Role.APPLICANT) or has_role(user, Role.AGENCY)


def applications_awaiting(user: Any, today: dt.date | None = None) -> QuerySet[Application]:
    """The applications waiting for `user` to act now, the most urgent 兑现期限 first. The statuses
    are those in which permissions.APPLICATION_RULES gives this role an action that moves the
    application on (withdrawing, and objections during publicity, are not waiting work):

    - the city office: 市级审核, 专家评审, 公示 once it is over (核定) or while an objection is
      open, 核定 done and the payment to record;
    - a district bureau: submitted applications of its region (初审);
    - an applicant or agency: its organisation's drafts and those returned for revision.
    """
    today = today or clock.today()
    S = ApplicationStatus
    qs = Application.objects.visible_to(user)
    if is_city_admin(user):
        open_objection = Exists(
            Objection.objects.filter(application=OuterRef("pk"), status=ObjectionStatus.OPEN)
        )
        qs = qs.filter(
            Q(status__in=[S.CITY_REVIEW, S.EXPERT_REVIEW, S.APPROVED])
            | (Q(status=S.PUBLICITY) & (Q(publicity_end__lt=today) | open_objection))
        )
    elif has_role(user, Role.DISTRICT_OFFICER):
        qs = qs.filter(status=S.SUBMITTED)
    elif _applies(user):
        from ipcity.grants.workflows import APPLICATION_WORKFLOW  # the statuses the applicant edits in

        qs = qs.filter(status__in=APPLICATION_WORKFLOW.action("edit").sources).prefetch_related(
            Prefetch(
                "steps",
                queryset=WorkflowStep.objects.filter(to_status=S.RETURNED).order_by("-at", "-id"),
                to_attr="returns",
            )
        )
    else:
        qs = qs.none()
    return qs.select_related("organisation__region").order_by(
        F("sla_due").asc(nulls_last=True), "submitted_on", "created_on", "pk"
    )


def applications_in_progress(user: Any) -> QuerySet[Application]:
    """Submitted applications still under way (review, publicity, payment) that `user` may see."""
    return (
        Application.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("organisation__region")
        .order_by(F("sla_due").asc(nulls_last=True), "submitted_on", "pk")
    )


def entitlements_awaiting(user: Any) -> QuerySet[Entitlement]:
    """免申即享 entitlements waiting for `user`: 意愿确认 for the organisation's account; 核定 and
    the payment for the city office (permissions.ENTITLEMENT_RULES)."""
    E = EntitlementStatus
    qs = Entitlement.objects.visible_to(user)
    if is_city_admin(user):
        qs = qs.filter(status__in=[E.CONFIRMED, E.APPROVED])
    elif _applies(user):
        qs = qs.filter(status=E.PENDING)
    else:
        qs = qs.none()
    return qs.select_related("organisation__region").order_by("detected_at", "pk")


def entitlements_in_progress(user: Any) -> QuerySet[Entitlement]:
    """Confirmed entitlements not yet paid that `user` may see."""
    E = EntitlementStatus
    return (
        Entitlement.objects.visible_to(user)
        .filter(status__in=[E.CONFIRMED, E.APPROVED])
        .select_related("organisation__region")
        .order_by("detected_at", "pk")
    )


def budgets_running_low(year: int) -> list[BudgetLine]:
    """The year's budget lines with at most BUDGET_LOW_SHARE of a (non-zero) budget left."""
    return [
        line
        for line in budget_execution(year)
        if line.budget and line.remaining is not None and line.remaining <= line.budget * BUDGET_LOW_SHARE
    ]
