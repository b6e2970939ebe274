"""System checks of our own (`ipcity check`, `ipcity check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}
MIN_SECRET_KEY_LENGTH = 50


def _weak_secret_key() -> bool:
    key = str(settings.SECRET_KEY)
    return key == settings.DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5


def _loopback_only() -> bool:
    return all(host in LOOPBACK_HOSTS for host in settings.ALLOWED_HOSTS)


def _secret_key_error() -> Error:
    return Error(
        "未设置足够强的密钥：关闭调试模式运行时，必须用 IPCITY_SECRET_KEY 设置至少 50 个字符的随机密钥，"
        "不能使用公开的开发密钥。"
        " / IPCITY_SECRET_KEY is unset, the public development key, or shorter than 50 characters, "
        "while DEBUG is off.",
        hint="例如：python3 -c 'import secrets; print(secrets.token_urlsafe(50))'，见 docs/deploy.md。",
        id="ipcity.E001",
    )


@register(Tags.security)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, a weak key is refused unless the site answers on loopback alone (zero-config
    `make run`); the production server runs the deploy checks, where the loopback exemption ends."""
    if settings.DEBUG or not _weak_secret_key() or _loopback_only():
        return []
    return [_secret_key_error()]


@register(Tags.security, deploy=True)
def check_secret_key_deploy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # Only the case the always-on check lets through, so the error is not reported twice.
    if settings.DEBUG or not _weak_secret_key() or not _loopback_only():
        return []
    return [_secret_key_error()]
