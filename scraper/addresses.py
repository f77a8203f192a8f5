"""Which network addresses a crawler may reach: the guard against links and redirects into
private networks, as pure functions (tested on addresses of every range, never by connecting).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


def is_refused_address(ip: str) -> bool:
    """True for any address a crawler must not reach on a link's say-so.

    Private, loopback, link-local, unspecified, multicast, reserved, CGNAT, documentation and
    benchmarking ranges, plus IPv6 forms that embed such an IPv4 address (mapped, compatible,
    6to4, NAT64) and Teredo. Unparseable text is refused too.
    """
    text = ip.strip().strip("[]").split("%")[0]
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return True
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.teredo is not None or addr.is_site_local:
            return True
        embedded = [addr.ipv4_mapped, addr.sixtofour]
        value = int(addr)
        if value >> 32 == 0 or (value >> 32) == 0x0064FF9B << 64:  # ::a.b.c.d and 64:ff9b::/96
            embedded.append(ipaddress.IPv4Address(value & 0xFFFFFFFF))
        if any(e is not None and is_refused_address(str(e)) for e in embedded):
            return True
    return (
        not addr.is_global
        or addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )


def bare_host(host: str) -> str:
    """'http://h:1/x', '[::1]:80', 'h:80', '::1' -> the host name alone, lower case."""
    host = host.strip()
    if "://" in host:
        return (urlsplit(host).hostname or "").lower()
    if host.startswith("["):
        return host[1 : host.find("]")].lower()
    if host.count(":") == 1:
        return host.split(":")[0].lower()
    return host.lower()


async def system_resolver(host: str) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]
