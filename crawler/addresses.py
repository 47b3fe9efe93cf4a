"""Whether a host is a private, loopback or link-local address: portals there are crawled only when allowed."""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def is_private_host(host: str, resolve: bool = True) -> bool:
    """True when `host` (name[:port]) is, or with `resolve` resolves to, a loopback/private/link-local address.
    Without `resolve` (checking a registry row) a name is taken as public; the fetcher resolves it."""
    name = urlsplit(f"//{host}").hostname or host
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        addresses = [ipaddress.ip_address(name)]
    except ValueError:
        if not resolve:
            return False
        try:
            addresses = [ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(name, None)]
        except (OSError, ValueError):
            return False  # unresolvable: the request itself will fail and be recorded
    return any(a.is_private or a.is_loopback or a.is_link_local or a.is_reserved for a in addresses)
