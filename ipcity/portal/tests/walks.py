"""The walk of portal/workflows.py (ipcity/core/tests/walk.py): a notice in each status, reached with
the real services; each action tried through its service and its page's POST; the notice page marks
each control it offers with `data-action`."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from django.urls import reverse

from ipcity.core.audit import Actor
from ipcity.core.tests.walk import Try, Walk, data_actions, take, walk_for
from ipcity.portal import services
from ipcity.portal.models import Notice
from ipcity.portal.workflows import NOTICE_WORKFLOW
from ipcity.test import Personas

CLI = Actor.cli("portal walk")
TEXT: dict[str, Any] = {
    "kind": "notice",
    "title": "关于开展知识产权宣传周活动的通知",
    "body": "各有关单位：……",
}


@walk_for(Notice)
def notice_walk(personas: Personas, tmp_path: Path) -> Walk[Notice]:
    office = Actor.web(personas.admin)

    def states() -> Generator[tuple[str, Notice], None, None]:
        notice = services.create_notice(**TEXT, actor=office)
        yield "草稿", notice
        services.publish_notice(notice, actor=office)
        yield "已发布", notice
        services.withdraw_notice(notice, actor=office)
        yield "已撤回", notice

    def tries(notice: Notice, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"portal:notice_{action}", args=[notice.pk])

        return [
            Try(
                "edit",
                lambda n: services.update_notice(n, **TEXT, actor=actor),
                lambda c: c.post(url("edit"), TEXT),
            ),
            take("publish", services.publish_notice, url("publish"), actor=actor),
            take("withdraw", services.withdraw_notice, url("withdraw"), actor=actor),
        ]

    return Walk(
        NOTICE_WORKFLOW,
        states(),
        tries,
        data_actions(lambda notice: reverse("portal:notice", args=[notice.pk])),
        {
            "草稿": {"admin": {"edit", "publish"}},
            "已发布": {"admin": {"withdraw"}},
            "已撤回": {"admin": {"edit", "publish"}},
        },
        cli=CLI,
    )
