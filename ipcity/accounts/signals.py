"""Sign-in and sign-out are recorded in the audit log (who, when, from where)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ipcity.core.audit import Actor, record_event


def _ip(request: Any) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(Actor.web(user), "user.login", obj=user, note=_ip(request))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(Actor.web(user), "user.logout", obj=user, note=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(
        Actor.system(),
        "user.login_failed",
        object_type="accounts.user",
        object_repr=username,
        note=_ip(request),
    )
