"""The walks of the supervision workflows (ipcity/core/tests/walk.py): a progress report of a
department's and of a district's milestone, and a 督办单, in each status, reached through the real
services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from django.urls import reverse

from ipcity.core.audit import Actor
from ipcity.core.tests.walk import Try, Walk, data_actions, take, walk_for
from ipcity.plans.models import Plan
from ipcity.supervision import services
from ipcity.supervision.choices import EscalationStatus, ReportStatus
from ipcity.supervision.models import Escalation, Milestone, ProgressReport
from ipcity.supervision.tests.conftest import at, milestone_maker
from ipcity.supervision.workflows import ESCALATION_FLOW, REPORT_FLOW
from ipcity.test import Personas

CLI = Actor.cli("test")
positions = itertools.count(1)
# The responsible unit of a milestone: a department (the liaison reports) or a district (district_a).
UNITS = {
    "department": {"department": "市财政局"},
    "district": {"code": "P3.S2", "department": "各区市局", "region": "芝罘区"},
}
REPORTER = {"department": "liaison", "district": "district_a"}


def _milestones() -> Callable[..., Milestone]:
    return milestone_maker(Plan.objects.get())


def _report(make_milestone: Callable[..., Milestone], unit: str, status: str) -> ProgressReport:
    n = next(positions)
    milestone = make_milestone(position=n, title=f"节点{n}", **UNITS[unit])
    report = services.submit_report(
        milestone,
        period_code="2023-Q1",
        percent_complete=40,
        narrative="进展",
        actor=CLI,
        at=at("2023-02-20"),
        recompute=False,
    )
    if status == ReportStatus.RETURNED:
        services.return_report(report, comment="请补充", actor=CLI, at=at("2023-02-21"), recompute=False)
    elif status == ReportStatus.ACCEPTED:
        services.accept_report(report, actor=CLI, at=at("2023-02-21"), recompute=False)
    return report


def _resubmit(report: ProgressReport, actor: Actor) -> Any:
    return services.submit_report(
        report.milestone,
        period_code=report.period_code,
        percent_complete=55,
        narrative="补充了材料",
        actor=actor,
        recompute=False,
    )


@walk_for(ProgressReport)
def report_walk(personas: Personas, tmp_path: Path) -> Walk[ProgressReport]:
    make_milestone = _milestones()

    def states() -> Generator[tuple[str, ProgressReport], None, None]:
        for unit in UNITS:
            for status in ReportStatus.values:
                yield f"{status} ({unit})", _report(make_milestone, unit, status)

    def tries(r: ProgressReport, actor: Actor) -> list[Try]:
        form = reverse("supervision:report_form", args=[r.milestone_id, r.period_code])
        return [
            Try(
                "submit",
                lambda r: _resubmit(r, actor),
                lambda c: c.post(form, {"percent_complete": "55", "narrative": "补充了材料"}),
            ),
            take(
                "return",
                services.return_report,
                reverse("supervision:report_return", args=[r.pk]),
                {"comment": "请补充"},
                actor=actor,
                comment="请补充",
                recompute=False,
            ),
            take(
                "accept",
                services.accept_report,
                reverse("supervision:report_accept", args=[r.pk]),
                actor=actor,
                recompute=False,
            ),
        ]

    office = {"return", "accept"}
    expected: dict[str, dict[str, set[str]]] = {}
    for unit, reporter in REPORTER.items():
        expected[f"submitted ({unit})"] = {reporter: {"submit"}, "admin": office}
        expected[f"returned ({unit})"] = {reporter: {"submit"}}
        expected[f"accepted ({unit})"] = {}
    return Walk(
        REPORT_FLOW,
        states(),
        tries,
        data_actions(lambda r: reverse("supervision:report", args=[r.pk])),
        expected,
    )


@walk_for(Escalation)
def escalation_walk(personas: Personas, tmp_path: Path) -> Walk[Escalation]:
    make_milestone = _milestones()

    def states() -> Generator[tuple[str, Escalation], None, None]:
        for status in EscalationStatus.values:
            n = next(positions)
            milestone = make_milestone(key=True, position=n, title=f"重点节点{n}")
            services.recompute_flags(as_of=dt.date(2023, 2, 28), actor=CLI, milestones=[milestone])
            escalation = Escalation.objects.get(milestone=milestone)
            if status == EscalationStatus.RECTIFIED:
                services.record_follow_up(
                    escalation, kind="rectified", on=escalation.raised_on, note="已整改", actor=CLI
                )
            yield status, escalation

    def tries(e: Escalation, actor: Actor) -> list[Try]:
        return [
            take(
                "follow_up",
                services.record_follow_up,
                reverse("supervision:escalation_follow_up", args=[e.pk]),
                {"kind": "interview", "on": "2023-03-02", "note": "约谈"},
                actor=actor,
                kind="interview",
                on=e.raised_on,
                note="约谈",
            )
        ]

    return Walk(
        ESCALATION_FLOW,
        states(),
        tries,
        data_actions(lambda e: reverse("supervision:escalation", args=[e.pk])),
        expected={EscalationStatus.OPEN: {"admin": {"follow_up"}}, EscalationStatus.RECTIFIED: {}},
    )
