"""Password sign-in, refusing the demo accounts' published password on a production site."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from ipcity.lib.datafile import read_yaml

DEMO_ACCOUNTS_FILE = settings.DATA_DIR / "demo" / "accounts.yaml"


@functools.cache
def published_demo_password() -> str:
    """The password every demo account gets (it is printed by `make run` and in the README)."""
    data, _checksum = read_yaml(DEMO_ACCOUNTS_FILE)
    return str(data["password"])


def demo_logins_allowed() -> bool:
    """A development site: DEBUG on, or the zero-configuration key (refused by the production
    server and on any non-loopback host, ipcity/core/checks.py)."""
    return bool(settings.DEBUG) or settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY


def is_refused_demo_password(password: str | None) -> bool:
    return password is not None and not demo_logins_allowed() and password == published_demo_password()


class PasswordBackend(ModelBackend):
    """Django's username + password sign-in, except with the published demo password in production:
    whoever set it (the demo loader, or an administrator), it is public and never signs anyone in."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if is_refused_demo_password(password):
            # PermissionDenied stops the other backends and is recorded as a failed login.
            raise PermissionDenied("published demo password")
        return super().authenticate(request, username=username, password=password, **kwargs)
