"""兑现期限 (SLA deadlines) kept in step with the working-day calendar.

An application's deadline is computed from the calendar when it is submitted. When the city office
enters or corrects a calendar year (e.g. the next year once the State Council notice is out), the
open applications whose deadline could not be computed — or whose deadline the change moves — are
recomputed here, each change audited. Connected to core.workdays.calendar_changed in GrantsConfig.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ipcity.core.audit import Actor, record_event
from ipcity.grants.choices import OPEN_STATUSES
from ipcity.grants.evaluation import item_or_none
from ipcity.grants.models import Application
from ipcity.grants.services.common import _sla


@transaction.atomic
def refresh_deadlines(*, actor: Actor) -> int:
    """Recompute the deadline of every open application; returns how many changed."""
    changed = 0
    for app in Application.objects.select_for_update().filter(
        status__in=OPEN_STATUSES, submitted_on__isnull=False
    ):
        item = item_or_none(app.item_code)
        if item is None:
            continue
        before = {"sla_due": app.sla_due, "sla_note": app.sla_note}
        _sla(app, item)
        after = {"sla_due": app.sla_due, "sla_note": app.sla_note}
        if after == before:
            continue
        app.save(update_fields=["sla_due", "sla_note"])
        record_event(
            actor,
            "grant_application.deadline",
            obj=app,
            before=before,
            after=after,
            note="工作日历变更后重算兑现期限",
        )
        changed += 1
    return changed


def on_calendar_changed(sender: Any, *, actor: Actor, **kwargs: Any) -> None:
    refresh_deadlines(actor=actor)
