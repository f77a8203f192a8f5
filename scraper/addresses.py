"""Which network addresses a crawler may reach: the guard against links and redirects into
private networks, as pure functions (tested on addresses of every range, never by connecting).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx

Origin = tuple[str, str, int]  # (scheme, host, port): what the seed exemption is keyed on
_DEFAULT_PORTS = {"http": 80, "https": 443}


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


def origin_key(url: str) -> Origin | None:
    """(scheme, host, port) of an http(s) URL, the port made explicit; None for anything else.

    >>> origin_key("HTTP://127.0.0.1/x"), origin_key("https://[::1]:8443/")
    (('http', '127.0.0.1', 80), ('https', '::1', 8443))
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def origin_url(url: str) -> str | None:
    """scheme://host[:port] of an http(s) URL (no default port), None for anything else."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{host}{port}"


def seed_origins(entries: Iterable[str]) -> frozenset[Origin]:
    """The origins a list of seeds names, each exactly, never a whole host: a URL names its
    own origin, "host:port" that port (http or https: one port is one service), a bare host
    its default ports. So a seed on 127.0.0.1:8000 does not open 127.0.0.1:5432 to links.

    >>> sorted(seed_origins(["127.0.0.1:8000"]))
    [('http', '127.0.0.1', 8000), ('https', '127.0.0.1', 8000)]
    """
    out: set[Origin] = set()
    for entry in entries:
        entry = entry.strip()
        if "://" in entry:
            key = origin_key(entry)
            out |= {key} if key else set()
            continue
        if entry.count(":") > 1 and not entry.startswith("["):
            entry = f"[{entry}]"  # a bare IPv6 address
        try:
            explicit = urlsplit("http://" + entry).port
        except ValueError:
            continue
        key = origin_key("http://" + entry)
        if key is None:
            continue
        _, host, _port = key
        if explicit:
            out |= {("http", host, explicit), ("https", host, explicit)}
        else:
            out |= {("http", host, 80), ("https", host, 443)}
    return frozenset(out)


async def system_resolver(host: str) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]
