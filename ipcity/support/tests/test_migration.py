"""grants/0003_experts_to_support: the experts of grants become support's with the same ids, and the
assignments keep pointing at them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("grants", "0002_payment_payee_account"), ("support", "0001_initial")]
AFTER = [("grants", "0003_experts_to_support")]


def _migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_experts_move_to_support_with_their_ids() -> None:
    old_apps = _migrate(BEFORE)
    try:
        Organisation = old_apps.get_model("registry", "Organisation")
        OldExpert = old_apps.get_model("grants", "Expert")
        org = Organisation.objects.create(name="迁移测试大学", kind="university")
        kept = OldExpert.objects.create(
            name="旧专家", affiliation="迁移测试大学", organisation=org, speciality="材料"
        )
        gone = OldExpert.objects.create(name="出库专家", affiliation="", active=False, is_demo=True)
        new_apps = _migrate(AFTER)
        Expert = new_apps.get_model("support", "Expert")
        moved = Expert.objects.get(pk=kept.pk)
        assert (moved.name, moved.employer_name, moved.employer_id, moved.speciality, moved.field) == (
            "旧专家", "迁移测试大学", org.pk, "材料", "other"
        )  # fmt: skip
        assert "待补充" in moved.note
        assert not Expert.objects.get(pk=gone.pk).active
        # The sequence is past the copied ids: a new expert gets a fresh one.
        fresh = Expert.objects.create(name="新专家", field="other")
        assert fresh.pk > max(kept.pk, gone.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
