"""Migration 0001 moves grants' minimal credit records into protection: same ids, kind, source and
dates, listed and not published; new records get ids after them (the sequence is reset)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ipcity.registry.services import upsert_organisation
from ipcity.test import SETUP

GRANTS_BEFORE = ("grants", "0002_payment_payee_account")
BEFORE = [GRANTS_BEFORE, ("protection", None)]
AFTER = [("grants", "0004_delete_creditrecord"), ("protection", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_credit_records_move_from_grants(plan) -> None:  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state([GRANTS_BEFORE]).apps
        organisation, _ = upsert_organisation(actor=SETUP, name="迁移测试公司", values={"kind": "enterprise"})
        old = old_apps.get_model("grants", "CreditRecord")
        serious = old.objects.create(
            organisation_id=organisation.pk, kind="serious", source="公告 1 号", start=dt.date(2024, 1, 1)
        )
        old.objects.create(
            organisation_id=organisation.pk,
            kind="other",
            source="提示",
            start=dt.date(2024, 2, 1),
            end=dt.date(2024, 3, 1),
        )
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new_apps = executor.loader.project_state(AFTER).apps
        new = new_apps.get_model("protection", "CreditRecord")
        moved = new.objects.get(pk=serious.pk)
        assert (moved.kind, moved.source, moved.start, moved.status, moved.public) == (
            "serious", "公告 1 号", dt.date(2024, 1, 1), "listed", False,
        )  # fmt: skip
        assert new.objects.count() == 2
        fresh = new.objects.create(
            organisation_id=organisation.pk, kind="general", source="新", start=dt.date(2025, 1, 1)
        )
        assert fresh.pk > serious.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
