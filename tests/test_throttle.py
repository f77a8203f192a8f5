"""Retry-After and backoff hold under concurrency: with two connections per host and several
requests already queued when a 429 or a 503 arrives, nothing reaches the host before the time
it asked for. Measured from the test server's own request log."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

import pytest
from servers import serve_faults

from scraper.http import Fetcher, Politeness
from scraper.throttle import HostThrottle

DELAY = 0.2
POLITE = Politeness(delay=DELAY, max_connections_per_host=2, connect_timeout=1.0,
                    read_timeout=2.0, total_timeout=10.0, max_retries=2, backoff_base=0.05,
                    max_retry_after=5.0)


async def _fetch_queued(base: str, paths: list[str]) -> list[tuple[str, int | None]]:
    async with Fetcher(POLITE, seed_hosts=[base]) as fetcher:
        captures = await asyncio.gather(*(fetcher.fetch(base + p) for p in paths))
    return [(c.url.removeprefix(base), c.status) for c in captures]


@pytest.mark.parametrize(("path", "asked"), [("/429", 2.0), ("/503-once", 1.0)])
def test_no_request_reaches_the_host_before_its_retry_after_even_those_already_waiting(
    path: str, asked: float
) -> None:
    queued = ["/ok?i=0", path] + [f"/ok?i={i}" for i in range(1, 6)]
    with serve_faults() as srv:
        results = asyncio.run(_fetch_queued(srv.url, queued))
        log = [(t, p) for t, _, p, _ in srv.requests if p != "/robots.txt"]
    assert dict(results)[path] == 200  # it asked for time, got it, then answered
    refused_at = next(t for t, p in log if p == path)
    after = [t - refused_at for t, p in log if t > refused_at]
    assert len(after) == len(queued) - 1  # the other five, and the retry
    # The earliest of them waited what the host asked (a little slack for the server thread).
    assert min(after) >= asked - 0.05, sorted(after)
    # And the delay still spaces what follows the backoff.
    starts = sorted(after)
    assert all(b - a >= DELAY * 0.8 for a, b in pairwise(starts)), starts


def test_a_waiter_asleep_when_a_backoff_arrives_does_not_start_at_its_old_time() -> None:
    async def scenario() -> float:
        throttle = HostThrottle(delay=0.1, connections=2)
        async with throttle.turn():
            pass  # the first request: the next may start 0.1 s later

        async def waiter() -> float:
            async with throttle.turn():
                return time.monotonic()

        task = asyncio.create_task(waiter())  # asleep until its turn, 0.1 s from now
        await asyncio.sleep(0.02)
        asked = time.monotonic()
        throttle.back_off(0.5)  # a 429 answered meanwhile
        return await task - asked

    assert asyncio.run(scenario()) >= 0.5 - 0.01


def test_a_backoff_only_ever_moves_later() -> None:
    async def scenario() -> float:
        throttle = HostThrottle(delay=0.0, connections=1)
        throttle.back_off(0.4)
        throttle.back_off(0.05)  # an earlier one, arriving later, does not shorten it
        started = time.monotonic()
        async with throttle.turn():
            return time.monotonic() - started

    assert asyncio.run(scenario()) >= 0.4 - 0.01
