"""The action table of white paper editions (docs/reports.md), on core.workflow: a draft is
published (then immutable) or discarded; nothing moves a published edition."""

from __future__ import annotations

from ipcity.core.workflow import Action, Workflow
from ipcity.reports.choices import EditionStatus
from ipcity.reports.models import Edition
from ipcity.reports.permissions import can_manage

ES = EditionStatus

EDITION_WORKFLOW: Workflow[Edition] = Workflow(
    Edition,
    [
        Action("publish", "发布", frozenset({ES.DRAFT}), can_manage, to=ES.PUBLISHED),
        Action("discard", "作废", frozenset({ES.DRAFT}), can_manage, to=ES.DISCARDED, requires=("reason",)),
    ],
    audit_prefix="report_edition",
    number=lambda edition: edition.number,
)
