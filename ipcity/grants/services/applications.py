"""The application workflow: draft → submission → district → city → (experts) → publicity →
approval; return for revision, rejection, withdrawal, objections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.core.notifications import notify
from ipcity.core.workdays import WorkdayCalendarError, add_working_days
from ipcity.core.workflow import Refused
from ipcity.grants import clock
from ipcity.grants.choices import ApplicationStatus, ObjectionStatus, ReviewDecision
from ipcity.grants.config import workflow_settings
from ipcity.grants.evaluation import needs_decided_amount
from ipcity.grants.models import (
    Application,
    ApplicationMaterial,
    ExpertAssignment,
    Grant,
    Objection,
    WorkflowStep,
)
from ipcity.grants.permissions import can_score
from ipcity.grants.services.common import (
    APPLICATION_FIELDS,
    ZERO,
    _app_url,
    _check_decisive_date,
    _commit_grant,
    _decide,
    _item,
    _move,
    _normalize_right,
    _reasons,
    _replace_links,
    _resolve_links,
    _right_key,
    _sla,
    _store_decision,
    city_admins,
    district_officers,
    organisation_users,
)
from ipcity.grants.workflows import APPLICATION_WORKFLOW as FLOW
from ipcity.policy.engine import Decision, Item
from ipcity.policy.engine.money import yuan
from ipcity.registry.models import Organisation
from ipcity.support import services as support
from ipcity.support.models import Expert, ExpertDraw

# ---------------------------------------------------------------- applications


def kind_refusal(item: Item, organisation: Organisation) -> str | None:
    """Why an organisation of this kind cannot apply for the item (its beneficiary kinds), or None."""
    if item.is_for(organisation.kind):
        return None
    return f"{item.name}的惠及对象为{item.beneficiary}，{organisation.get_kind_display()}类单位不能申报"


@transaction.atomic
def create_application(
    organisation: Organisation,
    item_code: str,
    *,
    actor: Actor,
    decisive_date: dt.date,
    facts: dict[str, Any],
    right_id: str = "",
    links: Iterable[str] = (),
    demo_key: str = "",
) -> Application:
    """A draft, with the engine's answer for the facts given (shown before submitting).
    `demo_key` marks a synthetic application of the demo data set (grants.demo)."""
    item = _item(item_code)
    if item.track.key == "exempt":
        raise Refused(f"{item.name}为免申即享项目，由平台比对登记数据后推送，无需申报")
    refusal = kind_refusal(item, organisation)
    if refusal:
        raise Refused(refusal)
    if actor.user is None:
        raise Refused("申请须由机构账号填报")
    _check_decisive_date(item, decisive_date)
    app = Application(
        item_code=item.code,
        track=item.track.key,
        organisation=organisation,
        created_by=actor.user,
        decisive_date=decisive_date,
        facts=facts,
        right_id=_normalize_right(right_id),
        created_on=clock.today(),
        is_demo=bool(demo_key),
        demo_key=demo_key,
    )
    app.save()
    _replace_links(app, _resolve_links(organisation, links))
    _store_decision(app, _decide(item, organisation, decisive_date, facts, right_key=_right_key(app)))
    app.save()
    WorkflowStep.objects.create(
        application=app,
        to_status=app.status,
        actor=actor.user,
        actor_label=actor.label,
        on=clock.today(),
        comment="创建申请",
    )
    record_event(actor, "grant_application.create", obj=app, after=snapshot(app, APPLICATION_FIELDS))
    return app


@transaction.atomic
def update_application(
    app: Application,
    *,
    actor: Actor,
    decisive_date: dt.date,
    facts: dict[str, Any],
    right_id: str = "",
    links: Iterable[str] = (),
) -> Application:
    app = FLOW.lock(app)
    FLOW.require(app, "edit", actor=actor)
    item = _item(app.item_code)
    _check_decisive_date(item, decisive_date)
    before = snapshot(app, APPLICATION_FIELDS)
    app.decisive_date = decisive_date
    app.facts = facts
    app.right_id = _normalize_right(right_id)
    _replace_links(app, _resolve_links(app.organisation, links))
    _store_decision(app, _decide(item, app.organisation, decisive_date, facts, right_key=_right_key(app)))
    app.save()
    record_event(
        actor, "grant_application.update", obj=app, before=before, after=snapshot(app, APPLICATION_FIELDS)
    )
    return app


@transaction.atomic
def add_material(app: Application, upload: UploadedFile, *, actor: Actor, label: str) -> ApplicationMaterial:
    FLOW.require(app, "edit", actor=actor)
    try:
        attachment = store_attachment(upload, actor=actor)
    except ValidationError as exc:
        raise Refused("；".join(exc.messages)) from exc
    material = ApplicationMaterial.objects.create(application=app, attachment=attachment, label=label[:200])
    record_event(
        actor,
        "grant_application.material.add",
        obj=app,
        after={"material": material.label, "file": attachment.original_name, "sha256": attachment.sha256},
    )
    return material


@transaction.atomic
def remove_material(material: ApplicationMaterial, *, actor: Actor) -> None:
    app = material.application
    FLOW.require(app, "edit", actor=actor)
    record_event(
        actor,
        "grant_application.material.remove",
        obj=app,
        before={"material": material.label, "file": material.attachment.original_name},
    )
    material.delete()


@transaction.atomic
def submit_application(app: Application, *, actor: Actor) -> Application:
    app = FLOW.lock(app)
    FLOW.check(app, "submit", actor=actor)
    item = _item(app.item_code)
    before = snapshot(app, APPLICATION_FIELDS)
    decision = _decide(item, app.organisation, app.decisive_date, app.facts, right_key=_right_key(app))
    _store_decision(app, decision)
    if not decision.eligible:
        raise Refused(f"按所填事实不符合条件，不能提交：{_reasons(decision)}")
    resubmitted = app.status == ApplicationStatus.RETURNED
    # 受理日: the clock of a 快申快享 item starts (again, after a return for revision) today.
    app.submitted_on = clock.today()
    _sla(app, item)
    _move(app, "submit", actor=actor, before=before, comment="补正后重新提交" if resubmitted else "提交申请")
    notify(
        district_officers(app.organisation),
        title=f"待初审：{app.organisation.name}申报{item.name}",
        body=f"申请 {app.number} 已提交，请进行区市初审。",
        url=_app_url(app),
        actor=actor,
    )
    return app


def _review(app: Application, name: str, decision: str, *, actor: Actor, comment: str) -> str:
    """Refuse unless `actor` may take the review `name` now with this decision and comment (the
    table wants a reason for 退回修改 and 不予支持); the decision's value (pass | return | reject)."""
    FLOW.check(app, name, actor=actor)
    try:
        decision = ReviewDecision(decision).value
    except ValueError:
        raise Refused(f"未知的审核意见“{decision}”") from None
    FLOW.require(app, name, actor=actor, decision=decision, comment=comment)
    return decision


