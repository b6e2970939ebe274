"""The demo accounts' published password signs in on a development site only."""

from __future__ import annotations

import pytest

from ipcity.accounts.backends import published_demo_password
from ipcity.accounts.choices import Role
from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PRODUCTION_KEY = "p5J-vQ8x_production-key-for-tests-only_3kW9zR2mN7bT4yH6"


@pytest.fixture
def demo_admin(plan):  # type: ignore[no-untyped-def]
    user, _ = upsert_user(
        "admin",
        actor=Actor.cli("test"),
        role=Role.CITY_ADMIN,
        password=published_demo_password(),
        is_staff=True,
    )
    return user


def test_published_password_is_refused_in_production(demo_admin, client, settings) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = PRODUCTION_KEY
    assert published_demo_password() == "ipcity-demo-2024"
    response = client.post("/accounts/login/", {"username": "admin", "password": "ipcity-demo-2024"})
    html = response.content.decode()
    assert response.status_code == 200 and "演示账号的公开密码在正式环境中不能登录" in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="user.login_failed", object_repr="admin").exists()
    # The admin site's own login form goes through the same backend.
    client.post("/admin/login/", {"username": "admin", "password": "ipcity-demo-2024", "next": "/admin/"})
    assert "_auth_user_id" not in client.session
    # Once the administrator sets a real password, the account signs in.
    demo_admin.set_password("a-real-password-2025")
    demo_admin.save()
    response = client.post("/accounts/login/", {"username": "admin", "password": "a-real-password-2025"})
    assert response.status_code == 302


def test_published_password_signs_in_on_a_development_site(demo_admin, client, settings) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    response = client.post("/accounts/login/", {"username": "admin", "password": "ipcity-demo-2024"})
    assert response.status_code == 302
    client.post("/accounts/logout/")
    settings.SECRET_KEY = PRODUCTION_KEY
    settings.DEBUG = True
    response = client.post("/accounts/login/", {"username": "admin", "password": "ipcity-demo-2024"})
    assert response.status_code == 302
