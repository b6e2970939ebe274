"""免申即享 entitlements: the detection run as a background job (detection.py does the work),
意愿确认, approval, cancellation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.core.jobs import JobHandle, background_job, start_job
from ipcity.core.models import Job
from ipcity.core.notifications import notify
from ipcity.grants.choices import (
    Action,
    EntitlementStatus,
)
from ipcity.grants.evaluation import needs_decided_amount
from ipcity.grants.models import (
    Entitlement,
    Grant,
)
from ipcity.grants.services.common import (
    ENTITLEMENT_FIELDS,
    WorkflowError,
    _commit_grant,
    _decide,
    _ent_url,
    _item,
    _locked,
    _move,
    _reasons,
    _require,
    _store_decision,
    city_admins,
    organisation_users,
)
from ipcity.policy.engine.money import yuan

# ---------------------------------------------------------------- entitlements (免申即享)


@background_job("grants.entitlements")
def detection_job(handle: JobHandle, actor: Actor, /, *, year: int, dry_run: bool = False) -> dict[str, Any]:
    """The same detection as `ipcity grants entitlements`, run by a worker."""
    from ipcity.grants.detection import run_detection
    from ipcity.grants.exports import detection_result

    report = run_detection(
        year, actor=actor, dry_run=dry_run, progress=lambda d, t, m: handle.progress(d, t, m)
    )
    return detection_result(report)


def start_detection_job(year: int, *, actor: Actor, dry_run: bool = False) -> Job:
    """Queue detection_job; the job page shows progress and the result."""
    verb = "预览" if dry_run else "比对"
    return start_job(
        detection_job,
        label=f"免申即享{verb}：{year} 年",
        actor=actor,
        params={"year": year, "dry_run": dry_run},
    )


@transaction.atomic
def confirm_entitlement(
    ent: Entitlement,
    *,
    actor: Actor,
    accept: bool,
    facts: dict[str, Any] | None = None,
    comment: str = "",
) -> Entitlement:
    """意愿确认: the organisation accepts (correcting the facts the registry could only estimate)
    or declines."""
    ent = _locked(ent)
    _require(ent, Action.CONFIRM if accept else Action.DECLINE, actor=actor)
    item = _item(ent.item_code)
    before = snapshot(ent, ENTITLEMENT_FIELDS)
    if accept:
        if facts:
            unexpected = sorted(set(facts) - set(ent.confirm_facts))
            if unexpected:
                raise WorkflowError(f"只能确认这些事实：{'、'.join(ent.confirm_facts) or '无'}")
            ent.facts = {**ent.facts, **facts}
        decision = _decide(
            item,
            ent.organisation,
            ent.decisive_date,
            ent.facts,
            right_key=ent.right_id or None,
            decided_amount=ent.decided_amount,
        )
        _store_decision(ent, decision)
        if not decision.eligible:
            raise WorkflowError(f"按确认的事实不符合条件：{_reasons(decision)}")
        _move(ent, EntitlementStatus.CONFIRMED, actor=actor, comment=comment or "确认申领")
    else:
        _move(ent, EntitlementStatus.DECLINED, actor=actor, comment=comment or "放弃申领")
    ent.confirmed_at = timezone.now()
    ent.confirmed_by = actor.label
    ent.save()
    record_event(
        actor,
        "grant_entitlement.confirm" if accept else "grant_entitlement.decline",
        obj=ent,
        before=before,
        after=snapshot(ent, ENTITLEMENT_FIELDS),
    )
    if accept:
        notify(
            city_admins(),
            title=f"免申即享已确认：{ent.organisation.name}·{item.name}",
            body=f"{ent.number} 已由机构确认，待核定。",
            url=_ent_url(ent),
            actor=actor,
        )
    return ent


@transaction.atomic
def approve_entitlement(ent: Entitlement, *, actor: Actor, decided_amount: Decimal | None = None) -> Grant:
    ent = _locked(ent)
    _require(ent, Action.APPROVE, actor=actor)
    item = _item(ent.item_code)
    before = snapshot(ent, ENTITLEMENT_FIELDS)
    probe = _decide(item, ent.organisation, ent.decisive_date, ent.facts, right_key=ent.right_id or None)
    if needs_decided_amount(probe):
        if decided_amount is None:
            raise WorkflowError("本项目金额由市局审定，请填写审定金额")
        ent.decided_amount = decided_amount
    elif decided_amount is not None:
        raise WorkflowError("本项目金额按公式计算，不填写审定金额")
    grant, decision = _commit_grant(
        ent,
        actor=actor,
        item=item,
        facts=ent.facts,
        right_key=ent.right_id or None,
        decided_amount=ent.decided_amount,
    )
    _store_decision(ent, decision)
    _move(ent, EntitlementStatus.APPROVED, actor=actor, comment=f"核定 {yuan(grant.amount)}")
    ent.save()
    record_event(
        actor,
        "grant_entitlement.approve",
        obj=ent,
        before=before,
        after={**snapshot(ent, ENTITLEMENT_FIELDS), "grant": grant.pk, "budget_year": grant.budget_year},
    )
    notify(
        organisation_users(ent.organisation),
        title=f"{item.name}已核定",
        body=f"{ent.number} 核定奖补 {yuan(grant.amount)}，待兑现。",
        url=_ent_url(ent),
        actor=actor,
    )
    return grant


@transaction.atomic
def cancel_entitlement(ent: Entitlement, *, actor: Actor, comment: str) -> Entitlement:
    ent = _locked(ent)
    _require(ent, Action.CANCEL, actor=actor)
    if not comment.strip():
        raise WorkflowError("撤销时必须填写理由")
    before = snapshot(ent, ENTITLEMENT_FIELDS)
    _move(ent, EntitlementStatus.CANCELLED, actor=actor, comment=comment)
    ent.save()
    record_event(
        actor,
        "grant_entitlement.cancel",
        obj=ent,
        before=before,
        after=snapshot(ent, ENTITLEMENT_FIELDS),
        note=comment,
    )
    notify(
        organisation_users(ent.organisation),
        title="免申即享事项已撤销",
        body=f"{ent.number}：{comment}",
        url=_ent_url(ent),
        actor=actor,
    )
    return ent
