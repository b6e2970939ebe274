"""The client address: REMOTE_ADDR unless a configured, trusted proxy forwards it."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.test import RequestFactory

from ipcity.accounts.client_ip import client_ip


def request(remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_configured_header_the_forwarded_header_is_ignored(settings) -> None:
    settings.IPCITY_TRUSTED_PROXY_HEADER = ""
    assert client_ip(request("127.0.0.1", "198.51.100.7")) == "127.0.0.1"
    assert client_ip(None) == ""


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # nginx on the same machine
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote its own header first
        ("127.0.0.1", "198.51.100.7, 10.0.0.5", "198.51.100.7"),  # load balancer, then nginx
        ("127.0.0.1", "10.0.0.8, 10.0.0.5", "10.0.0.8"),  # a client inside the trusted network
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # not from a proxy: header ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.7, not-an-address", "127.0.0.1"),
        ("::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_a_trusted_proxy_is_believed(settings, remote: str, forwarded: str, expected: str) -> None:
    settings.IPCITY_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.IPCITY_TRUSTED_PROXIES = [ipaddress.ip_network(n) for n in ("127.0.0.1", "::1", "10.0.0.0/8")]
    assert client_ip(request(remote, forwarded)) == expected