def _return_or_reject(
    app: Application,
    name: str,
    decision: str,
    *,
    actor: Actor,
    before: dict[str, Any],
    comment: str,
    item: Item,
) -> None:
    _move(app, name, actor=actor, before=before, decision=decision, comment=comment)
    _tell_applicant(
        app, item, "退回修改" if decision == ReviewDecision.RETURN else "不予支持", comment, actor
    )


def _tell_applicant(app: Application, item: Item, verb: str, comment: str, actor: Actor) -> None:
    notify(
        organisation_users(app.organisation),
        title=f"{item.name}申请{verb}",
        body=f"申请 {app.number}：{comment}",
        url=_app_url(app),
        actor=actor,
    )


@transaction.atomic
def review_in_district(app: Application, *, actor: Actor, decision: str, comment: str = "") -> Application:
    app = FLOW.lock(app)
    decision = _review(app, "district_review", decision, actor=actor, comment=comment)
    item = _item(app.item_code)
    before = snapshot(app, APPLICATION_FIELDS)
    if decision == ReviewDecision.PASS:
        _move(
            app,
            "district_review",
            actor=actor,
            before=before,
            decision=decision,
            comment=comment or "区市初审通过",
        )
        notify(
            city_admins(),
            title=f"待市级审核：{app.organisation.name}申报{item.name}",
            body=f"申请 {app.number} 已通过区市初审。",
            url=_app_url(app),
            actor=actor,
        )
    else:
        _return_or_reject(
            app, "district_review", decision, actor=actor, before=before, comment=comment, item=item
        )
    return app


