"""One connection pool per origin (`OriginPools`), as Scrapy's downloader keeps one slot per host.

httpx's client keeps a single pool for every host it talks to, and httpcore's pool looks at
each connection it holds whenever a request starts or a response ends (`has_expired`, a
system call or two a socket; encode/httpcore#1035 is the upstream fix, not in a release).
Shared by 160 busy sites, the pool checked some 160 sockets per request, and every fetch grew
slower with each site added. A pool per origin holds that origin's few connections only.

A pool that no request has used for longer than the keep-alive expiry, and that has no
response open, is closed: its connections would have expired anyway, and a long crawl does
not keep a socket open to every host it ever met.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import AsyncIterator

import httpx

KEEPALIVE_EXPIRY = 5.0  # seconds an idle connection is kept (httpx's default)
Origin = tuple[bytes, bytes, int | None]  # scheme, host, port (None: the scheme's own)


class OriginPools(httpx.AsyncBaseTransport):
    """An httpx transport with at most `per_origin` connections to each origin."""

    def __init__(self, per_origin: int, keepalive_expiry: float = KEEPALIVE_EXPIRY) -> None:
        self._limits = httpx.Limits(max_connections=per_origin,
                                    max_keepalive_connections=per_origin,
                                    keepalive_expiry=keepalive_expiry)
        self._expiry = keepalive_expiry
        self._ssl = httpx.create_ssl_context()  # one for all: each reads the CA store
        self._pools: OrderedDict[Origin, _Pool] = OrderedDict()  # least recently used first

    @property
    def origins(self) -> int:
        """How many origins have a pool open."""
        return len(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._close_unused()
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = _Pool(httpx.AsyncHTTPTransport(
                verify=self._ssl, trust_env=False, limits=self._limits), self._pools, key)
        pool.use(+1)
        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.use(-1)
            raise
        response.stream = _Tracked(response.stream, pool)
        return response

    async def _close_unused(self) -> None:
        idle_since = time.monotonic() - self._expiry
        unused = []
        for key, pool in self._pools.items():
            if pool.used > idle_since:
                break  # the rest were used later still
            if not pool.open:
                unused.append(key)
        for key in unused:
            await self._pools.pop(key).transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()


class _Pool:
    """One origin's transport, with its responses still open and when it was last used;
    each use moves it to the end of its owner's pools (most recently used last)."""

    def __init__(self, transport: httpx.AsyncHTTPTransport,
                 pools: OrderedDict[Origin, _Pool], key: Origin) -> None:
        self.transport = transport
        self.open = 0
        self.used = time.monotonic()
        self._pools, self._key = pools, key

    def use(self, opened: int) -> None:
        self.open += opened
        self.used = time.monotonic()
        if self._key in self._pools:  # a pool closed and dropped is no longer among them
            self._pools.move_to_end(self._key)


class _Tracked(httpx.AsyncByteStream):
    """A response's body; its pool counts it open until it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream | httpx.SyncByteStream,
                 pool: _Pool) -> None:
        assert isinstance(stream, httpx.AsyncByteStream)
        self._stream, self._pool = stream, pool
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._pool.use(-1)
        await self._stream.aclose()
