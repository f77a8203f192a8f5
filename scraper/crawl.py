"""The crawl loop over a persistent frontier.

Every URL a crawl will visit is in the archive's frontier before it is fetched, and all that
one visit brings (its capture, the extracted page, the links it found, the URL marked visited)
is recorded by one `CrawlStore.record_visit` call, in one transaction. So a crawl killed at any
moment and started again picks up the same crawl where it stopped: nothing is lost, nothing is
stored twice. This module knows nothing of SQL: it speaks `scraper.store_protocol.CrawlStore`.

The pieces, each in its own module: `Crawl` (here) opens and closes the crawl and holds what
its sites share; `SiteCrawl` (site_crawl.py) is one site: its frontier's budget, its counters,
the visit of each URL; `Scheduler` (scheduler.py) decides what runs at once (sites, URLs per
site, the backpressure gate); `Workers` (workers.py) are the extraction processes and the
writer thread, started and closed together; the `Fetcher` (http.py) makes each request in its
host's turn (throttle.py).

A crawl has a time budget (`max_duration`): a site whose next request would start after it
yields, its frontier kept, and the crawl is left 'interrupted', as a crawl stopped by SIGINT
or SIGTERM is (scraper/stopping.py). Only a crawl of the same sites resumes it: a crawl of
other sites leaves it waiting, and says so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from .crawl_options import CrawlOptions
from .crawl_result import CrawlResult
from .extraction import Extractor, extract_capture
from .http import Fetcher, Politeness
from .models import Site
from .progress import Reporter
from .scheduler import Scheduler
from .site_crawl import SiteCrawl
from .stopping import stop_on_signals, unless_stopped
from .store_protocol import CrawlStore
from .urls import site_aliases
from .workers import Workers

__all__ = ["CrawlOptions", "CrawlResult", "Extractor", "crawl", "extract_capture",
           "run_crawl_sync", "site_for_url"]

DEFAULT_OPTIONS = CrawlOptions()  # frozen: one shared default is safe


def site_for_url(url: str) -> Site:
    """A site for a seed URL given on the command line: its host (with port) is its scope."""
    netloc = urlsplit(url).netloc.lower()
    # ml.ambafrance.org also answers as www.ambafrance-xx.org …: keep its aliases in scope.
    aliases = [] if ":" in netloc else site_aliases(netloc)[1:]
    return Site(name=netloc, hosts=(netloc, *aliases), start_urls=(url,))


class Crawl:
    """One crawl of some sites into one archive: what they share (the store, the fetcher, the
    workers, the scheduler, the reporter), and the crawl's opening and closing."""

    def __init__(
        self,
        store: CrawlStore,
        fetcher: Fetcher,
        workers: Workers,
        options: CrawlOptions = DEFAULT_OPTIONS,
        reporter: Reporter | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.workers = workers
        self.options = options
        self.reporter = reporter or Reporter()
        self.scheduler = Scheduler(options, workers.processes)
        self.crawl_id = 0
        self.now = datetime.now(UTC)  # "tonight", for the re-check policy
        self.stop = asyncio.Event()  # set: the crawl ends interrupted (run's `stop`)

    async def run(self, sites: Sequence[Site], stop: asyncio.Event | None = None) -> CrawlResult:
        """Crawl every site, as many at a time as the scheduler allows; close the crawl, or
        leave it interrupted when `stop` is set first or a site paused at the time budget."""
        self.crawl_id, resumed = await self.workers.store(self.store.open_crawl, sites)
        waiting = tuple((i, tuple(names)) for i, names in
                        await self.workers.store(self.store.waiting_crawls, sites))
        for crawl_id, names in waiting:
            self.reporter.note(f"crawl {crawl_id} ({', '.join(names)}) is left waiting: "
                               "a crawl of its own sites resumes it")
        if self.options.max_duration is not None:
            self.fetcher.throttles.set_deadline(time.monotonic() + self.options.max_duration)
        self.stop = stop or asyncio.Event()
        site_crawls = [SiteCrawl(self, site) for site in sites]

        async def in_turn(site_crawl: SiteCrawl) -> None:
            async with self.scheduler.site():
                await site_crawl.run()

        try:
            interrupted = await unless_stopped(
                asyncio.gather(*(in_turn(s) for s in site_crawls)), self.stop)
        finally:
            self.reporter.close()
        failed = {s.site.name: s.failure for s in site_crawls if s.failure is not None}
        paused = tuple(sorted(s.site.name for s in site_crawls if s.paused))
        if interrupted or paused:
            # Its frontier kept: the next crawl of the same sites resumes it where it stopped.
            counts = await self.workers.store(self.store.interrupt_crawl, self.crawl_id)
            return CrawlResult(self.crawl_id, resumed, counts, failed, paused, interrupted,
                               waiting)
        status = "failed" if failed and len(failed) == len(sites) else "done"
        counts = await self.workers.store(self.store.finish_crawl, self.crawl_id, status)
        return CrawlResult(self.crawl_id, resumed, counts, failed, waiting=waiting)


def seed_hosts(sites: Sequence[Site]) -> set[str]:
    """What the address guard lets through, origin by origin (scraper/addresses.py's
    seed_origins): every site's hosts (a port when given, else the default ones) and the
    origins of its start URLs."""
    return {h for s in sites for h in s.hosts} | {u for s in sites for u in s.start_urls}


async def crawl(
    store: CrawlStore,
    sites: Sequence[Site],
    extract: Extractor,
    *,
    politeness: Politeness | None = None,
    options: CrawlOptions = DEFAULT_OPTIONS,
    reporter: Reporter | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    stop: asyncio.Event | None = None,
) -> CrawlResult:
    """Crawl `sites` into `store` with a Fetcher of its own, resuming their unfinished crawl;
    once `stop` is set, the crawl ends interrupted (scraper/stopping.py)."""
    with Workers(store, extract, options.extract_processes, options.store_thread) as workers:
        async with Fetcher(politeness or Politeness(), seed_hosts=seed_hosts(sites),
                           transport=transport) as fetcher:
            return await Crawl(store, fetcher, workers, options, reporter).run(sites, stop)


def run_crawl_sync(
    store: CrawlStore,
    sites: Sequence[Site],
    extract: Extractor,
    *,
    politeness: Politeness | None = None,
    options: CrawlOptions = DEFAULT_OPTIONS,
    reporter: Reporter | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CrawlResult:
    """Run a whole crawl in its own event loop (what the CLI and the library API call).
    SIGINT or SIGTERM ends it interrupted, with its result (`CrawlResult.interrupted`)."""
    with asyncio.Runner() as runner, stop_on_signals(runner.get_loop()) as stop:
        return runner.run(crawl(store, sites, extract, politeness=politeness, options=options,
                                reporter=reporter, transport=transport, stop=stop))