def _settle_amount(app: Application, item: Item, decided_amount: Decimal | None) -> Decision:
    """The decision with the amount settled: the formula's, or the decided amount (capped by the
    engine) where the amount is the office's or the experts'."""
    right = _right_key(app)
    decision = _decide(item, app.organisation, app.decisive_date, app.facts, right_key=right)
    if not decision.eligible:
        raise Refused(f"复核不符合条件：{_reasons(decision)}")
    if needs_decided_amount(decision):
        if decided_amount is None:
            limit = f"（最高 {yuan(decision.ceiling)}）" if decision.ceiling is not None else ""
            raise Refused(f"本项目金额由审定确定，请填写审定金额{limit}")
        decision = _decide(
            item,
            app.organisation,
            app.decisive_date,
            app.facts,
            right_key=right,
            decided_amount=decided_amount,
        )
        app.decided_amount = decided_amount
    elif decided_amount is not None:
        raise Refused("本项目金额按公式计算，不填写审定金额")
    if not decision.eligible or decision.amount is None or decision.amount <= 0:
        raise Refused(f"金额为零或不符合条件，不能进入公示：{_reasons(decision)}")
    _store_decision(app, decision)
    return decision


def _start_publicity(
    app: Application, name: str, *, actor: Actor, before: dict[str, Any], comment: str
) -> None:
    days = workflow_settings().publicity_working_days
    start = clock.today()
    try:
        end = add_working_days(start, days)
    except WorkdayCalendarError as exc:
        raise Refused(f"无法计算公示截止日期：{exc}") from exc
    app.publicity_start, app.publicity_end = start, end
    _move(
        app,
        name,
        actor=actor,
        before=before,
        decision=ReviewDecision.PASS,
        comment=(comment + "；" if comment else "")
        + f"公示 {days} 个工作日（{start.isoformat()} 至 {end.isoformat()}），拟奖补 {yuan(app.amount or ZERO)}",
    )


@transaction.atomic
def review_in_city(
    app: Application,
    *,
    actor: Actor,
    decision: str,
    comment: str = "",
    decided_amount: Decimal | None = None,
) -> Application:
    """Pass: 择优 items go to expert review; the others are settled and published (公示)."""
    app = FLOW.lock(app)
    decision = _review(app, "city_review", decision, actor=actor, comment=comment)
    item = _item(app.item_code)
    before = snapshot(app, APPLICATION_FIELDS)
    if decision == ReviewDecision.PASS:
        if item.track.key == "merit":
            if decided_amount is not None:
                raise Refused("择优评审项目的金额在专家评审后审定")
            _move(
                app,
                "city_review",
                actor=actor,
                before=before,
                decision="experts",
                comment=comment or "市级审核通过，进入专家评审",
            )
        else:
            _settle_amount(app, item, decided_amount)
            _start_publicity(
                app, "city_review", actor=actor, before=before, comment=comment or "市级审核通过"
            )
    else:
        _return_or_reject(
            app, "city_review", decision, actor=actor, before=before, comment=comment, item=item
        )
    return app


def _draw_subject(app: Application) -> tuple[str, str]:
    """What a draw for this application is called in support's records, and its key."""
    return f"奖补申请 {app.number}（{_item(app.item_code).name}）", f"grant_application:{app.pk}"


def _assign_from(
    app: Application, draw: ExpertDraw, *, actor: Actor, replace: bool
) -> list[ExpertAssignment]:
    created = [
        ExpertAssignment.objects.create(application=app, expert=p.expert, pick=p)
        for p in draw.picks.select_related("expert", "expert__user").order_by("position")
    ]
    record_event(
        actor,
        "grant_application.expert_replace" if replace else "grant_application.experts_assign",
        obj=app,
        after={"experts": [str(a.expert) for a in created], "draw": draw.number, "seed": str(draw.seed)},
    )
    users = [a.expert.user for a in created if a.expert.user is not None and a.expert.user.is_active]
    notify(
        users,
        title=f"评审任务：{app.organisation.name}申报{_item(app.item_code).name}",
        body=f"请对申请 {app.number} 评分。",
        url=_app_url(app),
        actor=actor,
    )
    return created


