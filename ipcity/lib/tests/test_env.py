from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.lib.env import ConfigError, env_bool, parse_database_url


def test_postgres_url() -> None:
    db = parse_database_url(
        "postgres://ip:s%40cret@127.0.0.1:5432/ipcity?sslmode=disable", base_dir=Path("/x")
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "ipcity",
        "ip",
        "s@cret",
        "127.0.0.1",
        "5432",
    )
    assert db["OPTIONS"] == {"sslmode": "disable"}


def test_sqlite_relative_and_absolute() -> None:
    assert (
        parse_database_url("sqlite:///var/db.sqlite3", base_dir=Path("/srv/app"))["NAME"]
        == "/srv/app/var/db.sqlite3"
    )
    assert (
        parse_database_url("sqlite:////tmp/db.sqlite3", base_dir=Path("/srv/app"))["NAME"]
        == "/tmp/db.sqlite3"
    )


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://127.0.0.1/", "sqlite:///"])
def test_bad_urls(url: str) -> None:
    with pytest.raises(ConfigError):
        parse_database_url(url, base_dir=Path("/x"))


def test_env_bool(monkeypatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG")
