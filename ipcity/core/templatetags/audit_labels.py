"""The audit trail in Chinese in templates (ipcity.core.audit_labels)."""

from __future__ import annotations

from django import template

from ipcity.core import audit_labels
from ipcity.core.models import AuditEvent

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return audit_labels.action_label(code)


@register.filter
def object_type_label(object_type: str) -> str:
    return audit_labels.object_type_label(object_type)


@register.filter
def changed_field_labels(event: AuditEvent) -> str:
    return "、".join(audit_labels.field_label(event.object_type, k) for k in event.changed_fields)
