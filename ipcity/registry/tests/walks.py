"""The walk of the registry's workflow (ipcity/core/tests/walk.py): a name of the review queue in
each status, reached through a real import and the real decisions."""

from __future__ import annotations

import itertools
from collections.abc import Generator
from pathlib import Path
from urllib.parse import urlencode

from django.urls import reverse

from ipcity.core.audit import Actor
from ipcity.core.tests.walk import Try, Walk, data_actions, take, walk_for
from ipcity.registry.choices import ReviewStatus
from ipcity.registry.importers import import_file
from ipcity.registry.models import OrganisationName, ReviewItem
from ipcity.registry.services import dismiss_review_item, reopen_review_item, resolve_review_item
from ipcity.registry.tests.helpers import ACTOR, app_no, write_csv
from ipcity.registry.workflows import REVIEW_FLOW
from ipcity.test import Personas

serials = itertools.count(1)


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


@walk_for(ReviewItem)
def review_item_walk(personas: Personas, tmp_path: Path) -> Walk[ReviewItem]:
    def states() -> Generator[tuple[str, ReviewItem], None, None]:
        for status in ReviewStatus.values:
            item = ambiguous_name(tmp_path, personas)
            if status == ReviewStatus.RESOLVED:
                resolve_review_item(item, organisation=personas.org_a, actor=ACTOR)
            elif status == ReviewStatus.DISMISSED:
                dismiss_review_item(item, actor=ACTOR)
            yield status, item

    def tries(item: ReviewItem, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"registry:review_{action}", args=[item.pk])

        org = personas.org_b
        return [
            take(
                "resolve",
                resolve_review_item,
                url("resolve"),
                {"organisation": org.pk},
                actor=actor,
                organisation=org,
            ),
            take("dismiss", dismiss_review_item, url("dismiss"), actor=actor),
            take("reopen", reopen_review_item, url("reopen"), actor=actor),
        ]

    return Walk(
        REVIEW_FLOW,
        states(),
        tries,
        data_actions(
            lambda item: f"{reverse('registry:reviews')}?{urlencode({'status': item.status, 'q': item.name})}"
        ),
        expected={
            ReviewStatus.OPEN: {"admin": {"resolve", "dismiss"}},
            ReviewStatus.RESOLVED: {"admin": {"reopen"}},
            ReviewStatus.DISMISSED: {"admin": {"reopen"}},
        },
    )
