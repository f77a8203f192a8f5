"""robots.txt: fetched once per origin, obeyed for every URL (RFC 9309), its Crawl-delay and
Request-rate handed to the host's throttle, its Sitemap lines given to discovery.

The file itself is fetched by a function the caller passes in (the Fetcher's own redirect-
following GET, which does not consult robots.txt for robots.txt), so this module does no I/O.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from protego import Protego

from scraper.outcomes import FailureReason

ROBOTS_TOKEN = "embassy-archive"  # the product token robots.txt groups are matched against
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB


@dataclass(frozen=True)
class RobotsAnswer:
    """What fetching /robots.txt gave: a status and body, or the reason nothing came."""

    status: int | None = None
    body: bytes | None = None
    failure: str | None = None


@dataclass
class _Origin:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    loaded: bool = False
    parser: Protego | None = None  # None with available=True: allow everything
    available: bool = True


class Robots:
    """The robots.txt rules of every origin one crawl meets, each fetched once."""

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[RobotsAnswer]],
        on_delay: Callable[[str, float], None],
    ) -> None:
        """`fetch(robots_url)` gets the file; `on_delay(origin, seconds)` receives its delay."""
        self._fetch = fetch
        self._on_delay = on_delay
        self._origins: dict[str, _Origin] = {}
        self.fetches = 0

    async def permission(self, origin: str, url: str) -> FailureReason | None:
        """None when robots.txt lets us fetch `url`, else why not."""
        rules = await self._rules(origin)
        if not rules.available:
            return FailureReason.ROBOTS_UNAVAILABLE
        if rules.parser is not None and not rules.parser.can_fetch(url, ROBOTS_TOKEN):
            return FailureReason.DISALLOWED
        return None

    async def sitemaps(self, origin: str) -> list[str]:
        """Sitemap URLs named in the origin's robots.txt (absolute, in file order)."""
        rules = await self._rules(origin)
        if rules.parser is None:
            return []
        return [urljoin(origin + "/", s) for s in rules.parser.sitemaps]

    async def _rules(self, origin: str) -> _Origin:
        rules = self._origins.setdefault(origin, _Origin())
        async with rules.lock:  # concurrent first calls wait for the one fetch
            if not rules.loaded:
                self.fetches += 1
                self._read(origin, rules, await self._fetch(origin + "/robots.txt"))
                rules.loaded = True
        return rules

    def _read(self, origin: str, rules: _Origin, answer: RobotsAnswer) -> None:
        if answer.failure is not None:
            # RFC 9309: too many redirects means "unavailable" (allow all); anything else that
            # stops us reading the file means "unreachable" (crawl nothing now).
            rules.available = answer.failure in (
                FailureReason.TOO_MANY_REDIRECTS, FailureReason.REDIRECT_LOOP
            )
            return
        status = answer.status or 0
        if status >= 500 or status == 429:
            rules.available = False
        elif 200 <= status < 300 and answer.body is not None:
            rules.parser = Protego.parse(answer.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace"))
            delay = rules.parser.crawl_delay(ROBOTS_TOKEN)
            rate = rules.parser.request_rate(ROBOTS_TOKEN)
            if rate is not None and rate.requests:
                delay = max(delay or 0.0, rate.seconds / rate.requests)
            if delay:
                self._on_delay(origin, float(delay))
        # other 4xx: no robots.txt, everything is allowed
