"""Writes on users. One transaction and one audit event each."""

from __future__ import annotations

from django.db import transaction

from ipcity.accounts.models import User
from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.core.models import Department, Region

USER_FIELDS = ["role", "display_name", "department", "region", "is_staff", "is_superuser", "is_active"]


@transaction.atomic
def upsert_user(
    username: str,
    *,
    actor: Actor,
    role: str,
    display_name: str = "",
    department: Department | None = None,
    region: Region | None = None,
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> tuple[User, str]:
    """Create or update a user by username; the password is set only when given (never audited)."""
    user, status = upsert(
        User,
        key={"username": username},
        values={
            "role": role,
            "display_name": display_name,
            "department": department,
            "region": region,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "is_active": True,
        },
        actor=actor,
        action_prefix="user",
    )
    user.full_clean(exclude=["password"])
    if password is not None and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(actor, "user.password.set", obj=user)
    return user, status


@transaction.atomic
def deactivate_user(user: User, *, actor: Actor) -> None:
    before = snapshot(user, ["is_active"])
    user.is_active = False
    user.save(update_fields=["is_active"])
    record_event(actor, "user.deactivate", obj=user, before=before, after=snapshot(user, ["is_active"]))
