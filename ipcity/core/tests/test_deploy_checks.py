"""`ipcity check --deploy` with the production variables of docs/deploy.md reports no issues, and
the public development key is refused whenever DEBUG is off outside a loopback-only site."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as conf
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ipcity.core.checks import check_secret_key, check_secret_key_deploy

ENV_SAMPLE = conf.BASE_DIR / "deploy" / "ipcity.env.sample"
SECRET_KEY = "kX3v9-Qm2pL8wR5tY7uI1oP4aS6dF0gH_jK2lZ9xC8vB7nM3qW5eR1tY"


def documented_production_env() -> dict[str, str]:
    """deploy/ipcity.env.sample, the production settings docs/deploy.md tells operators to use."""
    env = {}
    for line in ENV_SAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """A fresh process: the settings are read from the environment once, at start."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IPCITY_") and k != "DATABASE_URL"}
    clean["DJANGO_SETTINGS_MODULE"] = "ipcity.settings"
    return subprocess.run(
        [sys.executable, "-m", "ipcity.cli", "check", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_documented_production_settings_pass_the_deploy_checks() -> None:
    env = documented_production_env()
    assert env["IPCITY_DEBUG"] == "0" and env["IPCITY_SSL_REDIRECT"] == "1"
    result = run_check({**env, "IPCITY_SECRET_KEY": SECRET_KEY}, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_key_is_refused() -> None:
    env = documented_production_env()
    assert env["IPCITY_SECRET_KEY"] == ""  # the sample leaves it to the operator
    result = run_check(env)
    assert result.returncode == 1
    assert (
        "ipcity.E001" in result.stderr
        and "必须用 IPCITY_SECRET_KEY 设置至少 50 个字符的随机密钥" in result.stderr
    )


def errors() -> list[str]:
    return [m.id or "" for m in check_secret_key() + check_secret_key_deploy()]


def test_the_secret_key_check(settings) -> None:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["ip.yantai.example.gov.cn"]
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(SystemCheckError, match=r"ipcity\.E001"):
        call_command("check")
    settings.SECRET_KEY = "too-short-but-random-7Hq2"
    assert check_secret_key() and not check_secret_key_deploy()
    settings.SECRET_KEY = SECRET_KEY
    assert errors() == []
    # Zero-configuration development (`make run`): loopback only, so only the deploy checks refuse it.
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    assert not check_secret_key() and [m.id for m in check_secret_key_deploy()] == ["ipcity.E001"]
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["ip.yantai.example.gov.cn"]
    assert errors() == []
