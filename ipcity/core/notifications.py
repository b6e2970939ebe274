"""In-app notifications, mirrored by e-mail to recipients who have an address."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ipcity.accounts.models import User
from ipcity.core.audit import Actor, record_event
from ipcity.core.models import Notification

log = logging.getLogger(__name__)


@transaction.atomic
def notify(
    recipients: Iterable[User], *, title: str, body: str = "", url: str = "", actor: Actor, email: bool = True
) -> list[Notification]:
    users = [u for u in {u.pk: u for u in recipients}.values() if u.is_active]
    created = Notification.objects.bulk_create(
        Notification(recipient=u, title=title[:200], body=body, url=url[:300]) for u in users
    )
    if users:
        record_event(
            actor,
            "notification.send",
            object_type="core.notification",
            object_repr=title[:300],
            after={"recipients": [u.username for u in users], "url": url},
        )
    if email:
        addresses = [u.email for u in users if u.email]
        if addresses:
            link = f"\n\n{settings.IPCITY_BASE_URL}{url}" if url else ""

            def send() -> None:
                try:
                    send_mail(title, body + link, None, addresses)
                except OSError:  # mail is best effort; the in-app notification is the record
                    log.exception("sending notification e-mail failed")

            transaction.on_commit(send)
    return created


@transaction.atomic
def mark_read(notification: Notification, *, actor: Actor) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


@transaction.atomic
def mark_all_read(user: User, *, actor: Actor) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
