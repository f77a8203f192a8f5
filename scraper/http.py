"""The one HTTP client: the address guard, redirects, retries, conditional GET, size caps.

`Fetcher.fetch(url)` never raises for a network or server problem: it returns a `Capture` whose
`error` is a `scraper.outcomes.FailureReason` (the list, with what each means, is there).
robots.txt (scraper/robots.py) is consulted once per hop of each fetch, and the per-host rate,
connection limit and backoff live in scraper/throttle.py. Every request to a host goes through
that host's turn (`_attempt`): robots.txt, sitemaps and feeds, each redirect hop, each retry.

`status` is the status of the last response received (None when none came), `final_url` the last
URL reached or tried, so a refused redirect target is on record.

Cookies are dropped, never stored nor sent back: an archive of public pages needs no session,
and a cookie replayed to every request of a site would only grow each request.
A request whose turn (scraper/throttle.py) falls after the crawl's deadline raises
`PastDeadline`: not a failure of the URL, which stays queued for the next run.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from scraper.addresses import (
    is_refused_address,
    origin_key,
    origin_url,
    seed_origins,
    system_resolver,
)
from scraper.models import Capture, utc_now
from scraper.outcomes import FailureReason
from scraper.pools import OriginPools
from scraper.robots import ROBOTS_MAX_BYTES, Robots, RobotsAnswer
from scraper.scheduler import Passage
from scraper.throttle import HostThrottle, Throttles
from scraper.wire import BodyError, BodyLimit, read_body, retry_after_seconds

__all__ = ["Fetcher", "Politeness", "is_refused_address"]

_COUNTED: dict[str, str] = {FailureReason.REFUSED_ADDRESS: "refused", FailureReason.DISALLOWED: "disallowed"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
log = logging.getLogger(__name__)


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
    # A robots.txt Crawl-delay (or Request-rate) asking more is cut to this, with a warning:
    # Crawl-delay: 3600 would make a 5,000-page site take 208 days.
    max_crawl_delay: float = 60.0


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
    """A polite async HTTP client; one per crawl (robots.txt is fetched once per origin)."""

    def __init__(
        self,
        politeness: Politeness = Politeness(),
        *,
        seed_hosts: Iterable[str] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.politeness = politeness
        # Exempt from the address guard per origin, never per host (scraper/addresses.py).
        self.seed_origins = seed_origins(seed_hosts)
        self.capped_delays: dict[str, float] = {}  # origin -> the Crawl-delay it asked for
        self.stats: dict[str, int] = dict.fromkeys(
            ("requests", "retries", "bytes", "refused", "disallowed", "failed"), 0
        )
        p = politeness
        self._client = httpx.AsyncClient(
            # A pool per origin (scraper/pools.py): two sockets per host at most, and a
            # request's cost does not grow with the number of sites crawled at once.
            transport=transport or OriginPools(p.max_connections_per_host),
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
        # Cookies dropped: a policy allowing no domain keeps none, so none is sent back.
        self._client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self._resolver = resolver or system_resolver
        self.throttles = Throttles(p.delay, p.max_connections_per_host)
        self.robots = Robots(self._get_robots_txt, self._robots_delay)
        self._address_cache: dict[str, FailureReason | None] = {}

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    # -- public -------------------------------------------------------------------------------

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None,
        passage: Passage | None = None, scope: Callable[[str], bool] | None = None,
        max_bytes: int | None = None,
    ) -> Capture:
        """GET one URL politely; never raises for a network or server problem. `passage`:
        the crawl's backpressure (scraper/scheduler.py), and the last request's timing;
        `scope`: a redirect to a URL it refuses is not followed ("out of scope");
        `max_bytes`: this URL's body cap (a sitemap's is larger than a page's)."""
        fetched_at = utc_now()
        headers: dict[str, str] = {}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        try:
            answer, final_url, hops = await self._get_following_redirects(
                url, headers, obey_robots=True, passage=passage, scope=scope,
                limit=BodyLimit(max_bytes or self.politeness.max_body_bytes),
            )
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
            redirects=hops,
        )

    async def robots_sitemaps(self, host_url: str) -> list[str]:
        """Sitemap URLs named in the host's robots.txt (absolute, in file order)."""
        origin = origin_url(host_url)
        if origin is None or await self._address_refusal(host_url) is not None:
            return []
        return await self.robots.sitemaps(origin)

    # -- redirects, robots, the address guard --------------------------------------------------

    async def _get_following_redirects(
        self, url: str, headers: dict[str, str], *, obey_robots: bool,
        passage: Passage | None = None, scope: Callable[[str], bool] | None = None,
        limit: BodyLimit | None = None,
    ) -> tuple[_Answer, str, tuple[tuple[str, int, str], ...]]:
        """The answer at the end of the redirects, its address, and each redirect followed
        on the way (address, status, target), which the archive keeps for export."""
        seen = {url}
        current = url
        last: _Answer | None = None
        hops: list[tuple[str, int, str]] = []
        for hop in range(self.politeness.max_redirects + 1):
            if hop and scope is not None and not scope(current):
                # The chain stops where it leaves the site: nothing off-site is requested.
                raise _Failure(FailureReason.OUT_OF_SCOPE, last, where=current)
            reason = await self._refusal(current, obey_robots)
            if reason is not None:
                raise _Failure(reason, last, where=current)
            try:
                # The validators were stored from the end of the chain last time: every hop
                # carries them, so an unchanged redirect target still answers 304.
                answer = await self._with_retries(current, headers, passage, limit)
            except _Failure as failure:
                raise _Failure(failure.reason, failure.answer or last, where=current) from None
            location = answer.headers.get("location")
            if answer.status not in REDIRECT_STATUSES or not location:
                return answer, current, tuple(hops)
            last = answer
            target = urljoin(current, location.strip())
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise _Failure(FailureReason.INVALID_REDIRECT, last, where=target)
            target = urlunsplit(parts._replace(fragment=""))
            if target in seen:
                raise _Failure(FailureReason.REDIRECT_LOOP, last, where=target)
            if hop == self.politeness.max_redirects:
                raise _Failure(FailureReason.TOO_MANY_REDIRECTS, last, where=target)
            hops.append((current, answer.status, target))
            seen.add(target)
            current = target
        raise AssertionError("unreachable")  # the loop returns or raises on its last hop

    async def _refusal(self, url: str, obey_robots: bool) -> FailureReason | None:
        """Why `url` may not be requested (the address guard, then robots.txt), or None."""
        reason = await self._address_refusal(url)
        if reason is not None or not obey_robots:
            return reason
        origin = origin_url(url)
        if origin is None:
            return FailureReason.INVALID_URL
        return await self.robots.permission(origin, url)

    async def _address_refusal(self, url: str) -> FailureReason | None:
        """None when `url` may be connected to, else why not (invalid url, refused address …)."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            return FailureReason.INVALID_URL
        if parsed.scheme not in ("http", "https") or not parsed.host:
            return FailureReason.INVALID_URL
        host = parsed.host.lower()
        if origin_key(url) in self.seed_origins:
            return None
        if host not in self._address_cache:
            self._address_cache[host] = await self._check_addresses(
                parsed.raw_host.decode("ascii")
            )
        return self._address_cache[host]

    async def _check_addresses(self, host: str) -> FailureReason | None:
        try:
            ipaddress.ip_address(host.split("%")[0])
            addresses = [host]
        except ValueError:
            try:
                async with asyncio.timeout(self.politeness.connect_timeout):
                    addresses = await self._resolver(host)
            except (OSError, TimeoutError, UnicodeError):
                return FailureReason.DNS_FAILURE
            if not addresses:
                return FailureReason.DNS_FAILURE
        # ANY refused address refuses the host: DNS could hand the connection either one.
        if any(is_refused_address(a) for a in addresses):
            return FailureReason.REFUSED_ADDRESS
        return None

    async def _get_robots_txt(self, robots_url: str) -> RobotsAnswer:
        try:
            answer, _, _ = await self._get_following_redirects(
                robots_url, {}, obey_robots=False, limit=BodyLimit(ROBOTS_MAX_BYTES, truncate=True)
            )
        except _Failure as failure:
            return RobotsAnswer(failure=failure.reason)
        return RobotsAnswer(answer.status, answer.body)

    def _robots_delay(self, origin: str, seconds: float) -> None:
        cap = self.politeness.max_crawl_delay
        if seconds > cap:
            self.capped_delays[origin] = seconds
            log.warning("%s/robots.txt asks for a Crawl-delay of %g s; %g s used "
                        "(Politeness.max_crawl_delay)", origin, seconds, cap)
        self._throttle(origin).slow_down(min(seconds, cap))

    # -- requests ------------------------------------------------------------------------------

    def _throttle(self, url: str) -> HostThrottle:
        return self.throttles.of(urlsplit(url).hostname or "")

    async def _with_retries(
        self, url: str, headers: dict[str, str], passage: Passage | None = None,
        limit: BodyLimit | None = None,
    ) -> _Answer:
        p = self.politeness
        throttle = self._throttle(url)
        for attempt in range(p.max_retries + 1):
            try:
                answer = await self._attempt(throttle, url, headers, passage, limit)
            except _Failure as failure:
                if not failure.retry or attempt == p.max_retries:
                    raise
                wait = p.backoff_base * 2.0**attempt
            else:
                if answer.status != 429 and answer.status < 500:
                    return answer
                wait = self._retry_wait(answer, attempt)
                if attempt == p.max_retries:
                    raise _Failure(FailureReason.RATE_LIMITED if answer.status == 429
                                   else FailureReason.SERVER_ERROR, answer)
            self.stats["retries"] += 1
            # The whole host backs off, not only this URL: the server asked for room. Never
            # less than the delay: a timed-out request may still be running on the server.
            throttle.back_off(max(wait, throttle.delay))
        raise AssertionError("unreachable")

    def _retry_wait(self, answer: _Answer, attempt: int) -> float:
        """Seconds before retrying a 429 or 5xx: its Retry-After if it gave one, else backoff."""
        p = self.politeness
        asked = retry_after_seconds(answer.headers.get("retry-after"))
        if answer.status in (429, 503) and asked is not None:
            if asked > p.max_retry_after:
                raise _Failure(FailureReason.RETRY_AFTER_TOO_LONG, answer)
            return asked or p.backoff_base * 2.0**attempt
        return p.backoff_base * 2.0**attempt

    async def _attempt(self, throttle: HostThrottle, url: str, headers: dict[str, str],
                       passage: Passage | None = None, limit: BodyLimit | None = None) -> _Answer:
        async with throttle.turn(passage.admit if passage else None) as turn:
            if passage is not None:
                passage.turn, passage.url = turn, url
            self.stats["requests"] += 1
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.politeness.total_timeout):
                    request = self._client.build_request("GET", url, headers=headers)
                    response = await self._client.send(request, stream=True)
                    throttle.answered(turn)  # the host has read the request: the gap counts
                    try:
                        answer = _Answer(url, response.status_code, _headers(response), None, 0)
                        answer.body = await self._read_body(
                            response, answer, limit or BodyLimit(self.politeness.max_body_bytes))
                    finally:
                        await response.aclose()
            except (TimeoutError, httpx.TimeoutException):
                raise _Failure(FailureReason.TIMEOUT, retry=True) from None
            except httpx.ConnectError:
                raise _Failure(FailureReason.CONNECTION_FAILED, retry=True) from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                raise _Failure(FailureReason.CONNECTION_RESET, retry=True) from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol):
                raise _Failure(FailureReason.INVALID_URL) from None
            except httpx.HTTPError as exc:
                raise _Failure(f"{FailureReason.HTTP_ERROR}: {type(exc).__name__}",
                               retry=True) from None
            answer.elapsed_ms = int((time.monotonic() - started) * 1000)
            return answer

    async def _read_body(self, response: httpx.Response, answer: _Answer,
                         limit: BodyLimit) -> bytes:
        def counted(n: int) -> None:
            self.stats["bytes"] += n
        try:
            return await read_body(_raw_chunks(response), response.headers, limit, counted)
        except BodyError as exc:
            raise _Failure(exc.reason, answer, retry=exc.retry) from None

