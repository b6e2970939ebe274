"""A signed-in session ends after IPCITY_SESSION_IDLE_SECONDS without a request, and says so."""

from __future__ import annotations

import pytest

from ipcity.core import middleware
from ipcity.core.models import AuditEvent
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


def test_an_idle_session_is_signed_out_and_audited(personas: Personas, settings, monkeypatch) -> None:
    settings.IPCITY_SESSION_IDLE_SECONDS = 30 * 60
    clock = Clock(1_700_000_000)
    monkeypatch.setattr(middleware, "time", clock)
    client = personas.client(personas.liaison)
    assert client.get("/accounts/me/").status_code == 200
    clock.now += 29 * 60  # active within the limit: the session lives on, counted from this request
    assert client.get("/accounts/me/").status_code == 200
    clock.now += 29 * 60
    assert client.get("/accounts/me/").status_code == 200
    clock.now += 31 * 60
    response = client.get("/accounts/me/", follow=True)
    assert response.request["PATH_INFO"] == "/accounts/login/"
    assert "您已超过 30 分钟没有操作" in response.content.decode()
    event = AuditEvent.objects.get(action="user.logout", actor=personas.liaison)
    assert "空闲超过 30 分钟自动退出" in event.note


def test_zero_turns_the_idle_timeout_off(personas: Personas, settings, monkeypatch) -> None:
    settings.IPCITY_SESSION_IDLE_SECONDS = 0
    clock = Clock(1_700_000_000)
    monkeypatch.setattr(middleware, "time", clock)
    client = personas.client(personas.liaison)
    assert client.get("/accounts/me/").status_code == 200
    clock.now += 5 * 3600
    assert client.get("/accounts/me/").status_code == 200
