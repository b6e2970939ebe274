"""Personal API tokens: what another system presents as `Authorization: Bearer <token>`.

The token itself is shown once, when it is created; only its SHA-256 digest is stored (a token is
a long random string, so a plain digest is enough — no salt or slow hash is needed against
guessing). Each token acts as its owner: the same role and the same scope as the owner's pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def visible_to(self, user: Any) -> ApiTokenQuerySet:
        """A user sees and revokes its own tokens only (the city office too: tokens are personal)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def usable_on(self, day: dt.date) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_on__gte=day)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=60)
    prefix = models.CharField(_("令牌前缀"), max_length=12)
    digest = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    expires_on = models.DateField(_("有效期至"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    # Rate limit: requests counted in the current minute (a fixed window, kept in the database so
    # that every web worker counts the same requests).
    window_start = models.DateTimeField(_("计数窗口"), null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(_("窗口内请求数"), default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, day: dt.date | None = None) -> bool:
        return self.expires_on < (day or timezone.localdate())

    @property
    def state_text(self) -> str:
        if self.is_revoked:
            return "已吊销"
        if self.is_expired():
            return "已过期"
        return "有效"
