"""The address a request came from, as the audit log and the login lockout see it.

Behind a reverse proxy REMOTE_ADDR is the proxy. The proxy's forwarding header
(IPCITY_TRUSTED_PROXY_HEADER, e.g. X-Forwarded-For) is believed only when it is configured and
the request really comes from a trusted proxy (IPCITY_TRUSTED_PROXIES): otherwise any client could
write its own header and pick the address it is recorded and locked out under.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _is_trusted_proxy(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.IPCITY_TRUSTED_PROXIES)


def client_ip(request: Any) -> str:
    """The client's address: REMOTE_ADDR, or the trusted proxies' forwarding header.

    Each proxy appends the address it received the request from, so the header is read from the
    right: the first hop that is not a trusted proxy is the client. Anything unparsable on the way
    means the header cannot be trusted, and the peer address is used instead.
    """
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    header = settings.IPCITY_TRUSTED_PROXY_HEADER
    peer = _parse(remote)
    if not header or peer is None or not _is_trusted_proxy(peer):
        return remote
    hops = [hop.strip() for hop in str(request.META.get(header, "")).split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return remote
        client = str(address)
        if not _is_trusted_proxy(address):
            break
    return client
