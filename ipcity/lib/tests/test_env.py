from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from ipcity.lib.env import (
    ConfigError,
    env_bool,
    env_header,
    env_header_value,
    env_networks,
    parse_database_url,
)


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


def test_proxy_headers_as_written_or_as_meta_keys(monkeypatch) -> None:
    monkeypatch.setenv("H", "X-Forwarded-For")
    assert env_header("H") == "HTTP_X_FORWARDED_FOR"
    monkeypatch.setenv("H", "HTTP_X_REAL_IP")
    assert env_header("H") == "HTTP_X_REAL_IP"
    monkeypatch.delenv("H")
    assert env_header("H") == "" and env_header_value("H") is None
    monkeypatch.setenv("H", "X-Forwarded-Proto, https")
    assert env_header_value("H") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("H", "X-Forwarded-Proto")
    with pytest.raises(ConfigError, match="HEADER,value"):
        env_header_value("H")


def test_trusted_proxy_networks(monkeypatch) -> None:
    monkeypatch.setenv("P", "127.0.0.1, 10.0.0.0/8,::1")
    assert env_networks("P", []) == [
        ipaddress.ip_network("127.0.0.1"),
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1"),
    ]
    monkeypatch.setenv("P", "127.0.0.1,nginx")
    with pytest.raises(ConfigError, match="'nginx' is not an IP address"):
        env_networks("P", [])
