"""The action tables of IP protection (docs/protection.md), on core.workflow: credit records
(异议, 信用修复 and their review) and e-commerce complaints (电子商务法 arts. 42–43). Pages show
`allowed_actions`, services `move`; nothing else decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ipcity.core.audit import Actor
from ipcity.core.workflow import Action, Outcome, Workflow
from ipcity.protection import clock
from ipcity.protection.choices import (
    CREDIT_IN_FORCE,
    AidStatus,
    ComplaintStatus,
    CreditStatus,
    DisputeKind,
    DisputeStatus,
    RiskCheckStatus,
)
from ipcity.protection.models import AidRequest, Complaint, CreditRecord, Dispute, DisputeStep, RiskCheck
from ipcity.protection.permissions import (
    acts_for_aid_body,
    acts_for_platform,
    aid_body_or_city,
    can_manage_credit,
    complainant_or_platform,
    handles_dispute,
    handles_or_mediates,
    is_city_office,
    is_claimant,
    is_complainant,
    owns_credit_record,
    owns_request,
    platform_or_city,
)

CS, TS = CreditStatus, ComplaintStatus
ANY_CREDIT = frozenset(CreditStatus.values)


def _not_ended(record: CreditRecord, today: dt.date) -> str | None:
    if record.end is not None and record.end < today:
        return f"{record.number} 已于 {record.end.isoformat()} 终止，无需再申请"
    return None


def _not_public(record: CreditRecord, today: dt.date) -> str | None:
    return f"{record.number} 已在信用名单中公示" if record.public else None


def _public(record: CreditRecord, today: dt.date) -> str | None:
    return None if record.public else f"{record.number} 未在信用名单中公示"


CREDIT_WORKFLOW: Workflow[CreditRecord] = Workflow(
    CreditRecord,
    [
        # The city office: publication on the public credit list and the end date (no status change).
        Action("publish", "在信用名单中公示", CREDIT_IN_FORCE, can_manage_credit, when=_not_public),
        Action("unpublish", "撤下公示", ANY_CREDIT, can_manage_credit, when=_public),
        Action("end", "结束信用记录", CREDIT_IN_FORCE, can_manage_credit),
        # The organisation: an objection to the record (异议) or a repair request (信用修复).
        Action(
            "object",
            "提出异议",
            frozenset({CS.LISTED}),
            owns_credit_record,
            to=CS.OBJECTED,
            requires=("reason",),
            when=_not_ended,
        ),
        Action(
            "review_objection",
            "异议审核",
            frozenset({CS.OBJECTED}),
            can_manage_credit,
            decisions={
                "upheld": Outcome(CS.REVOKED, ("comment",), "异议成立"),
                "dismissed": Outcome(CS.LISTED, ("comment",), "异议不成立"),
            },
        ),
        Action(
            "request_repair",
            "申请信用修复",
            frozenset({CS.LISTED}),
            owns_credit_record,
            to=CS.REPAIRING,
            requires=("reason",),
            when=_not_ended,
        ),
        Action(
            "review_repair",
            "信用修复审核",
            frozenset({CS.REPAIRING}),
            can_manage_credit,
            decisions={
                "approved": Outcome(CS.REPAIRED, ("comment",), "准予信用修复"),
                "refused": Outcome(CS.LISTED, ("comment",), "不予信用修复"),
            },
        ),
    ],
    audit_prefix="credit_record",
    today=clock.today,
    number=lambda record: record.number,
)


def _wait_over(complaint: Complaint, today: dt.date) -> str | None:
    if complaint.wait_until is not None and today <= complaint.wait_until:
        return (
            f"{complaint.number} 的等待期至 {complaint.wait_until.isoformat()} 届满"
            "（电子商务法第四十三条第二款），届满前不能终止措施"
        )
    return None


def _wait_running(complaint: Complaint, today: dt.date) -> str | None:
    if complaint.wait_until is not None and today > complaint.wait_until:
        return (
            f"{complaint.number} 的等待期已于 {complaint.wait_until.isoformat()} 届满，不能再登记投诉或起诉"
        )
    return None


def _not_flagged(complaint: Complaint, today: dt.date) -> str | None:
    return f"{complaint.number} 已标记为疑似恶意投诉" if complaint.malicious else None


def _no_feedback_yet(complaint: Complaint, today: dt.date) -> str | None:
    if complaint.satisfaction is not None:
        return f"{complaint.number} 已评价办结满意度"
    return None


ENDED = frozenset({TS.CLOSED, TS.REJECTED})

COMPLAINT_WORKFLOW: Workflow[Complaint] = Workflow(
    Complaint,
    [
        Action(
            "reject",
            "不予受理",
            frozenset({TS.FILED}),
            acts_for_platform,
            to=TS.REJECTED,
            requires=("reason",),
        ),
        # 电子商务法 art. 42(2): necessary measures, and the notice forwarded to the merchant.
        Action(
            "take_measures",
            "采取必要措施并转送经营者",
            frozenset({TS.FILED}),
            acts_for_platform,
            to=TS.MEASURES,
        ),
        # art. 43: the merchant's declaration, forwarded to the rights holder; the 15 days start.
        Action(
            "counter_notice",
            "登记经营者声明并转送权利人",
            frozenset({TS.MEASURES}),
            acts_for_platform,
            to=TS.COUNTER,
        ),
        # art. 43(2): the rights holder has complained to an authority or sued within the 15 days.
        Action(
            "keep",
            "登记已投诉或起诉，维持措施",
            frozenset({TS.COUNTER}),
            complainant_or_platform,
            to=TS.KEPT,
            requires=("reason",),
            when=_wait_running,
        ),
        Action(
            "restore",
            "等待期届满，终止措施",
            frozenset({TS.COUNTER}),
            acts_for_platform,
            to=TS.RESTORED,
            when=_wait_over,
        ),
        Action(
            "close",
            "办结",
            frozenset({TS.MEASURES, TS.KEPT, TS.RESTORED}),
            acts_for_platform,
            to=TS.CLOSED,
        ),
        Action(
            "flag_malicious",
            "标记疑似恶意投诉",
            frozenset(ComplaintStatus.values),
            platform_or_city,
            requires=("reason",),
            when=_not_flagged,
        ),
        Action("feedback", "评价办结满意度", ENDED, is_complainant, when=_no_feedback_yet),
    ],
    audit_prefix="complaint",
    today=clock.today,
    number=lambda complaint: complaint.number,
)


def _adjudication(dispute: Dispute, today: dt.date) -> str | None:
    if dispute.kind != DisputeKind.ADJUDICATION:
        return f"{dispute.number} 是调解案件，没有这一环节"
    return None


def _mediation(dispute: Dispute, today: dt.date) -> str | None:
    if dispute.kind != DisputeKind.MEDIATION:
        return f"{dispute.number} 是行政裁决案件，没有这一环节"
    return None


def _record_dispute_step(
    dispute: Dispute, action: Action, old: str, new: str, actor: Actor, inputs: dict[str, Any]
) -> None:
    note = str(inputs.get("comment") or inputs.get("reason") or "")[:300]
    DisputeStep.objects.create(
        dispute=dispute,
        action=action.name,
        label=action.label,
        status=new,
        on=clock.today(),
        by=actor.label,
        note=note,
    )


DS = DisputeStatus
DISPUTE_WORKFLOW: Workflow[Dispute] = Workflow(
    Dispute,
    [
        # 行政裁决: 受理 → 技术调查官 → 口头审理 → 裁决 → 执行结案.
        Action("accept", "受理", frozenset({DS.FILED}), handles_dispute, to=DS.ACCEPTED, when=_adjudication),
        Action(
            "reject", "不予受理", frozenset({DS.FILED}), handles_dispute, to=DS.REJECTED, requires=("reason",)
        ),
        Action(
            "assign_investigator",
            "指派技术调查官",
            frozenset({DS.ACCEPTED}),
            handles_dispute,
            to=DS.INVESTIGATING,
            when=_adjudication,
        ),
        Action(
            "hear",
            "口头审理",
            frozenset({DS.ACCEPTED, DS.INVESTIGATING}),
            handles_dispute,
            to=DS.HEARD,
            when=_adjudication,
        ),
        Action(
            "decide", "作出裁决", frozenset({DS.HEARD}), handles_dispute, to=DS.DECIDED, when=_adjudication
        ),
        Action(
            "enforce", "执行结案", frozenset({DS.DECIDED}), handles_dispute, to=DS.CLOSED, when=_adjudication
        ),
        # 调解: the handling office assigns the mediation body; the body's accounts (or the office)
        # record 调解协议 or 调解不成, the 司法确认 request and the closing.
        Action(
            "start_mediation",
            "开始调解",
            frozenset({DS.FILED}),
            handles_dispute,
            to=DS.MEDIATING,
            when=_mediation,
        ),
        Action(
            "agree",
            "达成调解协议",
            frozenset({DS.MEDIATING}),
            handles_or_mediates,
            to=DS.AGREED,
            when=_mediation,
        ),
        Action(
            "fail",
            "调解不成",
            frozenset({DS.MEDIATING}),
            handles_or_mediates,
            to=DS.FAILED,
            requires=("reason",),
            when=_mediation,
        ),
        Action(
            "request_confirmation",
            "申请司法确认",
            frozenset({DS.AGREED}),
            handles_or_mediates,
            to=DS.CONFIRMING,
            when=_mediation,
        ),
        Action(
            "feedback",
            "评价办结满意度",
            frozenset({DS.CLOSED, DS.FAILED, DS.REJECTED}),
            is_claimant,
            when=lambda dispute, today: f"{dispute.number} 已评价办结满意度"
            if dispute.satisfaction
            else None,
        ),
        Action(
            "close_mediation",
            "调解结案",
            frozenset({DS.AGREED, DS.CONFIRMING}),
            handles_or_mediates,
            to=DS.CLOSED,
            when=_mediation,
        ),
    ],
    audit_prefix="dispute",
    number=lambda dispute: dispute.number,
    record_step=_record_dispute_step,
    today=clock.today,
)


def _aid_no_feedback_yet(request: AidRequest, today: dt.date) -> str | None:
    if request.satisfaction is not None:
        return f"{request.number} 已评价办结满意度"
    return None


def _influence_open(request: AidRequest, today: dt.date) -> str | None:
    if not request.successful:
        return f"{request.number} 未维权成功，不能认定具有较大影响力"
    if request.influential:
        return f"{request.number} 已认定具有较大影响力"
    return None


AS = AidStatus
AID_WORKFLOW: Workflow[AidRequest] = Workflow(
    AidRequest,
    [
        Action("route", "分派援助机构", frozenset({AS.SUBMITTED, AS.ROUTED}), is_city_office, to=AS.ROUTED),
        Action(
            "decline",
            "不予援助",
            frozenset({AS.SUBMITTED}),
            is_city_office,
            to=AS.DECLINED,
            requires=("reason",),
        ),
        # The body the request is routed to (its organisation's accounts) accepts it and records the
        # result; the city office may record them for a body without accounts.
        Action("accept", "受理援助申请", frozenset({AS.ROUTED}), acts_for_aid_body, to=AS.ACCEPTED),
        Action(
            "close",
            "登记办理结果",
            frozenset({AS.ROUTED, AS.ACCEPTED}),
            aid_body_or_city,
            to=AS.CLOSED,
            requires=("reason",),
        ),
        # 较大影响力 (二(一)3, the 公益维权 reward's fact) is the city office's finding, not the body's.
        Action(
            "recognise_influence",
            "认定具有较大影响力",
            frozenset({AS.CLOSED}),
            is_city_office,
            when=_influence_open,
        ),
        Action("feedback", "评价办结满意度", frozenset({AS.CLOSED}), owns_request, when=_aid_no_feedback_yet),
    ],
    audit_prefix="aid_request",
    number=lambda request: request.number,
    today=clock.today,
)

RISK_CHECK_WORKFLOW: Workflow[RiskCheck] = Workflow(
    RiskCheck,
    [
        Action(
            "answer",
            "答复排查意见",
            frozenset({RiskCheckStatus.SUBMITTED}),
            is_city_office,
            to=RiskCheckStatus.ANSWERED,
            requires=("comment",),
        ),
    ],
    audit_prefix="risk_check",
    number=lambda check: check.number,
    today=clock.today,
)
