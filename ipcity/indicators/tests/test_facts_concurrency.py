"""Two refreshes of the patent facts at the same time on PostgreSQL (SQLite serialises writers):
both finish, nothing is built twice. Runs in CI's PostgreSQL pass, skipped otherwise."""

from __future__ import annotations

import os

import pytest

from ipcity.grants.tests.test_concurrency import race
from ipcity.indicators.facts import refresh_facts
from ipcity.indicators.models import PatentFact, PatentFactQueue
from ipcity.registry.models import Patent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises writers, so nothing can race",
    ),
]


def test_concurrent_refreshes_build_each_patent_once(plan, make_patent) -> None:  # type: ignore[no-untyped-def]
    # `plan`: reference data again after earlier transactional tests flushed the database
    patents = [make_patent() for _ in range(40)]  # saved through the ORM: each one queued
    assert PatentFactQueue.objects.count() >= 40 and not PatentFact.objects.exists()
    results = race([refresh_facts, refresh_facts, refresh_facts])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [0, 0, 40]  # one refresh built them; the others found nothing left
    assert PatentFact.objects.count() == len(patents) == Patent.objects.count()
    assert not PatentFactQueue.objects.exists()
