"""Sign-in, sign-out and lockouts are recorded in the audit log (who, when, from where)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ipcity.accounts.client_ip import client_ip
from ipcity.core.audit import Actor, record_event


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(Actor.web(user), "user.login", obj=user, note=client_ip(request))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        reason = getattr(request, "ipcity_logout_reason", "")
        note = "；".join(part for part in (client_ip(request), reason) if part)
        record_event(Actor.web(user), "user.logout", obj=user, note=note)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(
        Actor.system(),
        "user.login_failed",
        object_type="accounts.user",
        object_repr=username,
        note=client_ip(request),
    )


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    record_event(
        Actor.system(),
        "user.locked_out",
        object_type="accounts.user",
        object_repr=str(username or "")[:150],
        note=f"{client_ip(request)}；连续登录失败，暂停登录",
    )
