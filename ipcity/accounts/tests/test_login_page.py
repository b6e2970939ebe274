"""The login page names the platform (not the host it runs on) and shows no commands."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ipcity.core.tests.visible_text import visible_text


@pytest.mark.django_db
def test_the_login_page_names_the_platform_not_the_host(plan, client, settings) -> None:
    settings.IPCITY_SITE_NAME = "烟台市知识产权强市建设管理平台"
    settings.ALLOWED_HOSTS = ["ipcity.example.cn"]
    html = client.get("/accounts/login/", HTTP_HOST="ipcity.example.cn").content.decode()
    assert (
        '<a class="navbar-brand" href="/" data-testid="platform-name">烟台市知识产权强市建设管理平台</a>'
        in html
    )
    assert "<title>登录 · 烟台市知识产权强市建设管理平台</title>" in html
    assert "ipcity.example.cn" not in visible_text(html)[0]


@pytest.mark.django_db
def test_the_demo_hint_names_an_account_but_no_command(plan, client) -> None:
    call_command("demo", "load", "--base-only", stdout=io.StringIO())
    text, _links = visible_text(client.get("/accounts/login/").content.decode())
    assert "演示账号见部署说明" in text and "liaison-finance" in text and "ipcity-demo-2024" in text
    assert "make" not in text
