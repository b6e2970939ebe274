"""Login throttling: a username+address pair is locked out after N failures, for the cool-off
period or until an administrator resets it; the audit log records every attempt and its address."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ipcity.core.models import AuditEvent
from ipcity.test import PASSWORD, Personas

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client: Client, password: str, username: str = "t-court") -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_right_password_is_refused_after_the_failure_limit(personas: Personas, client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        response = attempt(client, "wrong-password")
    assert response.status_code == 429
    response = attempt(client, PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "登录失败次数过多（连续 5 次）" in html and "15 分钟" in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="user.login_failed", object_repr="t-court").count() == 6
    assert AuditEvent.objects.filter(action="user.locked_out", object_repr="t-court").exists()
    assert not AuditEvent.objects.filter(action="user.login").exists()


def test_the_lockout_is_per_username_and_address(personas: Personas, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        attempt(attacker, "wrong-password")
    assert attempt(attacker, PASSWORD).status_code == 429
    # The same user from the office's address, and another user from the attacker's, still sign in.
    assert attempt(Client(REMOTE_ADDR="198.51.100.20"), PASSWORD).status_code == 302
    assert attempt(Client(REMOTE_ADDR="203.0.113.9"), PASSWORD, username="t-finance").status_code == 302


def test_sign_in_works_again_after_the_cool_off(personas: Personas, client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        attempt(client, "wrong-password")
    assert attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, PASSWORD).status_code == 302


def test_the_city_admin_sees_and_lifts_a_lockout(personas: Personas, client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        attempt(client, "wrong-password")
    assert attempt(client, PASSWORD).status_code == 429
    admin = personas.client(personas.admin)
    listing = admin.get("/admin/accounts/loginattempt/").content.decode()
    assert "t-court" in listing and "已锁定" in listing and "连续失败次数" in listing
    locked = AccessAttempt.objects.get(username="t-court")
    response = admin.post(
        "/admin/accounts/loginattempt/",
        {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="loginattempt.delete", actor=personas.admin).exists()
    assert attempt(client, PASSWORD).status_code == 302


def test_a_lockout_is_lifted_from_the_command_line(personas: Personas, client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        attempt(client, "wrong-password")
    assert attempt(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "t-court", stdout=io.StringIO())
    assert attempt(client, PASSWORD).status_code == 302


def test_audit_log_records_the_forwarded_address_only_from_a_configured_proxy(
    personas: Personas, settings
) -> None:
    proxy: dict[str, Any] = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    attempt(Client(**proxy), "wrong-password")
    assert AuditEvent.objects.get(action="user.login_failed").note == "127.0.0.1"

    settings.IPCITY_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    attempt(Client(**proxy), PASSWORD)
    assert AuditEvent.objects.get(action="user.login").note == "198.51.100.7"
    # A client that talks to the application directly cannot choose its recorded address.
    attempt(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7"), "wrong-password")
    assert AuditEvent.objects.filter(action="user.login_failed").latest("pk").note == "203.0.113.9"
