"""The supervision workflows walked: every status × persona × action, page, table, service and POST
agree (ipcity/core/tests/walk.py). Filing a period's first report (a milestone has no status) is
walked by persona the same way."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import partial
from typing import Any

import pytest

from ipcity.core.audit import Actor
from ipcity.core.tests.walk import (
    PERSONAS,
    Post,
    accepted,
    actor_of,
    client_of,
    persona_user,
    posted,
    shown_actions,
    walk,
)
from ipcity.core.workflow import WORKFLOWS
from ipcity.supervision import services
from ipcity.supervision.models import Escalation, Milestone, ProgressReport
from ipcity.supervision.workflows import ESCALATION_FLOW, REPORT_FLOW

from .conftest import at

CLI = Actor.cli("test")
positions = itertools.count(1)
UNITS = {
    "department": {"department": "市财政局"},  # the liaison reports
    "district": {"code": "P3.S2", "department": "各区市局", "region": "芝罘区"},  # district_a reports
}


def test_every_supervision_workflow_is_walked() -> None:
    walked = {ProgressReport, Escalation}
    assert {model for model in WORKFLOWS if model._meta.app_label == "supervision"} == walked


def _report(make_milestone: Any, unit: str, status: str) -> ProgressReport:
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
    if status == "returned":
        services.return_report(report, comment="请补充", actor=CLI, at=at("2023-02-21"), recompute=False)
    elif status == "accepted":
        services.accept_report(report, actor=CLI, at=at("2023-02-21"), recompute=False)
    return ProgressReport.objects.select_related("milestone__row").get(pk=report.pk)


def _resubmit(report: ProgressReport, actor: Actor) -> Any:
    return services.submit_report(
        report.milestone,
        period_code=report.period_code,
        percent_complete=55,
        narrative="补充了材料",
        actor=actor,
        recompute=False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("unit", UNITS)
def test_report_workflow_walk(personas, make_milestone, unit) -> None:
    problems = walk(
        REPORT_FLOW,
        personas,
        make=lambda status: _report(make_milestone, unit, status),
        page=lambda r: f"/supervision/reports/{r.pk}/",
        take={
            "submit": _resubmit,
            "return": lambda r, actor: services.return_report(
                r, comment="请补充", actor=actor, recompute=False
            ),
            "accept": lambda r, actor: services.accept_report(r, actor=actor, recompute=False),
        },
        post={
            "submit": Post(
                lambda r: f"/supervision/milestones/{r.milestone_id}/report/{r.period_code}/",
                {"percent_complete": "55", "narrative": "补充了材料"},
            ),
            "return": Post(lambda r: f"/supervision/reports/{r.pk}/return/", {"comment": "请补充"}),
            "accept": Post(lambda r: f"/supervision/reports/{r.pk}/accept/", {}),
        },
    )
    assert problems == []


def _escalation(make_milestone: Any, status: str) -> Escalation:
    n = next(positions)
    milestone = make_milestone(key=True, position=n, title=f"重点节点{n}")
    services.recompute_flags(as_of=dt.date(2023, 2, 28), actor=CLI, milestones=[milestone])
    escalation = Escalation.objects.get(milestone=milestone)
    if status == "rectified":
        services.record_follow_up(
            escalation, kind="rectified", on=escalation.raised_on, note="已整改", actor=CLI
        )
    return Escalation.objects.get(pk=escalation.pk)


@pytest.mark.django_db
def test_escalation_workflow_walk(personas, make_milestone) -> None:
    problems = walk(
        ESCALATION_FLOW,
        personas,
        make=lambda status: _escalation(make_milestone, status),
        page=lambda e: f"/supervision/escalations/{e.pk}/",
        take={
            "follow_up": lambda e, actor: services.record_follow_up(
                e, kind="interview", on=e.raised_on, note="约谈", actor=actor
            )
        },
        post={
            "follow_up": Post(
                lambda e: f"/supervision/escalations/{e.pk}/follow-up/",
                {"kind": "interview", "on": "2023-03-02", "note": "约谈"},
            )
        },
    )
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("unit", UNITS)
def test_filing_a_first_report_walk(personas, make_milestone, unit) -> None:
    """No report yet: the milestone page offers 填报 (data-action="submit") iff the persona
    reports on it; the service and the form's POST accept it iff so."""
    milestone: Milestone = make_milestone(position=next(positions), **UNITS[unit])
    reporter = {"department": "liaison", "district": "district_a"}[unit]
    post = Post(
        lambda m: f"/supervision/milestones/{m.pk}/report/2023-Q1/",
        {"percent_complete": "40", "narrative": "进展"},
    )
    problems = []
    for name in PERSONAS:
        user = persona_user(personas, name)
        client = client_of(personas, user)
        may = services.may_file_report(user, milestone)
        shown = "submit" in shown_actions(client, f"/supervision/milestones/{milestone.pk}/?as_of=2023-03-01")
        took = accepted(
            partial(
                services.submit_report,
                milestone,
                period_code="2023-Q1",
                percent_complete=40,
                narrative="进展",
                actor=actor_of(user),
            )
        )
        sent = posted(client, post, milestone)
        if not may == shown == took == sent == (name == reporter):
            problems.append(f"{name}: may {may}, page {shown}, service {took}, POST {sent}")
    assert problems == []
