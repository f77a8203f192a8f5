"""What runs when, in one place: how many sites are crawled at once, how many of a site's URLs
are under way, and whether a new fetch may start at all (the backpressure gate).

Politeness towards one host (its delay, connections and backoff) is scraper/throttle.py; it
decides when a request to that host may leave. This module decides how much work the crawl
takes on. A fetch passes both: first its host's turn, then the gate (`Passage.admit`).

The gate: at most `bound` fetches between their start and the end of their visit, over all
hosts, so that a crawler busier than its cores slows down instead of letting a queue grow
that every fetch then waits in. A visit goes through three places that work at once (the
event loop's fetch, an extraction process, the writer thread), so the bound is two visits per
extraction process and two more: each stage has one at work and one ready. (Measured on 2
cores, politeness off: one per process plus one left the second core idle half the time.)
A fetch still on the wire after `grace` seconds gives its place up: waiting for a remote host
is not work of ours (a loopback answer takes a few milliseconds, a real one a round trip or
more), and slow sites must not hold the whole crawl back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from .crawl_options import CrawlOptions
from .throttle import Turn


def default_backlog(processes: int) -> int:
    """The gate's bound for `processes` extraction processes (see the module docstring)."""
    return 2 * (processes + 1)


class Scheduler:
    """The crawl's limits on what runs at once: sites, URLs per site, fetches in the gate."""

    def __init__(self, options: CrawlOptions, processes: int) -> None:
        self.per_site = options.workers_per_site
        self._sites = asyncio.Semaphore(options.sites_at_once)
        self.gate = Gate(options.backlog or default_backlog(processes), options.backlog_grace)

    @asynccontextmanager
    async def site(self) -> AsyncIterator[None]:
        """A site's turn to be crawled: at most `sites_at_once` at a time."""
        async with self._sites:
            yield

    def room(self, under_way: int) -> int:
        """How many more URLs a site with `under_way` visits running may start now."""
        return max(0, self.per_site - under_way)

    def passage(self) -> Passage:
        """A new visit's way through the gate (closed by `Passage.release` when it is stored)."""
        return Passage(self.gate)


class Gate:
    """At most `bound` fetches between their start and the end of their visit, over all
    hosts; a fetch on the wire past `grace` seconds gives its place up."""

    def __init__(self, bound: int, grace: float = 0.05) -> None:
        self.bound = bound
        self.grace = grace
        self._places = asyncio.Semaphore(bound)

    async def enter(self) -> Ticket:
        """Wait for a place (first come first served); -> the ticket that holds it."""
        await self._places.acquire()
        ticket = Ticket(self._places)
        ticket.timer = asyncio.get_running_loop().call_later(self.grace, ticket.release)
        return ticket


class Ticket:
    """A place at the gate, given back once (`release`), or after the grace on the wire."""

    def __init__(self, places: asyncio.Semaphore) -> None:
        self._places: asyncio.Semaphore | None = places
        self.timer: asyncio.TimerHandle | None = None

    def fetched(self) -> None:
        """The answer is in: from now the place is held for our own work, until `release`."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def release(self) -> None:
        """Give the place back (a second call does nothing)."""
        self.fetched()
        if self._places is not None:
            self._places.release()
            self._places = None


@dataclass
class Passage:
    """One visit's way through the gate, across its redirects and retries (the HTTP client
    calls `admit` inside each request's host turn), and when its last request was due and
    started (for the crawler's own time per fetch)."""

    gate: Gate | None = None
    ticket: Ticket | None = None
    turn: Turn | None = None
    url: str | None = None  # the URL of that last request (a redirect's target, say)

    async def admit(self) -> None:
        """Take a place at the gate, unless this visit holds one (a retry, a redirect)."""
        if self.gate is not None and self.ticket is None:
            self.ticket = await self.gate.enter()

    def fetched(self) -> None:
        if self.ticket is not None:
            self.ticket.fetched()

    def release(self) -> None:
        if self.ticket is not None:
            self.ticket.release()
