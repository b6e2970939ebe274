"""The walk helper (ipcity/core/tests/walk.py) finds what disagrees with the table: tried on the test
table of core.Job (ipcity/core/tests/test_workflow.py), with a page and services made for the test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from ipcity.accounts.models import User
from ipcity.core.audit import Actor
from ipcity.core.models import Job, JobStatus
from ipcity.core.tests.test_workflow import FLOW, _job
from ipcity.core.tests.walk import Try, Walk, check_walk
from ipcity.test import Personas

Q, R, S, F = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED
EXPECTED: dict[str, dict[str, set[str]]] = {
    Q: {"enterprise_a": {"start", "note"}},
    R: {"enterprise_a": {"note"}, "admin": {"review"}},
}
POST_PROBLEM = "never tried through a POST: ['archive', 'note', 'review', 'start']"  # no pages for Job
ARCHIVE_PROBLEM = "never allowed to anyone: ['archive'] (walk a state that allows them)"  # before 2030


def _user(client: Client) -> Any:
    """Who the client is signed in as: the test's page is read off the table for that user."""
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else AnonymousUser()


def _moves(job: Job, actor: Actor) -> list[Try]:
    def move(name: str, **inputs: Any) -> Callable[[Job], Any]:
        def call(job: Job) -> None:
            with transaction.atomic():
                FLOW.move(FLOW.lock(job), name, actor=actor, **inputs)

        return call

    return [
        Try("start", move("start")),
        Try("note", move("note", comment="备注")),
        Try("review", move("review", decision="pass")),
        Try("archive", move("archive")),
    ]


def _walk(personas: Personas, **changes: Any) -> Walk[Job]:
    def states() -> Generator[tuple[str, Job], None, None]:
        for status in (Q, R, S, F):
            yield status, _job(personas, status)

    walk = Walk(
        FLOW,
        states(),
        _moves,
        lambda job, client: set(FLOW.allowed_actions(job, _user(client))),
        EXPECTED,
    )
    return replace(walk, **changes)


@pytest.fixture(autouse=True)
def before_2030(monkeypatch: pytest.MonkeyPatch) -> None:
    """Archiving waits for 2030 (the test table's condition): nobody may archive yet."""
    monkeypatch.setattr(FLOW, "today", lambda: dt.date(2029, 12, 31))


@pytest.mark.django_db
def test_a_walk_that_agrees_with_the_table_reports_only_what_was_never_tried(
    personas: Personas,
) -> None:
    assert check_walk(_walk(personas), personas) == [ARCHIVE_PROBLEM, POST_PROBLEM]


@pytest.mark.django_db
def test_a_walk_reports_the_page_the_service_the_statuses_and_the_expected_table(
    personas: Personas,
) -> None:
    def too_generous(job: Job, actor: Actor) -> list[Try]:
        tries = _moves(job, actor)
        tries[2] = Try("review", lambda job: Job.objects.filter(pk=job.pk).update(status=S))
        return tries

    def states() -> Generator[tuple[str, Job], None, None]:
        yield Q, _job(personas, Q)
        yield R, _job(personas, R)

    problems = check_walk(
        _walk(
            personas,
            states=states(),
            tries=too_generous,
            shown=lambda job, client: {"note"} if _user(client).is_authenticated else set(),
            expected={Q: {"enterprise_a": {"start"}}, R: EXPECTED[R]},
        ),
        personas,
    )
    assert "queued × enterprise_a: page shows ['note'], allowed ['note', 'start']" in problems
    assert "queued × admin: page shows ['note'], allowed []" in problems
    assert "queued × anonymous × review: service disagrees with allowed []" in problems
    assert "running × admin × review: service disagrees with allowed ['review']" not in problems
    assert "statuses not walked: ['failed', 'succeeded']" in problems
    assert "queued: allowed enterprise_a ['note', 'start'], expected enterprise_a ['start']" in problems
