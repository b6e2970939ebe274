"""Request middleware of our own."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN_KEY = "ipcity_last_seen"
# The last-seen time is rewritten at most this often, not on every request (a session write each).
LAST_SEEN_RESOLUTION_SECONDS = 60


def mark_seen_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Start the idle clock at sign-in, so the first request after it need not write the session."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class IdleSessionTimeoutMiddleware:
    """Ends a signed-in session after IPCITY_SESSION_IDLE_SECONDS without a request.

    Distinct from SESSION_COOKIE_AGE, which ends every session a fixed time after sign-in; the
    sign-out is audited with its reason (ipcity/accounts/signals.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        idle = settings.IPCITY_SESSION_IDLE_SECONDS
        if idle > 0 and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > idle:
                request.ipcity_logout_reason = f"空闲超过 {idle // 60} 分钟自动退出"  # type: ignore[attr-defined]
                logout(request)
                messages.info(
                    request, f"您已超过 {idle // 60} 分钟没有操作，为安全起见已自动退出，请重新登录。"
                )
            elif not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
