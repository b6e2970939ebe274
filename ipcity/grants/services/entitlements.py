"""免申即享 entitlements: the detection run as a background job (detection.py does the work),
意愿确认, approval, cancellation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ipcity.core.audit import Actor, snapshot
from ipcity.core.jobs import JobHandle, background_job, start_job
from ipcity.core.models import Job
from ipcity.core.notifications import notify
from ipcity.core.workflow import Refused
from ipcity.grants.evaluation import needs_decided_amount
from ipcity.grants.models import (
    Entitlement,
    Grant,
)
from ipcity.grants.services.common import (
    ENTITLEMENT_FIELDS,
    _commit_grant,
    _decide,
    _ent_url,
    _item,
    _move,
    _reasons,
    _store_decision,
    city_admins,
    organisation_users,
)
from ipcity.grants.workflows import ENTITLEMENT_WORKFLOW as FLOW
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
    ent = FLOW.lock(ent)
    decision = "accept" if accept else "decline"
    FLOW.require(ent, "confirm", actor=actor, decision=decision)
    item = _item(ent.item_code)
    before = snapshot(ent, ENTITLEMENT_FIELDS)
    if accept:
        if facts:
            unexpected = sorted(set(facts) - set(ent.confirm_facts))
            if unexpected:
                raise Refused(f"只能确认这些事实：{'、'.join(ent.confirm_facts) or '无'}")
            ent.facts = {**ent.facts, **facts}
        result = _decide(
            item,
            ent.organisation,
            ent.decisive_date,
            ent.facts,
            right_key=ent.right_id or None,
            decided_amount=ent.decided_amount,
        )
        _store_decision(ent, result)
        if not result.eligible:
            raise Refused(f"按确认的事实不符合条件：{_reasons(result)}")
    ent.confirmed_at = timezone.now()
    ent.confirmed_by = actor.label
    _move(
        ent,
        "confirm",
        actor=actor,
        before=before,
        decision=decision,
        comment=comment or ("确认申领" if accept else "放弃申领"),
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
    ent = FLOW.lock(ent)
    FLOW.check(ent, "approve", actor=actor)
    item = _item(ent.item_code)
    before = snapshot(ent, ENTITLEMENT_FIELDS)
    probe = _decide(item, ent.organisation, ent.decisive_date, ent.facts, right_key=ent.right_id or None)
    if needs_decided_amount(probe):
        if decided_amount is None:
            raise Refused("本项目金额由市局审定，请填写审定金额")
        ent.decided_amount = decided_amount
    elif decided_amount is not None:
        raise Refused("本项目金额按公式计算，不填写审定金额")
    grant, decision = _commit_grant(
        ent,
        actor=actor,
        item=item,
        facts=ent.facts,
        right_key=ent.right_id or None,
        decided_amount=ent.decided_amount,
    )
    _store_decision(ent, decision)
    extra = {"grant": grant.pk, "budget_year": grant.budget_year}
    _move(ent, "approve", actor=actor, before=before, extra=extra, comment=f"核定 {yuan(grant.amount)}")
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
    ent = FLOW.lock(ent)
    FLOW.require(ent, "cancel", actor=actor, comment=comment)
    before = snapshot(ent, ENTITLEMENT_FIELDS)
    _move(ent, "cancel", actor=actor, before=before, comment=comment)
    notify(
        organisation_users(ent.organisation),
        title="免申即享事项已撤销",
        body=f"{ent.number}：{comment}",
        url=_ent_url(ent),
        actor=actor,
    )
    return ent
