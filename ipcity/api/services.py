"""Writes of the API app: create and revoke personal tokens (audited), and count requests per token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ipcity.api.models import ApiToken
from ipcity.core.audit import Actor, record_event
from ipcity.core.workflow import Refused

# Tokens start with this marker so that a leaked one is recognisable (secret scanners, logs).
TOKEN_MARKER = "ipc_"
# The longest a token may live: another system's credentials are renewed at least once a year.
MAX_LIFETIME_DAYS = 366
DEFAULT_LIFETIME_DAYS = 90


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(
    user: Any, *, name: str, expires_on: dt.date | None = None, actor: Actor
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and its secret, which is never stored and shown only once."""
    if actor.user is not None and actor.user.pk != user.pk:
        raise Refused("API 令牌只能由本人创建。")
    if not getattr(user, "is_active", False):
        raise Refused("账号已停用，不能创建 API 令牌。")
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写令牌用途（例如对接的系统名称）。")
    if len(name) > 60:
        raise ValidationError("令牌用途最多 60 个字。")
    today = timezone.localdate()
    expires_on = expires_on or today + dt.timedelta(days=DEFAULT_LIFETIME_DAYS)
    if expires_on < today:
        raise ValidationError("有效期不能早于今天。")
    if expires_on > today + dt.timedelta(days=MAX_LIFETIME_DAYS):
        raise ValidationError(
            f"有效期最长 {MAX_LIFETIME_DAYS} 天（至 {today + dt.timedelta(days=MAX_LIFETIME_DAYS):%Y-%m-%d}）。"
        )
    secret = TOKEN_MARKER + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_MARKER) + 6],
        digest=digest_of(secret),
        expires_on=expires_on,
    )
    record_event(actor, "api_token.create", obj=token, after={"name": name, "expires_on": expires_on})
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Actor) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if actor.user is not None and actor.user.pk != token.user_id:
        raise Refused("只能吊销本人的 API 令牌。")
    if token.revoked_at is not None:
        raise Refused("该令牌已吊销。")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(actor, "api_token.revoke", obj=token, after={"revoked_at": token.revoked_at})
    return token


def rate_limit_per_minute() -> int:
    return int(getattr(settings, "IPCITY_API_RATE_LIMIT_PER_MINUTE", 120))


def count_request(token: ApiToken, *, now: dt.datetime | None = None) -> bool:
    """Count one request of `token` in the current minute; False when the minute's quota is used up.

    A fixed one-minute window in the token's row: two conditional UPDATEs, so concurrent workers
    never count past the limit. Not audited: a request is a read, and the counter is bookkeeping.
    """
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    limit = rate_limit_per_minute()
    rows = ApiToken.objects.filter(pk=token.pk, window_start=minute, window_count__lt=limit).update(
        window_count=F("window_count") + 1, last_used_at=now
    )
    if rows:
        return True
    rows = (
        ApiToken.objects.filter(pk=token.pk)
        .exclude(window_start=minute)
        .update(window_start=minute, window_count=1, last_used_at=now)
    )
    return bool(rows)
