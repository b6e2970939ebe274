"""The action table of the registry (core.workflow): the review queue of ambiguous organisation
names (机构匹配待确认). Pages show `allowed_actions`; services `move`.

Nothing else in the registry has a workflow: an import run (`ImportRun`) is a record of a finished
import (its background job's progress is core.Job's), and the statuses of patents, trademarks,
certificates and GIs are facts read from the files, not steps anyone takes here.
"""

from __future__ import annotations

from typing import Any

from ipcity.accounts.permissions import is_city_admin
from ipcity.core.workflow import Action, Workflow
from ipcity.registry.choices import ReviewStatus
from ipcity.registry.models import ReviewItem

OPEN, RESOLVED, DISMISSED = ReviewStatus.OPEN, ReviewStatus.RESOLVED, ReviewStatus.DISMISSED


def can_review_names(user: Any, item: Any = None) -> bool:
    """The city office, which runs the imports, decides which organisation a name is."""
    return is_city_admin(user)


# An open name is resolved (one of its candidates) or dismissed (none of them); either decision can
# be reopened, which undoes it for future imports (records already linked stay linked).
REVIEW_FLOW: Workflow[ReviewItem] = Workflow(
    ReviewItem,
    [
        Action("resolve", "确认机构", frozenset({OPEN}), can_review_names, to=RESOLVED),
        Action("dismiss", "确认不属于任何候选机构", frozenset({OPEN}), can_review_names, to=DISMISSED),
        Action("reopen", "重新打开", frozenset({RESOLVED, DISMISSED}), can_review_names, to=OPEN),
    ],
    audit_prefix="reviewitem",
    number=lambda item: f"“{item.name}”",
)
