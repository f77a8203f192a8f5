"""The one HTTP client: politeness, robots.txt, retries, conditional GET, size caps, decoding.

`Fetcher.fetch(url)` never raises for a network or server problem: it returns a `Capture` whose
`error` names the reason. Reasons (plain strings, stored as they are):

    invalid url                  not http(s), or unparseable
    dns failure                  the host name did not resolve
    refused address              private, loopback, link-local … and not a seed host
    disallowed by robots.txt     robots.txt forbids the path for our user agent
    robots.txt unavailable       robots.txt answered 5xx or could not be fetched: host not crawled now
    timeout                      connect, read, or the whole-page limit
    connection failed            nothing accepted the connection
    connection reset             the peer dropped the connection
    truncated body               fewer bytes than announced
    too large                    the body passed max_body_bytes (reading stopped there)
    decompression bomb           a compressed body inflating past max_body_bytes
    undecodable body             a Content-Encoding whose data is corrupt
    redirect loop | too many redirects | invalid redirect
    retry-after too long         a 429/503 asking us to wait more than max_retry_after
    server error | rate limited  a 5xx / 429 still there after max_retries retries

`status` is the status of the last response received (None when none came), `final_url` the last
URL reached or tried, so a refused redirect target is on record.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from protego import Protego

from scraper.addresses import bare_host, is_refused_address, system_resolver
from scraper.models import Capture, utc_now
from scraper.wire import Inflater, retry_after_seconds

__all__ = ["Fetcher", "Politeness", "is_refused_address"]

ROBOTS_TOKEN = "embassy-archive"  # the product token robots.txt groups are matched against
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB
_COUNTED = {"refused address": "refused", "disallowed by robots.txt": "disallowed"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_BOMB_RATIO = 100  # text compresses ~10x; a body inflating 100x past the cap is hostile


@dataclass(frozen=True)
class Politeness:
    """Every polite-crawling default, in one named place."""

    user_agent: str = (
        "embassy-archive/0.1 (+https://github.com/embassy-archive/embassy-archive;"
        " archive of public embassy websites)"
    )
    delay: float = 1.0  # seconds between requests to one host (robots Crawl-delay wins if larger)
    max_connections_per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 60.0  # whole fetch of one page, body included
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    max_retries: int = 3  # on 429/503/5xx/timeouts/resets, with exponential backoff
    backoff_base: float = 1.0
    max_retry_after: float = 120.0  # a Retry-After longer than this: give up on that URL for now


Resolver = Callable[[str], Awaitable[list[str]]]


class _Failure(Exception):
    """A fetch that ended without a usable answer; carries what is known of the last response."""

    def __init__(
        self, reason: str, answer: _Answer | None = None, retry: bool = False,
        where: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.answer = answer  # the last response received, if any
        self.retry = retry
        self.where = where  # the URL reached or tried when the fetch stopped


@dataclass
class _Answer:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes | None
    elapsed_ms: int


@dataclass
class _Host:
    slots: asyncio.Semaphore
    delay: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0


@dataclass
class _Robots:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    loaded: bool = False
    parser: Protego | None = None  # None with available=True: allow everything
    available: bool = True



async def _raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    if response.is_stream_consumed:  # an in-memory response, e.g. from httpx.MockTransport
        yield response.content
        return
    async for chunk in response.aiter_raw():
        yield chunk


def _headers(response: httpx.Response) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in response.headers.multi_items():
        key = key.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


class Fetcher:
    """A polite async HTTP client; one per crawl (robots.txt is fetched once per host per Fetcher)."""

    def __init__(
        self,
        politeness: Politeness = Politeness(),
        *,
        seed_hosts: Iterable[str] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.politeness = politeness
        self.seed_hosts = frozenset(bare_host(h) for h in seed_hosts)
        self.stats: dict[str, int] = dict.fromkeys(
            ("requests", "retries", "bytes", "robots_fetches", "refused", "disallowed", "failed"), 0
        )
        p = politeness
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,  # each hop is checked against robots and the address guard
            trust_env=False,  # no proxy from the environment: packets go where the URL says
            timeout=httpx.Timeout(
                connect=p.connect_timeout, read=p.read_timeout, write=p.read_timeout,
                pool=p.total_timeout,
            ),
            headers={
                "user-agent": p.user_agent,
                "accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "accept-encoding": "gzip, deflate",  # only what Inflater can bound
            },
        )
        self._resolver = resolver or system_resolver
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, _Robots] = {}
        self._guard_cache: dict[str, str | None] = {}

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- public -------------------------------------------------------------------------------

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Capture:
        """GET one URL politely; never raises for a network or server problem."""
        fetched_at = utc_now()
        headers: dict[str, str] = {}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        try:
            answer, final_url = await self._follow(url, headers, check_robots=True)
        except _Failure as failure:
            self.stats["failed"] += 1
            if failure.reason in _COUNTED:
                self.stats[_COUNTED[failure.reason]] += 1
            last = failure.answer
            return Capture(
                url=url, fetched_at=fetched_at, status=last.status if last else None,
                error=failure.reason, final_url=failure.where or (last.url if last else url),
                content_type=last.headers.get("content-type") if last else None,
                headers=last.headers if last else {}, body=None,
                elapsed_ms=last.elapsed_ms if last else None,
            )
        return Capture(
            url=url, fetched_at=fetched_at, status=answer.status, error=None, final_url=final_url,
            content_type=answer.headers.get("content-type"), headers=answer.headers,
            body=None if answer.status == 304 else answer.body, elapsed_ms=answer.elapsed_ms,
        )

    async def robots_allowed(self, url: str) -> bool:
        """Does the host's robots.txt allow `url` for us?

        Only robots.txt's own answer: an unavailable robots.txt, a refused address or an invalid
        URL give True here, and `fetch` then returns the Capture that records that reason.
        """
        if await self._guard(url) is not None:
            return True
        origin = self._origin(url)
        if origin is None:
            return True
        robots = await self._robots_of(origin)
        return robots.parser is None or bool(robots.parser.can_fetch(url, ROBOTS_TOKEN))

    async def robots_sitemaps(self, host_url: str) -> list[str]:
        """Sitemap URLs named in the host's robots.txt (absolute, in file order)."""
        origin = self._origin(host_url)
        if origin is None or await self._guard(host_url) is not None:
            return []
        robots = await self._robots_of(origin)
        if robots.parser is None:
            return []
        return [urljoin(origin + "/", s) for s in robots.parser.sitemaps]

    # -- redirects, robots, the address guard --------------------------------------------------

    async def _follow(
        self, url: str, headers: dict[str, str], *, check_robots: bool
    ) -> tuple[_Answer, str]:
        seen = {url}
        current = url
        last: _Answer | None = None
        for hop in range(self.politeness.max_redirects + 1):
            reason = await self._guard(current)
            if reason is None and check_robots:
                reason = await self._permission(current)
            if reason is not None:
                raise _Failure(reason, last, where=current)
            try:
                # The validators were stored from the end of the chain last time: every hop
                # carries them, so an unchanged redirect target still answers 304.
                answer = await self._with_retries(current, headers)
            except _Failure as failure:
                raise _Failure(failure.reason, failure.answer or last, where=current) from None
            location = answer.headers.get("location")
            if answer.status not in REDIRECT_STATUSES or not location:
                return answer, current
            last = answer
            target = urljoin(current, location.strip())
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise _Failure("invalid redirect", last, where=target)
            target = urlunsplit(parts._replace(fragment=""))
            if target in seen:
                raise _Failure("redirect loop", last, where=target)
            if hop == self.politeness.max_redirects:
                raise _Failure("too many redirects", last, where=target)
            seen.add(target)
            current = target
        raise AssertionError("unreachable")  # the loop returns or raises on its last hop

    def _origin(self, url: str) -> str | None:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            return None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            return None
        host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
        port = f":{parsed.port}" if parsed.port else ""
        return f"{parsed.scheme}://{host}{port}"

    async def _guard(self, url: str) -> str | None:
        """None when `url` may be connected to, else the reason ('invalid url', 'refused address' …)."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            return "invalid url"
        if parsed.scheme not in ("http", "https") or not parsed.host:
            return "invalid url"
        host = parsed.host.lower()
        if host in self.seed_hosts:
            return None
        if host not in self._guard_cache:
            self._guard_cache[host] = await self._check_addresses(parsed.raw_host.decode("ascii"))
        return self._guard_cache[host]

    async def _check_addresses(self, host: str) -> str | None:
        try:
            ipaddress.ip_address(host.split("%")[0])
            addresses = [host]
        except ValueError:
            try:
                async with asyncio.timeout(self.politeness.connect_timeout):
                    addresses = await self._resolver(host)
            except (OSError, TimeoutError, UnicodeError):
                return "dns failure"
            if not addresses:
                return "dns failure"
        # ANY refused address refuses the host: DNS could hand the connection either one.
        if any(is_refused_address(a) for a in addresses):
            return "refused address"
        return None

    async def _permission(self, url: str) -> str | None:
        reason = await self._guard(url)
        if reason is not None:
            return reason
        origin = self._origin(url)
        if origin is None:
            return "invalid url"
        robots = await self._robots_of(origin)
        if not robots.available:
            return "robots.txt unavailable"
        if robots.parser is not None and not robots.parser.can_fetch(url, ROBOTS_TOKEN):
            return "disallowed by robots.txt"
        return None

    async def _robots_of(self, origin: str) -> _Robots:
        robots = self._robots.setdefault(origin, _Robots())
        async with robots.lock:  # concurrent first calls wait for the one fetch
            if not robots.loaded:
                await self._load_robots(origin, robots)
                robots.loaded = True
        return robots

    async def _load_robots(self, origin: str, robots: _Robots) -> None:
        self.stats["robots_fetches"] += 1
        try:
            answer, _ = await self._follow(origin + "/robots.txt", {}, check_robots=False)
        except _Failure as failure:
            # RFC 9309: too many redirects means "unavailable" (allow all); anything else that
            # stops us reading the file means "unreachable" (crawl nothing now).
            robots.available = failure.reason in ("too many redirects", "redirect loop")
            return
        if answer.status >= 500 or answer.status == 429:
            robots.available = False
        elif 200 <= answer.status < 300 and answer.body is not None:
            text = answer.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
            robots.parser = Protego.parse(text)
            host = self._host(urlsplit(origin).hostname or "")
            delay = robots.parser.crawl_delay(ROBOTS_TOKEN)
            rate = robots.parser.request_rate(ROBOTS_TOKEN)
            if rate is not None and rate.requests:
                delay = max(delay or 0.0, rate.seconds / rate.requests)
            if delay:
                host.delay = max(host.delay, float(delay))
        # other 4xx: no robots.txt, everything is allowed

    # -- requests ------------------------------------------------------------------------------

    def _host(self, hostname: str) -> _Host:
        host = self._hosts.get(hostname)
        if host is None:
            p = self.politeness
            host = _Host(asyncio.Semaphore(p.max_connections_per_host), p.delay)
            self._hosts[hostname] = host
        return host

    async def _with_retries(self, url: str, headers: dict[str, str]) -> _Answer:
        p = self.politeness
        host = self._host(urlsplit(url).hostname or "")
        for attempt in range(p.max_retries + 1):
            try:
                answer = await self._attempt(host, url, headers)
            except _Failure as failure:
                if not failure.retry or attempt == p.max_retries:
                    raise
                wait = p.backoff_base * 2**attempt
            else:
                if answer.status != 429 and answer.status < 500:
                    return answer
                asked = retry_after_seconds(answer.headers.get("retry-after"))
                if answer.status in (429, 503) and asked is not None:
                    if asked > p.max_retry_after:
                        raise _Failure("retry-after too long", answer)
                    wait = asked or p.backoff_base * 2**attempt
                else:
                    wait = p.backoff_base * 2**attempt
                if attempt == p.max_retries:
                    raise _Failure("rate limited" if answer.status == 429 else "server error", answer)
            self.stats["retries"] += 1
            # The whole host backs off, not only this URL: the server asked for room.
            host.next_at = max(host.next_at, time.monotonic() + wait)
        raise AssertionError("unreachable")

    async def _wait_turn(self, host: _Host) -> None:
        # The lock is held while sleeping so that request starts are spaced FIFO by the delay.
        async with host.lock:
            pause = host.next_at - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            host.next_at = time.monotonic() + host.delay

    async def _attempt(self, host: _Host, url: str, headers: dict[str, str]) -> _Answer:
        async with host.slots:
            await self._wait_turn(host)
            self.stats["requests"] += 1
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.politeness.total_timeout):
                    request = self._client.build_request("GET", url, headers=headers)
                    response = await self._client.send(request, stream=True)
                    try:
                        answer = _Answer(url, response.status_code, _headers(response), None, 0)
                        answer.body = await self._read_body(response, answer)
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise _Failure("timeout", retry=True) from None
            except httpx.TimeoutException:
                raise _Failure("timeout", retry=True) from None
            except httpx.ConnectError:
                raise _Failure("connection failed", retry=True) from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                raise _Failure("connection reset", retry=True) from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol):
                raise _Failure("invalid url") from None
            except httpx.HTTPError as exc:
                raise _Failure(f"http error: {type(exc).__name__}", retry=True) from None
            answer.elapsed_ms = int((time.monotonic() - started) * 1000)
            return answer

    async def _read_body(self, response: httpx.Response, answer: _Answer) -> bytes:
        cap = self.politeness.max_body_bytes
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "").strip().lower()
        inflater = Inflater() if encoding in ("gzip", "x-gzip", "deflate") else None
        if declared.isdigit() and int(declared) > cap:
            raise _Failure("too large", answer)  # refused before reading a byte of it
        raw = 0
        out = bytearray()
        try:
            async for chunk in _raw_chunks(response):
                raw += len(chunk)
                self.stats["bytes"] += len(chunk)
                # Inflate before the raw check: a bomb overflows here first and is named as such.
                out += inflater.feed(chunk, cap) if inflater else chunk
                if raw > cap:
                    raise _Failure("too large", answer)
        except OverflowError:
            reason = "decompression bomb" if inflater and inflater.produced > _BOMB_RATIO * inflater.consumed \
                else "too large"
            raise _Failure(reason, answer) from None
        except zlib.error:
            raise _Failure("undecodable body", answer) from None
        except httpx.RemoteProtocolError:
            raise _Failure("truncated body", answer, retry=True) from None
        except httpx.ReadError:
            raise _Failure("connection reset", answer, retry=True) from None
        return bytes(out)
