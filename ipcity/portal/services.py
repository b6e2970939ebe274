"""Writes of the portal: notices (通知公告) and the public indicators, each one transaction with an
audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.core.workflow import Refused
from ipcity.indicators.models import Indicator
from ipcity.portal.choices import NoticeKind
from ipcity.portal.models import Notice, PublicIndicator
from ipcity.portal.permissions import can_manage_portal
from ipcity.portal.workflows import NOTICE_WORKFLOW

NOTICE_FIELDS = ["kind", "title", "body"]
# Notices carry documents and images: what core.attachments accepts (PDF, Word, Excel, WPS, OFD, images).
ATTACHMENTS_PER_NOTICE = 10


def _check(kind: str, title: str, body: str) -> dict[str, str]:
    problems = []
    if kind not in NoticeKind.values:
        problems.append("请选择类别")
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        problems.append("请填写标题")
    elif len(title) > 200:
        problems.append("标题最多 200 个字")
    if not body:
        problems.append("请填写正文")
    if problems:
        raise ValidationError("；".join(problems) + "。")
    return {"kind": kind, "title": title, "body": body}


def _next_number() -> str:
    year = timezone.localdate().year
    prefix = f"TZ{year}-"
    last = Notice.objects.filter(number__startswith=prefix).aggregate(n=Max("number"))["n"]
    serial = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def _attach(notice: Notice, uploads: Iterable[UploadedFile], actor: Actor) -> list[str]:
    uploads = list(uploads)
    if notice.attachments.count() + len(uploads) > ATTACHMENTS_PER_NOTICE:
        raise ValidationError(f"每条通知最多 {ATTACHMENTS_PER_NOTICE} 个附件。")
    stored = [store_attachment(upload, actor=actor) for upload in uploads]
    notice.attachments.add(*stored)
    return [a.original_name for a in stored]


@transaction.atomic
def create_notice(
    *,
    kind: str,
    title: str,
    body: str,
    actor: Actor,
    uploads: Iterable[UploadedFile] = (),
    is_demo: bool = False,
) -> Notice:
    if actor.user is not None and not can_manage_portal(actor.user):
        raise Refused("只有市局可以发布通知公告。")
    values = _check(kind, title, body)
    notice = Notice.objects.create(number=_next_number(), created_by=actor.user, is_demo=is_demo, **values)
    names = _attach(notice, uploads, actor)
    record_event(actor, "portal_notice.create", obj=notice, after={**values, "files": names})
    return notice


@transaction.atomic
def update_notice(
    notice: Notice, *, kind: str, title: str, body: str, actor: Actor, uploads: Iterable[UploadedFile] = ()
) -> Notice:
    notice = NOTICE_WORKFLOW.lock(notice)
    NOTICE_WORKFLOW.check(notice, "edit", actor=actor)
    values = _check(kind, title, body)
    before = snapshot(notice, NOTICE_FIELDS)
    for name, value in values.items():
        setattr(notice, name, value)
    notice.save()
    names = _attach(notice, uploads, actor)
    record_event(actor, "portal_notice.update", obj=notice, before=before, after={**values, "files": names})
    return notice


@transaction.atomic
def publish_notice(notice: Notice, *, actor: Actor) -> Notice:
    notice = NOTICE_WORKFLOW.lock(notice)
    notice.published_at = timezone.now()
    NOTICE_WORKFLOW.move(notice, "publish", actor=actor)
    notice.save(update_fields=["published_at"])
    return notice


@transaction.atomic
def withdraw_notice(notice: Notice, *, actor: Actor) -> Notice:
    notice = NOTICE_WORKFLOW.lock(notice)
    NOTICE_WORKFLOW.move(notice, "withdraw", actor=actor)
    return notice


@transaction.atomic
def set_public_indicators(codes: Iterable[str], *, actor: Actor) -> list[str]:
    """Show exactly these indicators to the public, in this order."""
    if actor.user is not None and not can_manage_portal(actor.user):
        raise Refused("只有市局可以设置公开指标。")
    codes = list(dict.fromkeys(codes))
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(f"没有这些指标：{'、'.join(unknown)}。")
    before = list(PublicIndicator.objects.order_by("position").values_list("indicator__code", flat=True))
    if before == codes:
        return codes
    names = dict(Indicator.objects.values_list("code", "name"))
    PublicIndicator.objects.exclude(indicator__code__in=codes).delete()
    for position, code in enumerate(codes):
        PublicIndicator.objects.update_or_create(indicator=found[code], defaults={"position": position})
    record_event(
        actor,
        "portal.public_indicators",
        object_type="portal.publicindicator",
        object_repr="公开指标",
        before={"indicators": [names.get(c, c) for c in before]},
        after={"indicators": [names[c] for c in codes]},
    )
    return codes


def public_indicator_codes() -> list[Any]:
    return list(PublicIndicator.objects.order_by("position").values_list("indicator__code", flat=True))