@transaction.atomic
def assign_experts(
    app: Application,
    *,
    actor: Actor,
    field: str,
    count: int,
    ipc_subclass: str = "",
    named_avoid: Iterable[Expert] = (),
    seed: int | None = None,
) -> list[ExpertAssignment]:
    """Draw `count` experts of a field at random from support's pool, every 回避 rule applied
    (support.services.draw_experts), and assign them; experts already assigned stay out."""
    app = FLOW.lock(app)
    FLOW.require(app, "assign_experts", actor=actor)
    subject, key = _draw_subject(app)
    draw = support.draw_experts(
        actor=actor,
        subject=subject,
        subject_key=key,
        applicant=app.organisation,
        field=field,
        count=count,
        ipc_subclass=ipc_subclass,
        named_avoid=list(named_avoid),
        exclude=app.assignments.values_list("expert_id", flat=True),
        seed=seed,
        on=clock.today(),
        is_demo=app.organisation.is_demo,
    )
    return _assign_from(app, draw, actor=actor, replace=False)


@transaction.atomic
def replace_expert(
    assignment: ExpertAssignment, *, actor: Actor, reason: str, seed: int | None = None
) -> list[ExpertAssignment]:
    """An assigned expert who cannot serve (or must stay out) leaves before scoring; a replacement is
    drawn the same way (same field, same 回避, never an expert already drawn for this application)."""
    assignment = (
        ExpertAssignment.objects.select_for_update(of=("self",))
        .select_related("expert", "pick")
        .get(pk=assignment.pk)
    )
    app = FLOW.lock(assignment.application)
    FLOW.require(app, "assign_experts", actor=actor)
    if assignment.score is not None:
        raise Refused(f"{assignment.expert.name}已评分，不能替换")
    if assignment.pick is not None:
        pick = assignment.pick
        assignment.delete()
        draw = support.replace_pick(pick, actor=actor, reason=reason, seed=seed, on=clock.today())
    else:  # an assignment made before the draw existed: draw one of the expert's field
        if not reason.strip():
            raise Refused("请填写专家退出评审的原因")
        expert = assignment.expert
        assignment.delete()
        subject, key = _draw_subject(app)
        draw = support.draw_experts(
            actor=actor,
            subject=subject,
            subject_key=key,
            applicant=app.organisation,
            field=expert.field,
            count=1,
            exclude=[expert.pk, *app.assignments.values_list("expert_id", flat=True)],
            seed=seed,
            on=clock.today(),
        )
    return _assign_from(app, draw, actor=actor, replace=True)


@transaction.atomic
def record_score(
    assignment: ExpertAssignment,
    *,
    actor: Actor,
    score: Decimal,
    opinion: str = "",
    recommended_amount: Decimal | None = None,
) -> ExpertAssignment:
    assignment = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    app = assignment.application
    FLOW.require(app, "score", actor=actor)
    if actor.user is not None and not can_score(actor.user, assignment):
        raise Refused(f"只能为指派给自己的评审任务评分：{app.number}")
    if not ZERO <= score <= Decimal(100):
        raise Refused("评分应在 0 到 100 之间")
    fields = ["score", "opinion", "recommended_amount", "scored_at", "entered_by"]
    before = snapshot(assignment, fields)
    assignment.score = score
    assignment.opinion = opinion
    assignment.recommended_amount = recommended_amount
    assignment.scored_at = timezone.now()
    assignment.entered_by = actor.label
    assignment.save(update_fields=fields)
    record_event(actor, "grant_application.score", obj=app, before=before, after=snapshot(assignment, fields))
    return assignment


@transaction.atomic
def conclude_expert_review(
    app: Application,
    *,
    actor: Actor,
    decision: str,
    comment: str = "",
    decided_amount: Decimal | None = None,
) -> Application:
    """After every assigned expert has scored: the city sets the amount (within the cap) and
    publishes, or rejects."""
    app = FLOW.lock(app)
    FLOW.check(app, "conclude_expert_review", actor=actor)
    item = _item(app.item_code)
    assignments = list(app.assignments.all())
    minimum = workflow_settings().min_experts
    if len(assignments) < minimum:
        raise Refused(f"专家不足：至少 {minimum} 位专家评分，已指派 {len(assignments)} 位")
    unscored = [str(a.expert) for a in assignments if a.score is None]
    if unscored:
        raise Refused(f"尚有专家未评分：{'、'.join(unscored)}")
    if decision == ReviewDecision.RETURN:
        raise Refused("专家评审后只能决定公示或不予支持")
    decision = _review(app, "conclude_expert_review", decision, actor=actor, comment=comment)
    before = snapshot(app, APPLICATION_FIELDS)
    average = sum((a.score for a in assignments if a.score is not None), ZERO) / len(assignments)
    summary = f"专家 {len(assignments)} 人，平均分 {average.quantize(Decimal('0.01'))}"
    if decision == ReviewDecision.PASS:
        _settle_amount(app, item, decided_amount)
        _start_publicity(
            app,
            "conclude_expert_review",
            actor=actor,
            before=before,
            comment=f"{summary}；{comment}" if comment else summary,
        )
    else:
        _return_or_reject(
            app,
            "conclude_expert_review",
            decision,
            actor=actor,
            before=before,
            comment=f"{summary}；{comment}",
            item=item,
        )
    return app


