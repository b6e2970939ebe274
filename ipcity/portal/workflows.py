"""The action table of notices (通知公告): written as a draft, published, withdrawn, published again."""

from __future__ import annotations

from ipcity.core.workflow import Action, Workflow
from ipcity.portal.choices import NoticeStatus
from ipcity.portal.models import Notice
from ipcity.portal.permissions import manages_notice

S = NoticeStatus

NOTICE_WORKFLOW: Workflow[Notice] = Workflow(
    Notice,
    [
        Action("edit", "修改", frozenset({S.DRAFT, S.WITHDRAWN}), manages_notice),
        Action("publish", "发布", frozenset({S.DRAFT, S.WITHDRAWN}), manages_notice, to=S.PUBLISHED),
        Action("withdraw", "撤回", frozenset({S.PUBLISHED}), manages_notice, to=S.WITHDRAWN),
    ],
    audit_prefix="portal_notice",
    number=lambda notice: notice.number,
)
