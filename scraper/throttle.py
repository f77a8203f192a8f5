"""The per-host throttle: at most N connections, request starts spaced by the delay, and a
backoff (Retry-After, or our own after an error) that no request already waiting can undo.
Every request to a host takes its turn here: robots.txt, sitemaps, redirects and retries too.

How much work the crawl takes on across hosts (the backpressure gate) is scraper/scheduler.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


class PastDeadline(Exception):
    """A request would start after the crawl's deadline (`CrawlOptions.max_duration`): it is
    not made, and the crawl yields, its frontier kept for the next run."""


@dataclass
class Turn:
    """When a request was due (politeness let it go) and when it started (monotonic), how
    long of that it was held at the crawl's gate (backpressure), and when the host's answer
    began (None until it did)."""

    due: float
    started: float
    held: float = 0.0
    answered: float | None = None


class HostThrottle:
    """Politeness towards one host.

    `turn()` holds one of the host's connection slots while its request runs, and starts it
    no sooner than `delay` after the host began answering the previous request, and never
    before the host's backoff ends. A backoff only ever moves later (`max`), and a waiter
    re-reads it after every sleep: a request already asleep when a 429 arrives does not go out
    at its old time.

    Why from the answer, not from our previous start: the host logs a request when it has
    read it, at a moment we cannot see; all we know is that it was before the host began to
    answer. A request sent `delay` after our previous *start* reached the host 76-154 ms after
    the one before when that one's connection was slow to open (measured: robots.txt, then the
    home page). Spaced from the answer, the gap holds in the host's own log whatever the load
    on either machine. So with a delay, a host has one request on the wire at a time; with
    none, up to `connections`.
    """

    def __init__(self, delay: float, connections: int, deadline: float | None = None) -> None:
        self.delay = delay
        # Monotonic time after which no request starts (None: no deadline). Decided on the
        # request's due time, so a host whose next turn falls past it yields at once.
        self.deadline = deadline
        self._slots = asyncio.Semaphore(connections)
        self._lock = asyncio.Lock()  # held while sleeping: starts are spaced first come first served
        self._next_start = 0.0  # monotonic time the next request may start (delay spacing)
        self._backoff_until = 0.0  # monotonic time the host asked us to wait until
        self._unanswered = 0  # requests started whose answer has not begun
        self._quiet = asyncio.Event()  # set while no request awaits its answer
        self._quiet.set()

    def slow_down(self, delay: float) -> None:
        """A longer delay (robots.txt Crawl-delay); never a shorter one."""
        self.delay = max(self.delay, delay)

    def back_off(self, seconds: float) -> None:
        """The host asked for room: nothing starts for `seconds` from now (or later)."""
        self._backoff_until = max(self._backoff_until, time.monotonic() + seconds)

    @asynccontextmanager
    async def turn(
        self, admit: Callable[[], Awaitable[None]] | None = None
    ) -> AsyncIterator[Turn]:
        """One request's turn: a connection slot, and its start time.

        `admit`, awaited once politeness lets the request go, is the crawl's backpressure.
        The spacing is measured from the real start, after it: a request held back there
        does not shorten the gap before the host's next one.
        """
        async with self._slots:
            async with self._lock:
                due = time.monotonic()  # its turn in the host's queue, at the earliest
                held = 0.0
                while True:
                    if self.delay > 0 and self._unanswered:
                        await self._quiet.wait()  # the spacing counts from its answer
                        continue
                    until = max(self._next_start, self._backoff_until)
                    if self.deadline is not None and max(until, time.monotonic()) > self.deadline:
                        raise PastDeadline(f"next request due after the deadline by "
                                           f"{max(until, time.monotonic()) - self.deadline:.0f} s")
                    if until - time.monotonic() > 0:
                        due = max(due, until)
                        await asyncio.sleep(until - time.monotonic())
                        continue
                    if admit is None:
                        break
                    gated = time.monotonic()
                    await admit()
                    held = time.monotonic() - gated
                    admit = None  # then the backoff and spacing are read again
                started = time.monotonic()
                self._next_start = started + self.delay
                self._unanswered += 1
                self._quiet.clear()
            turn = Turn(due, started, held)
            try:
                yield turn
            finally:
                self.answered(turn)  # a failure, or the body read: no later than now

    def answered(self, turn: Turn) -> None:
        """The host began answering `turn`'s request (its status line is in): the host's
        next request starts no sooner than `delay` from now. Once per turn; later calls do
        nothing."""
        if turn.answered is not None:
            return
        turn.answered = time.monotonic()
        self._next_start = max(self._next_start, turn.answered + self.delay)
        self._unanswered -= 1
        if not self._unanswered:
            self._quiet.set()


class Throttles:
    """One `HostThrottle` per host name, made on first use."""

    def __init__(self, delay: float, connections: int) -> None:
        self._delay = delay
        self._connections = connections
        self._hosts: dict[str, HostThrottle] = {}
        self.deadline: float | None = None

    def set_deadline(self, deadline: float | None) -> None:
        """No request to any host starts after `deadline` (monotonic time; None: none)."""
        self.deadline = deadline
        for throttle in self._hosts.values():
            throttle.deadline = deadline

    def of(self, host: str) -> HostThrottle:
        """The throttle of `host` (a bare host name)."""
        throttle = self._hosts.get(host)
        if throttle is None:
            throttle = self._hosts[host] = HostThrottle(self._delay, self._connections,
                                                        self.deadline)
        return throttle
