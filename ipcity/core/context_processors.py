from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from ipcity.accounts.permissions import can_view_audit_log, is_city_admin, is_government_user
from ipcity.core.models import DataSet, Notification
from ipcity.core.workdays import coverage_notice


def _today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class SystemNotice:
    text: str
    link_url: str
    link_text: str


def system_notices(user: Any) -> list[SystemNotice]:
    """What the city office must act on for the platform to keep working (shown on every page), each
    with a link to the page where it is done."""
    if not is_city_admin(user):
        return []
    notice = coverage_notice(_today())
    if not notice:
        return []
    return [SystemNotice(notice, reverse("core:calendar"), "录入工作日历")]


def site(request: HttpRequest) -> dict[str, Any]:
    """The platform's name, the demo-data banner flag, and what the navigation may offer this user.

    `platform_name`, not `site_name`: Django's own views (the login page) put the host name into
    the context as `site_name`, which would replace the platform's name on those pages."""
    user = getattr(request, "user", None)
    return {
        "system_notices": system_notices(user),
        "platform_name": settings.IPCITY_SITE_NAME,
        "demo_data_present": DataSet.objects.filter(is_demo=True).exists(),
        "nav_audit": can_view_audit_log(user),
        "nav_calendar": is_city_admin(user),
        "nav_city_office": is_city_admin(user),
        "nav_admin": is_city_admin(user) and bool(getattr(user, "is_staff", False)),
        "nav_government": is_government_user(user),
        "unread_notifications": (
            Notification.objects.filter(recipient=user, read_at__isnull=True).count()
            if getattr(user, "is_authenticated", False)
            else 0
        ),
    }
