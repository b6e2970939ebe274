"""Shared by the grants services: the engine's decision with the platform's facts, who is notified,
and money: `_commit_grant` and `record_payment`. Every workflow write asks the action tables of
grants/workflows.py (`require` first, `move` for the change of status); a refusal is core.workflow's
`Refused`, whose message (Chinese) says why, with nothing written.

Money is committed in `_commit_grant`: it locks the item's budget rows (SELECT … FOR UPDATE on
PostgreSQL; SQLite runs IMMEDIATE transactions, so writers are serialised), re-evaluates the
decision with what the database says has been granted, checks the budget, and inserts the Grant,
whose unique constraint keeps one reward per IP right and item even if two requests race.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse

from ipcity.accounts.choices import Role
from ipcity.accounts.models import User
from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.core.notifications import notify
from ipcity.core.workdays import WorkdayCalendarError, add_working_days
from ipcity.core.workflow import Refused, workflow_for
from ipcity.grants import clock
from ipcity.grants.choices import GrantStatus
from ipcity.grants.evaluation import decide, item_or_none
from ipcity.grants.models import (
    Application,
    ApplicationLink,
    Budget,
    Entitlement,
    Grant,
    Payment,
)
from ipcity.grants.records import (
    RecordChoice,
    RightIdError,
    blocking_credit_records,
    normalize_right_id,
    organisation_records,
)
from ipcity.grants.workflows import payee_refusal
from ipcity.policy.engine import Decision, Item, PolicyError
from ipcity.policy.engine.money import yuan
from ipcity.registry.models import Organisation

ZERO = Decimal("0")
APPLICATION_FIELDS = [
    "status",
    "decisive_date",
    "facts",
    "right_id",
    "decided_amount",
    "eligible",
    "amount",
    "ceiling",
    "submitted_on",
    "sla_due",
    "sla_note",
    "publicity_start",
    "publicity_end",
]
ENTITLEMENT_FIELDS = ["status", "facts", "decided_amount", "eligible", "amount", "ceiling", "confirmed_by"]


# ---------------------------------------------------------------- helpers


def _item(code: str) -> Item:
    item = item_or_none(code)
    if item is None:
        raise Refused(f"目录中没有奖补项目“{code}”")
    return item


def _move(
    obj: Application | Entitlement,
    name: str,
    *,
    actor: Actor,
    before: dict[str, Any],
    extra: dict[str, Any] | None = None,
    **inputs: Any,
) -> None:
    """Save what the service changed and take the action `name` of the object's workflow: one
    step and one audit event (the fields before and after, and `extra`) for both."""
    obj.save()
    fields = APPLICATION_FIELDS if isinstance(obj, Application) else ENTITLEMENT_FIELDS
    after = {**snapshot(obj, fields), **(extra or {})}
    workflow_for(obj).move(obj, name, actor=actor, audit_before=before, audit_after=after, **inputs)


def _store_decision(obj: Application | Entitlement, decision: Decision) -> None:
    obj.decision = decision.as_dict()
    obj.eligible = decision.eligible
    obj.amount = decision.amount
    obj.ceiling = decision.ceiling


def _reasons(decision: Decision) -> str:
    return "；".join(decision.reasons) or "—"


def _decide(item: Item, org: Organisation, on: dt.date, facts: dict[str, Any], **kwargs: Any) -> Decision:
    try:
        return decide(item, org, on, facts, today=clock.today(), **kwargs)
    except PolicyError as exc:
        raise Refused(exc.message) from exc


def _right_key(app: Application) -> str | None:
    """The IP right this application rewards: the number given, else the first linked record."""
    if app.right_id:
        return app.right_id
    first = app.links.order_by("id").first()
    return first.key if first is not None else None


def _app_url(app: Application) -> str:
    return reverse("grants:application", args=[app.pk])


def _ent_url(ent: Entitlement) -> str:
    return reverse("grants:entitlement", args=[ent.pk])


def organisation_users(org: Organisation) -> list[User]:
    return list(User.objects.filter(membership__organisation=org, is_active=True))


def district_officers(org: Organisation) -> list[User]:
    if org.region_id is None:
        return []
    return list(User.objects.filter(role=Role.DISTRICT_OFFICER, region_id=org.region_id, is_active=True))


def city_admins() -> list[User]:
    return list(User.objects.filter(role=Role.CITY_ADMIN, is_active=True))


def _check_decisive_date(item: Item, on: dt.date) -> None:
    if on > clock.today():
        raise Refused(f"{item.decisive_date}（{on.isoformat()}）不能晚于今天")


def _normalize_right(text: str) -> str:
    try:
        return normalize_right_id(text)
    except RightIdError as exc:
        raise Refused(f"知识产权或项目编号：{exc}") from exc


def _resolve_links(org: Organisation, values: Iterable[str]) -> list[RecordChoice]:
    wanted = list(dict.fromkeys(values))
    if not wanted:
        return []
    available = {c.value: c for c in organisation_records(org)}
    missing = [v for v in wanted if v not in available]
    if missing:
        raise Refused(f"关联的登记记录不属于{org.name}或不存在：{'、'.join(missing)}")
    return [available[v] for v in wanted]


def _replace_links(app: Application, choices: list[RecordChoice]) -> None:
    app.links.all().delete()
    ApplicationLink.objects.bulk_create(
        ApplicationLink(application=app, kind=c.kind, object_id=c.object_id, key=c.key, label=c.label[:300])
        for c in choices
    )


def _sla(app: Application, item: Item) -> None:
    days = item.track.sla_working_days
    app.sla_due, app.sla_note = None, ""
    if not days or app.submitted_on is None:
        return
    try:
        app.sla_due = add_working_days(app.submitted_on, days)
    except WorkdayCalendarError as exc:
        app.sla_note = f"无法计算兑现期限：{exc}"[:200]


def _commit_grant(
    source: Application | Entitlement,
    *,
    actor: Actor,
    item: Item,
    facts: dict[str, Any],
    right_key: str | None,
    decided_amount: Decimal | None,
) -> tuple[Grant, Decision]:
    """Commit money for `source` under the budget lock. Raises Refused when the budget, the
    quota, the annual cap or the one-reward-per-right rule would be broken."""
    today = clock.today()
    org = source.organisation
    # Lock every budget row of the item, in year order: approvals of one item are serialised, so the
    # caps and quotas below are read with every earlier commitment visible.
    budgets = list(Budget.objects.select_for_update().filter(item_code=item.code).order_by("year"))
    budget = next((b for b in budgets if b.year == today.year), None)
    if budget is None:
        raise Refused(f"{item.name}尚未设置 {today.year} 年度预算，不能核定")
    try:
        decision = decide(
            item,
            org,
            source.decisive_date,
            facts,
            today=today,
            right_key=right_key,
            decided_amount=decided_amount,
        )
    except PolicyError as exc:
        raise Refused(exc.message) from exc
    if not decision.eligible:
        raise Refused(f"核定时复核不符合条件：{_reasons(decision)}")
    if decision.amount is None:
        raise Refused("金额尚未审定，不能核定")
    if decision.amount <= 0:
        raise Refused("核定金额为零，不能核定")
    committed = Grant.objects.filter(item_code=item.code, budget_year=today.year).aggregate(t=Sum("amount"))[
        "t"
    ] or Decimal("0")
    if committed + decision.amount > budget.amount:
        raise Refused(
            f"预算不足：{item.name} {today.year} 年度预算 {yuan(budget.amount)}，已核定 {yuan(committed)}，"
            f"本笔 {yuan(decision.amount)}，余额 {yuan(budget.amount - committed)}"
        )
    try:
        with transaction.atomic():
            grant = Grant.objects.create(
                item_code=item.code,
                organisation=org,
                budget_year=today.year,
                decisive_date=source.decisive_date,
                amount=decision.amount,
                right_key=right_key or "",
                application=source if isinstance(source, Application) else None,
                entitlement=source if isinstance(source, Entitlement) else None,
                decision=decision.as_dict(),
                committed_on=today,
                committed_by=actor.label,
            )
    except IntegrityError as exc:
        raise Refused(f"同一知识产权（{right_key}）已在{item.name}中获得奖补，不重复奖补") from exc
    return grant, decision


# ---------------------------------------------------------------- payments


@transaction.atomic
def record_payment(grant: Grant, *, actor: Actor, paid_on: dt.date, reference: str) -> Payment | None:
    """Record the disbursement of a committed grant, to the payee account the organisation has on
    file (copied into the payment; refused when there is none). A serious dishonesty record active
    on the payment date blocks it: the reason is kept on the grant and None is returned."""
    grant = Grant.objects.select_for_update().select_related("organisation").get(pk=grant.pk)
    if grant.status != GrantStatus.COMMITTED:
        raise Refused("该笔奖补已兑现，不能重复付款")
    workflow = workflow_for(grant.source)
    source = workflow.lock(grant.source)
    workflow.require(source, "pay", actor=actor)
    if paid_on > clock.today():
        raise Refused("支付日期不能晚于今天")
    if paid_on < grant.committed_on:
        raise Refused(f"支付日期不能早于核定日期 {grant.committed_on.isoformat()}")
    if not reference.strip():
        raise Refused("请填写支付凭证号")
    reference = reference.strip()
    # The account is read under a lock: the one copied is the one on file when the payment is made.
    org = Organisation.objects.select_for_update().get(pk=grant.organisation_id)
    missing = payee_refusal(org)  # the table checked it; the admin may have cleared it since
    if missing:
        raise Refused(missing)
    blocks = blocking_credit_records(org, paid_on)
    if blocks:
        reason = "信用核查未通过：" + "；".join(
            f"{r.get_kind_display()}（{r.source}，自 {r.start.isoformat()} 起）" for r in blocks
        )
        grant.payment_blocked = reason[:300]
        grant.save(update_fields=["payment_blocked"])
        record_event(actor, "grant.payment_blocked", obj=grant, note=reason)
        return None
    budget = (
        Budget.objects.select_for_update().filter(item_code=grant.item_code, year=grant.budget_year).first()
    )
    paid = Payment.objects.filter(
        grant__item_code=grant.item_code, grant__budget_year=grant.budget_year
    ).aggregate(t=Sum("amount"))["t"] or Decimal("0")
    if budget is None or paid + grant.amount > budget.amount:
        raise Refused("付款将超出该项目年度预算")
    payment = Payment.objects.create(
        grant=grant,
        item_code=grant.item_code,
        organisation=org,
        region=org.region,
        amount=grant.amount,
        paid_on=paid_on,
        reference=reference,
        payee_name=org.payee_name,
        payee_bank=org.payee_bank,
        payee_account=org.payee_account,
        recorded_by=actor.label,
    )
    grant.status = GrantStatus.PAID
    grant.payment_blocked = ""
    grant.save(update_fields=["status", "payment_blocked"])
    workflow.move(
        source,
        "pay",
        actor=actor,
        comment=f"{paid_on.isoformat()} 兑现 {yuan(grant.amount)}（凭证 {reference}）",
        audit_after={
            "grant": grant.pk,
            "amount": grant.amount,
            "paid_on": paid_on,
            "reference": reference,
            "payee": {"name": org.payee_name, "bank": org.payee_bank, "account": org.payee_account},
        },
    )
    url = _app_url(source) if isinstance(source, Application) else _ent_url(source)
    item = _item(grant.item_code)
    notify(
        organisation_users(org),
        title=f"{item.name}已兑现",
        body=f"{source.number} 奖补 {yuan(grant.amount)} 已于 {paid_on.isoformat()} 支付。",
        url=url,
        actor=actor,
    )
    return payment
