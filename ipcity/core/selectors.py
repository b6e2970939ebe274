from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ipcity.core.models import AuditEvent


def filter_audit_events(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Filters of the audit-log page; dates are whole days in Asia/Shanghai."""
    if filters.get("actor"):
        events = events.filter(actor_label__icontains=filters["actor"])
    if filters.get("action"):
        events = events.filter(action__icontains=filters["action"])
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
    if filters.get("q"):
        events = events.filter(object_repr__icontains=filters["q"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        events = events.filter(at__gte=dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz))
    if filters.get("date_to"):
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        events = events.filter(at__lt=end)
    return events
