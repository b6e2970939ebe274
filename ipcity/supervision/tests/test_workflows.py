"""Filing a period's first report (a milestone has no status, so no workflow to walk) walked by
persona: the page offers it, the service and the POST accept it, iff the persona reports on the
milestone. The walks of the supervision workflows are ipcity/supervision/tests/walks.py, run by
ipcity/core/tests/test_every_workflow.py."""

from __future__ import annotations

from functools import partial

import pytest
from django.urls import reverse

from ipcity.core.tests.walk import (
    PERSONAS,
    accepted,
    actor_of,
    client_of,
    persona_user,
    posted,
    shown_actions,
)
from ipcity.supervision import services
from ipcity.supervision.models import Milestone
from ipcity.supervision.tests.walks import REPORTER, UNITS, positions


@pytest.mark.django_db
@pytest.mark.parametrize("unit", UNITS)
def test_filing_a_first_report_walk(personas, make_milestone, unit) -> None:
    """No report yet: the milestone page offers 填报 (data-action="submit") iff the persona
    reports on it; the service and the form's POST accept it iff so."""
    milestone: Milestone = make_milestone(position=next(positions), **UNITS[unit])
    form = reverse("supervision:report_form", args=[milestone.pk, "2023-Q1"])
    page = f"{reverse('supervision:milestone', args=[milestone.pk])}?as_of=2023-03-01"
    problems = []
    for name in PERSONAS:
        user = persona_user(personas, name)
        client = client_of(personas, user)
        may = services.may_file_report(user, milestone)
        shown = "submit" in shown_actions(client, page)
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
        sent = posted(client, lambda c: c.post(form, {"percent_complete": "40", "narrative": "进展"}))
        if not may == shown == took == sent == (name == REPORTER[unit]):
            problems.append(f"{name}: may {may}, page {shown}, service {took}, POST {sent}")
    assert problems == []
