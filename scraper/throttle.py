"""The per-host throttle: at most N connections, request starts spaced by the delay, and a
backoff (Retry-After, or our own after an error) that no request already waiting can undo.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostThrottle:
    """Politeness towards one host.

    `turn()` holds one of the host's connection slots while its request runs, and starts it
    no sooner than `delay` after the previous start and never before the host's backoff ends.
    A backoff only ever moves later (`max`), and a waiter re-reads it after every sleep: a
    request already asleep when a 429 arrives does not go out at its old time.
    """

    def __init__(self, delay: float, connections: int) -> None:
        self.delay = delay
        self._slots = asyncio.Semaphore(connections)
        self._lock = asyncio.Lock()  # held while sleeping: starts are spaced first come first served
        self._next_start = 0.0  # monotonic time the next request may start (delay spacing)
        self._backoff_until = 0.0  # monotonic time the host asked us to wait until

    def slow_down(self, delay: float) -> None:
        """A longer delay (robots.txt Crawl-delay); never a shorter one."""
        self.delay = max(self.delay, delay)

    def back_off(self, seconds: float) -> None:
        """The host asked for room: nothing starts for `seconds` from now (or later)."""
        self._backoff_until = max(self._backoff_until, time.monotonic() + seconds)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """One request's turn: a connection slot, and its start time."""
        async with self._slots:
            async with self._lock:
                while True:
                    pause = max(self._next_start, self._backoff_until) - time.monotonic()
                    if pause <= 0:
                        break
                    await asyncio.sleep(pause)
                self._next_start = time.monotonic() + self.delay
            yield


class Throttles:
    """One `HostThrottle` per host name, made on first use."""

    def __init__(self, delay: float, connections: int) -> None:
        self._delay = delay
        self._connections = connections
        self._hosts: dict[str, HostThrottle] = {}

    def of(self, host: str) -> HostThrottle:
        """The throttle of `host` (a bare host name)."""
        throttle = self._hosts.get(host)
        if throttle is None:
            throttle = self._hosts[host] = HostThrottle(self._delay, self._connections)
        return throttle
