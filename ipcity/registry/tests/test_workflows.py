"""The review queue's decisions: audited, and only a candidate resolves a name. The walk of every
status × persona × action is ipcity/registry/tests/walks.py, run by
ipcity/core/tests/test_every_workflow.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from ipcity.core.models import AuditEvent
from ipcity.registry.services import (
    dismiss_review_item,
    reopen_review_item,
    resolve_review_item,
    upsert_organisation,
)
from ipcity.registry.tests.helpers import ACTOR
from ipcity.registry.tests.walks import ambiguous_name
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def test_decisions_are_audited_and_only_a_candidate_resolves(tmp_path: Path, personas: Personas) -> None:
    item = ambiguous_name(tmp_path, personas)
    outsider, _ = upsert_organisation(actor=ACTOR, name="测试丙公司", values={"kind": "enterprise"})
    with pytest.raises(ValidationError, match=r"“测试丙公司”不是“测试集团\d+”的候选机构"):
        resolve_review_item(item, organisation=outsider, actor=ACTOR)
    assert resolve_review_item(item, organisation=personas.org_b, actor=ACTOR) == 1
    reopen_review_item(item, actor=ACTOR)
    dismiss_review_item(item, actor=ACTOR)
    item.refresh_from_db()
    assert (item.status, item.organisation, item.resolved_by) == ("dismissed", None, ACTOR.label)
    events = AuditEvent.objects.filter(object_type="registry.reviewitem", object_id=str(item.pk)).order_by(
        "id"
    )
    assert [(e.action, e.before, (e.after or {}).get("status"), e.note) for e in events] == [
        ("reviewitem.resolve", {"status": "open"}, "resolved", "关联 1 条记录"),
        ("reviewitem.reopen", {"status": "resolved"}, "open", ""),
        ("reviewitem.dismiss", {"status": "open"}, "dismissed", "确认不属于任何候选机构"),
    ]
