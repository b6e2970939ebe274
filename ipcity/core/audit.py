"""The audit trail: every write records who, when, what and the values before and after.

Services call `record_event` inside their own transaction, so a write and its audit row
commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from ipcity.core.choices import AuditSource
from ipcity.core.models import AuditEvent

if TYPE_CHECKING:
    from ipcity.accounts.models import User


@dataclass(frozen=True)
class Actor:
    """Who performs a write: a signed-in user on the web, or an operator at the command line."""

    user: User | None
    source: str
    label: str

    @classmethod
    def web(cls, user: Any) -> Actor:
        """`user` is request.user of a view that has already checked the user is signed in."""
        if not getattr(user, "is_authenticated", False):
            raise ValueError("Actor.web needs a signed-in user")
        return cls(user=user, source=AuditSource.WEB, label=user.get_username())

    @classmethod
    def cli(cls, label: str = "命令行") -> Actor:
        return cls(user=None, source=AuditSource.CLI, label=label)

    @classmethod
    def system(cls, label: str = "系统") -> Actor:
        return cls(user=None, source=AuditSource.SYSTEM, label=label)


def json_safe(value: Any) -> Any:
    """A JSON-storable form of a field value, readable in the audit log."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return value


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}"


def record_event(
    actor: Actor,
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEvent.objects.create(
        actor=actor.user,
        actor_label=actor.label,
        source=actor.source,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=json_safe(before) if before is not None else None,
        after=json_safe(after) if after is not None else None,
        note=note[:300],
    )


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: json_safe(getattr(obj, name)) for name in fields}


M = TypeVar("M", bound=models.Model)


def upsert(
    model: type[M],
    *,
    key: dict[str, Any],
    values: dict[str, Any],
    actor: Actor,
    action_prefix: str,
    audit: bool = True,
) -> tuple[M, str]:
    """Create or update one row by its natural key, auditing what changed.

    Returns (object, "created" | "updated" | "unchanged"). The caller owns the transaction.
    `audit=False` is for derived data recomputed in bulk, whose caller audits the run instead.
    """
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        obj = model._default_manager.create(**key, **values)
        if audit:
            record_event(actor, f"{action_prefix}.create", obj=obj, after=snapshot(obj, [*key, *values]))
        return obj, "created"
    changed = [
        name for name, value in values.items() if _comparable(getattr(obj, name)) != _comparable(value)
    ]
    if not changed:
        return obj, "unchanged"
    before = snapshot(obj, changed)
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    if audit:
        record_event(actor, f"{action_prefix}.update", obj=obj, before=before, after=snapshot(obj, changed))
    return obj, "updated"


def delete_audited(obj: models.Model, *, actor: Actor, action_prefix: str, fields: list[str]) -> None:
    before = snapshot(obj, fields)
    record_event(actor, f"{action_prefix}.delete", obj=obj, before=before)
    obj.delete()
