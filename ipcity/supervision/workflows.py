"""The action tables of supervision (core.workflow): what may be done to a progress report and to a
督办单, in which status, by whom, and what it needs. Pages show `allowed_actions`; services `move`.

A milestone has no status: filing its first report is guarded by `permissions.can_report_on` alone
(`services.submit_report` checks it); once filed, the report follows REPORT_FLOW.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.core.workflow import Action, Outcome, Workflow
from ipcity.supervision.choices import EscalationStatus, FollowUpKind, ReportStatus, ReviewDecision
from ipcity.supervision.models import Escalation, FollowUp, ProgressReport, ReportReview
from ipcity.supervision.permissions import can_manage_supervision, can_report_on, can_review_reports

SUBMITTED, RETURNED, ACCEPTED = ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED
OPEN, RECTIFIED = EscalationStatus.OPEN, EscalationStatus.RECTIFIED


def _reporter(user: Any, report: ProgressReport) -> bool:
    return can_report_on(user, report.milestone)


def _office(user: Any, obj: Any) -> bool:
    return can_review_reports(user)


def _manager(user: Any, obj: Any) -> bool:
    return can_manage_supervision(user)


def report_number(report: ProgressReport) -> str:
    m = report.milestone
    return f"进度报告（{m.row.clause} {m.title} {report.period_code}）"


def _record_review(
    report: ProgressReport, action: Action, old: str, new: str, actor: Actor, inputs: dict[str, Any]
) -> None:
    """A return or an acceptance is kept as a ReportReview of the version it judged (the flag
    history replays it by its time). A filed version is more than a step: the service writes it."""
    if action.name not in ("return", "accept"):
        return
    ReportReview.objects.create(
        report=report,
        version=inputs["version"],
        decision=ReviewDecision.RETURNED if action.name == "return" else ReviewDecision.ACCEPTED,
        comment=inputs["comment"],
        reviewed_at=inputs.get("at") or timezone.now(),
        reviewed_by=actor.user,
        reviewed_by_label=actor.label,
    )


# The responsible unit files a new version (`submit`) of a report that is submitted (a correction,
# until the office decides) or returned (a resubmission); an accepted report is final. The first
# version of a period is `submit` too, guarded by the role alone (no report yet: module docstring).
REPORT_FLOW: Workflow[ProgressReport] = Workflow(
    ProgressReport,
    [
        Action(
            "submit",
            "报送",
            frozenset({SUBMITTED, RETURNED}),
            _reporter,
            to=SUBMITTED,
            not_in_stage="不能再修改",
        ),
        Action("return", "退回", frozenset({SUBMITTED}), _office, to=RETURNED, requires=("comment",)),
        Action("accept", "确认", frozenset({SUBMITTED}), _office, to=ACCEPTED),
    ],
    audit_prefix="supervision.report",
    number=report_number,
    record_step=_record_review,
)


def _record_follow_up(
    escalation: Escalation, action: Action, old: str, new: str, actor: Actor, inputs: dict[str, Any]
) -> None:
    FollowUp.objects.create(
        escalation=escalation,
        kind=inputs["decision"],
        on=inputs["on"],
        note=inputs["comment"],
        recorded_by=actor.user,
        recorded_by_label=actor.label,
    )


# 约谈 and 书面说明 keep the 督办单 open; 已整改 closes it. Each follow-up needs its 情况说明.
ESCALATION_FLOW: Workflow[Escalation] = Workflow(
    Escalation,
    [
        Action(
            "follow_up",
            "跟进",
            frozenset({OPEN}),
            _manager,
            decisions={
                FollowUpKind.INTERVIEW: Outcome(OPEN, label=str(FollowUpKind.INTERVIEW.label)),
                FollowUpKind.EXPLANATION: Outcome(OPEN, label=str(FollowUpKind.EXPLANATION.label)),
                FollowUpKind.RECTIFIED: Outcome(RECTIFIED, label=str(FollowUpKind.RECTIFIED.label)),
            },
            requires=("comment",),
            not_in_stage="不能再跟进",
        ),
    ],
    audit_prefix="supervision.escalation",
    number=lambda e: e.number,
    record_step=_record_follow_up,
)
