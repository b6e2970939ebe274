"""Authentication by personal token (`Authorization: Bearer ipc_…`) and the per-token rate limit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from ipcity.api.models import ApiToken
from ipcity.api.services import count_request, digest_of
from ipcity.core.audit import Actor
from ipcity.core.choices import AuditSource


class RateLimited(Exception):
    """The token used up its requests of the current minute."""


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > 100:
            return None
        found = (
            ApiToken.objects.usable_on(timezone.localdate())
            .select_related("user", "user__region", "user__department")
            .filter(digest=digest_of(token))
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        if not count_request(found):
            raise RateLimited
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


def api_actor(request: HttpRequest) -> Actor:
    """Who writes through the API: the token's owner, labelled with the token (audit log)."""
    user: Any = request.auth  # type: ignore[attr-defined]
    token: ApiToken = request.api_token  # type: ignore[attr-defined]
    return Actor(
        user=user, source=AuditSource.WEB, label=f"{user.get_username()}（API 令牌 {token.prefix}…）"[:150]
    )
