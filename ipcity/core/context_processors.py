from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ipcity.accounts.permissions import can_view_audit_log, is_city_admin, is_government_user
from ipcity.core.models import DataSet, Notification


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name, the demo-data banner flag, and what the navigation may offer this user."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.IPCITY_SITE_NAME,
        "demo_data_present": DataSet.objects.filter(is_demo=True).exists(),
        "nav_audit": can_view_audit_log(user),
        "nav_admin": is_city_admin(user) and bool(getattr(user, "is_staff", False)),
        "nav_government": is_government_user(user),
        "unread_notifications": (
            Notification.objects.filter(recipient=user, read_at__isnull=True).count()
            if getattr(user, "is_authenticated", False)
            else 0
        ),
    }