@transaction.atomic
def record_objection(
    app: Application, *, actor: Actor, received_on: dt.date, submitter: str, content: str
) -> Objection:
    app = FLOW.lock(app)
    FLOW.require(app, "record_objection", actor=actor)
    if received_on > clock.today() or (app.publicity_start and received_on < app.publicity_start):
        raise Refused("收到异议的日期应在公示开始之后、今天或之前")
    if app.publicity_end and received_on > app.publicity_end:
        raise Refused(f"公示已于 {app.publicity_end.isoformat()} 截止，逾期异议不予登记")
    if not content.strip() or not submitter.strip():
        raise Refused("请填写异议人和异议内容")
    objection = Objection.objects.create(
        application=app,
        received_on=received_on,
        submitter=submitter,
        content=content,
        recorded_by=actor.label,
    )
    record_event(
        actor,
        "grant_application.objection",
        obj=app,
        after={"received_on": received_on, "submitter": submitter, "content": content[:200]},
    )
    return objection


@transaction.atomic
def resolve_objection(objection: Objection, *, actor: Actor, upheld: bool, resolution: str) -> Objection:
    """An upheld objection ends the application (不予支持); a dismissed one lets publicity run on."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    app = FLOW.lock(objection.application)
    if objection.status != ObjectionStatus.OPEN:
        raise Refused("该异议已处理")
    decision = "uphold" if upheld else "dismiss"
    FLOW.require(app, "resolve_objection", actor=actor, decision=decision, comment=resolution)
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution = resolution
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["status", "resolution", "resolved_at"])
    step = f"公示异议{'成立' if upheld else '不成立'}：{resolution}"
    FLOW.move(
        app,
        "resolve_objection",
        actor=actor,
        decision=decision,
        comment=step,
        audit_after={"objection": objection.pk, "resolution": resolution[:200]},
    )
    if upheld:
        _tell_applicant(app, _item(app.item_code), "不予支持", step, actor)
    return objection


@transaction.atomic
def approve_application(app: Application, *, actor: Actor) -> Grant:
    """After publicity with no open objection: commit the grant (budget, caps, quota checked now)."""
    app = FLOW.lock(app)
    FLOW.check(app, "approve", actor=actor)
    item = _item(app.item_code)
    if app.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise Refused("尚有未处理的公示异议")
    before = snapshot(app, APPLICATION_FIELDS)
    previous = app.amount
    grant, decision = _commit_grant(
        app,
        actor=actor,
        item=item,
        facts=app.facts,
        right_key=_right_key(app),
        decided_amount=app.decided_amount,
    )
    _store_decision(app, decision)
    note = f"核定 {yuan(grant.amount)}"
    if previous is not None and previous != grant.amount:
        note += f"（公示金额 {yuan(previous)}；核定时按已发放情况复核后调整，见核定计算说明）"
    extra = {"grant": grant.pk, "budget_year": grant.budget_year}
    _move(app, "approve", actor=actor, before=before, extra=extra, comment=note)
    notify(
        organisation_users(app.organisation),
        title=f"{item.name}已核定",
        body=f"申请 {app.number} 核定奖补 {yuan(grant.amount)}，待兑现。",
        url=_app_url(app),
        actor=actor,
    )
    return grant


@transaction.atomic
def withdraw_application(app: Application, *, actor: Actor, comment: str = "") -> Application:
    app = FLOW.lock(app)
    FLOW.check(app, "withdraw", actor=actor)
    before = snapshot(app, APPLICATION_FIELDS)
    _move(app, "withdraw", actor=actor, before=before, comment=comment or "申请人撤回")
    return app
