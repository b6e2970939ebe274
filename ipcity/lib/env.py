"""Typed readers for settings that come from environment variables."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit


class ConfigError(ValueError):
    """A setting in the environment cannot be understood."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r}: expected an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def parse_database_url(url: str, *, base_dir: Path) -> dict[str, object]:
    """Turn `postgres://user:pw@host:port/name?opt=v` or `sqlite:///path` into a DATABASES entry.

    A relative SQLite path is taken relative to base_dir.
    """
    parts = urlsplit(url)
    engine = _ENGINES.get(parts.scheme)
    if engine is None:
        raise ConfigError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgres:// or sqlite://)")
    if engine.endswith("sqlite3"):
        raw_path = unquote(parts.path)
        if raw_path in {"", "/"}:
            raise ConfigError("DATABASE_URL: sqlite:/// needs a file path, e.g. sqlite:///var/ipcity.sqlite3")
        # sqlite:///relative/path and sqlite:////absolute/path
        path = Path(raw_path[1:]) if raw_path.startswith("/") else Path(raw_path)
        if not path.is_absolute():
            path = base_dir / path
        return {"ENGINE": engine, "NAME": str(path)}
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigError("DATABASE_URL: a database name is required, e.g. postgres://127.0.0.1/ipcity")
    return {
        "ENGINE": engine,
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


def meta_key(header: str) -> str:
    """`X-Forwarded-For` or `HTTP_X_FORWARDED_FOR` → the request.META key `HTTP_X_FORWARDED_FOR`."""
    key = header.strip().upper().replace("-", "_")
    if key and key not in {"REMOTE_ADDR", "CONTENT_TYPE", "CONTENT_LENGTH"} and not key.startswith("HTTP_"):
        key = f"HTTP_{key}"
    return key


def env_header(name: str) -> str:
    """An HTTP request header, given as `X-Forwarded-For` or as its META key; unset = ""."""
    return meta_key(os.environ.get(name, ""))


def env_header_value(name: str) -> tuple[str, str] | None:
    """`HEADER,value` (e.g. `X-Forwarded-Proto,https`) as (META key, value); unset = None."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, sep, value = raw.partition(",")
    if not sep or not header.strip() or not value.strip():
        raise ConfigError(f"{name}={raw!r}: expected HEADER,value, e.g. X-Forwarded-Proto,https")
    return meta_key(header), value.strip()


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def env_networks(name: str, default: list[str]) -> list[IPNetwork]:
    """Comma-separated IP addresses or networks (`127.0.0.1,10.0.0.0/8`)."""
    networks = []
    for part in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ConfigError(f"{name}: {part!r} is not an IP address or network") from exc
    return networks
