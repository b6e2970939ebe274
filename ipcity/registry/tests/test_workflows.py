"""The review queue's workflow walked: every status × persona × action, page, table, service and
POST agree (ipcity/core/tests/walk.py)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from ipcity.core.models import AuditEvent
from ipcity.core.tests.walk import Post, walk
from ipcity.core.workflow import WORKFLOWS
from ipcity.registry.importers import import_file
from ipcity.registry.models import OrganisationName, ReviewItem
from ipcity.registry.services import (
    dismiss_review_item,
    reopen_review_item,
    resolve_review_item,
    upsert_organisation,
)
from ipcity.registry.tests.helpers import ACTOR, app_no, write_csv
from ipcity.registry.workflows import REVIEW_FLOW
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
serials = itertools.count(1)


def test_every_registry_workflow_is_walked() -> None:
    assert {model for model in WORKFLOWS if model._meta.app_label == "registry"} == {ReviewItem}


def ambiguous_name(tmp_path: Path, personas: Personas) -> ReviewItem:
    """A patent file naming a holder both test enterprises are known by: the import queues the name."""
    n = next(serials)
    name = f"测试集团{n}"
    for org in (personas.org_a, personas.org_b):
        OrganisationName.objects.create(organisation=org, name=name, name_key=name, kind="alias")
    number = app_no(2021, "1", 9000 + n)
    rows = [[number, "2021-05-06", "一种测试装置", name, "G06F 1/16", "有效", "烟台市芝罘区"]]
    headers = ["申请号", "申请日", "名称", "申请（专利权）人", "主分类号", "法律状态", "地址"]
    result = import_file("patents", write_csv(tmp_path / f"r{n}.csv", headers, rows), actor=ACTOR)
    assert result.reviews_added == 1, result.errors
    return ReviewItem.objects.get(name=name)


def _in(status: str, tmp_path: Path, personas: Personas) -> ReviewItem:
    item = ambiguous_name(tmp_path, personas)
    if status == "resolved":
        resolve_review_item(item, organisation=personas.org_a, actor=ACTOR)
    elif status == "dismissed":
        dismiss_review_item(item, actor=ACTOR)
    return ReviewItem.objects.get(pk=item.pk)


def test_review_item_workflow_walk(tmp_path: Path, personas: Personas) -> None:
    problems = walk(
        REVIEW_FLOW,
        personas,
        make=lambda status: _in(status, tmp_path, personas),
        page=lambda item: f"/registry/reviews/?status={item.status}&q={item.name}",
        take={
            "resolve": lambda item, actor: resolve_review_item(
                item, organisation=personas.org_b, actor=actor
            ),
            "dismiss": lambda item, actor: dismiss_review_item(item, actor=actor),
            "reopen": lambda item, actor: reopen_review_item(item, actor=actor),
        },
        post={
            "resolve": Post(
                lambda item: f"/registry/reviews/{item.pk}/resolve/", {"organisation": personas.org_b.pk}
            ),
            "dismiss": Post(lambda item: f"/registry/reviews/{item.pk}/dismiss/", {}),
            "reopen": Post(lambda item: f"/registry/reviews/{item.pk}/reopen/", {}),
        },
    )
    assert problems == []


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
