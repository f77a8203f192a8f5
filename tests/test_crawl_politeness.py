"""Every request to a host inside its turn, across many hosts at once, read from the hosts'
own logs: robots.txt, sitemaps, feeds, pages, redirect hops and retries.

Each server logs a request when it has read it, before it answers. The crawler spaces a
host's requests from the moment the host began answering the previous one, so every gap in
a server's log is at least the delay, however loaded the machine: a shorter gap is a failure,
never the machine's fault, and there is no slack in the assertions.

Six sample sites run on 127.0.0.1, one port each, and the crawler knows them by six names
(`site1.test` ...): a transport sends every request to 127.0.0.1 with its Host header kept,
so the crawler treats them as six hosts, each with its own turn, crawled at the same time.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
from servers import FaultServer, serve_faults

from archive import open_archive
from archive.crawlstore import SqliteCrawlStore
from scraper.crawl import CrawlOptions, crawl, site_for_url
from scraper.extract import extract_page
from scraper.http import Fetcher, Politeness
from scraper.models import Capture
from scraper.sample_site import serve_sample_site
from scraper.sample_site.server import RunningSite

DELAY = 0.15
SITES = 6
POLITE = Politeness(delay=DELAY, backoff_base=0.05, max_retries=2, max_retry_after=5.0)


class LoopbackNames(httpx.AsyncBaseTransport):
    """Every request sent to 127.0.0.1 (its port and Host header kept): many names, one
    loopback address, and not a packet anywhere else."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host.endswith(".test"), request.url
        request.url = request.url.copy_with(host="127.0.0.1")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@contextmanager
def sample_sites(n: int) -> Iterator[list[RunningSite]]:
    with ExitStack() as stack:
        yield [stack.enter_context(serve_sample_site()) for _ in range(n)]


def gaps(log: list[tuple[float, str]]) -> list[tuple[float, str, str]]:
    """Each gap between two consecutive arrivals at one server, with the two paths."""
    ordered = sorted(log)
    return [(b - a, pa, pb) for (a, pa), (b, pb) in itertools.pairwise(ordered)]


async def crawl_and_fetch(servers: list[RunningSite], faults: FaultServer, db: str) -> list[Capture]:
    """A crawl of the sample sites and, in the same event loop, redirects and retries on the
    fault server: all of them at once."""
    names = [f"http://site{i}.test:{s.port}/" for i, s in enumerate(servers, 1)]
    with open_archive(db, create=True, lock=True) as archive, SqliteCrawlStore(archive.db) as store:
        crawling = crawl(store, [site_for_url(u) for u in names], extract_page,
                         politeness=POLITE, transport=LoopbackNames(),
                         options=CrawlOptions(max_pages=12, extract_processes=0))
        paths = ["/redirect-ok", "/chain", "/503-once", "/429", "/ok", "/to-private"]
        async with Fetcher(POLITE, seed_hosts=[faults.url]) as fetcher:
            fetched = asyncio.gather(*(fetcher.fetch(faults.url + p) for p in paths))
            result, captures = await asyncio.gather(crawling, fetched)
    assert result.counts["new"] >= SITES * 10, result.counts
    return list(captures)


def test_every_request_to_every_host_waits_its_turn_in_the_hosts_own_log(tmp_path) -> None:
    with sample_sites(SITES) as servers, serve_faults() as faults:
        captures = asyncio.run(crawl_and_fetch(servers, faults, str(tmp_path / "a.db")))
        logs = [[(t, p) for t, _, p, _ in s.requests] for s in servers]
        fault_log = [(t, p) for t, _, p, _ in faults.requests]

    # The fault server's part went as planned: redirects followed (and a chain cut at five
    # hops, one refused by robots.txt), a 503 and a 429 retried after their Retry-After.
    answers = {c.url.removeprefix(faults.url): (c.status, c.error) for c in captures}
    assert answers == {"/redirect-ok": (200, None), "/chain": (302, "too many redirects"),
                       "/503-once": (200, None), "/429": (200, None), "/ok": (200, None),
                       "/to-private": (302, "disallowed by robots.txt")}
    fault_paths = [p for _, p in fault_log]
    assert fault_paths[0] == "/robots.txt" and fault_paths.count("/503-once") == 2
    assert fault_paths.count("/429") == 2 and "/chain-5" in fault_paths

    for log in [*logs, fault_log]:
        paths = [p for _, p in sorted(log)]
        assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
        short = [g for g in gaps(log) if g[0] < DELAY]
        assert not short, short  # the host's own clock: no slack
    for log in logs:
        paths = {p for _, p in log}
        assert {"/", "/sitemap.xml", "/feed/"} <= paths  # listings too, in the same turns
        assert len(log) >= 15

    # The six sites were crawled at the same time, not one after the other.
    spans = [(min(t for t, _ in log), max(t for t, _ in log)) for log in logs]
    assert max(start for start, _ in spans) < min(end for _, end in spans)
