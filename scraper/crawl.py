"""The crawl loop over a persistent frontier.

Every URL a crawl will visit is in the archive's frontier before it is fetched, and all that
one visit brings (its capture, the extracted page, the links it found, the URL marked visited)
is recorded by one `CrawlStore.record_visit` call, in one transaction. So a crawl killed at any
moment and started again picks up the same crawl where it stopped: nothing is lost, nothing is
stored twice. This module knows nothing of SQL: it speaks `scraper.store_protocol.CrawlStore`.

A crawl has a time budget (`max_duration`): a site whose next request would start after it
yields, its frontier kept, and the crawl is left 'interrupted', as a crawl stopped by SIGINT
or SIGTERM is (scraper/stopping.py). Only a crawl of the same sites resumes it: a crawl of
other sites leaves it waiting, and says so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from urllib.parse import urlsplit

import httpx

from .addresses import origin_key
from .classify import classify
from .crawl_options import CrawlOptions
from .crawl_result import CrawlResult
from .discover import MAX_SITEMAP_BYTES, discovery_urls, is_discovery_url, read_listing
from .extraction import Extraction, Extractor, extract_capture
from .http import Fetcher, Politeness
from .models import Capture, Page, Site, utc_now
from .outcomes import FailureReason, Outcome
from .progress import Reporter
from .queueing import SiteBudget, links_to_queue
from .recrawl import recheck_reason, rotation_nights
from .stopping import stop_on_signals, unless_stopped
from .store_protocol import CrawlStore, KnownURL, Listed, QueuedURL, Validators, Visit
from .store_thread import StoreThread
from .throttle import Gate, Passage, PastDeadline
from .urls import in_scope, normalize_url, site_aliases

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
    """One crawl of some sites into one archive."""

    def __init__(
        self,
        store: CrawlStore,
        fetcher: Fetcher,
        extraction: Extraction,
        options: CrawlOptions = DEFAULT_OPTIONS,
        reporter: Reporter | None = None,
        writer: StoreThread | None = None,
    ) -> None:
        self.store = store
        self.writer = writer or StoreThread(None)  # where store calls run (store_thread.py)
        self.fetcher = fetcher
        self.extraction = extraction
        self.options = options
        self.reporter = reporter or Reporter()
        self.failed_sites: dict[str, str] = {}
        self.yielded: set[str] = set()  # sites past the deadline, to resume next run
        self.crawl_id = 0
        # Each site's frontier for this crawl: counted once, then kept up to date here (a
        # count(*) per visited page grows with the site and made large crawls quadratic).
        self._budgets: dict[str, SiteBudget] = {}
        self._lists_dates: dict[str, bool] = {}  # per site: do its sitemaps or feeds give dates?
        self._nights: dict[str, dict[str, int]] = {}  # per site: each known URL's rotation night
        self.now = datetime.now(UTC)  # "tonight", for the re-check policy
        self.gate = Gate(options.backlog or extraction.workers + 1, options.backlog_grace)
        self.stop = asyncio.Event()  # set: the crawl ends interrupted (run's `stop`)

    async def run(self, sites: Sequence[Site], stop: asyncio.Event | None = None) -> CrawlResult:
        """Crawl every site, at most `sites_at_once` at a time; close the crawl, or leave it
        interrupted when `stop` is set first or a site paused at the time budget."""
        self.crawl_id, resumed = await self.writer.call(self.store.open_crawl, sites)
        waiting = tuple((i, tuple(names)) for i, names in
                        await self.writer.call(self.store.waiting_crawls, sites))
        for crawl_id, names in waiting:
            self.reporter.note(f"crawl {crawl_id} ({', '.join(names)}) is left waiting: "
                               "a crawl of its own sites resumes it")
        if self.options.max_duration is not None:
            self.fetcher.throttles.set_deadline(time.monotonic() + self.options.max_duration)
        limit = asyncio.Semaphore(self.options.sites_at_once)
        self.stop = stop or asyncio.Event()

        async def one(site: Site) -> None:
            async with limit:
                await self._crawl_site(site)

        try:
            interrupted = await unless_stopped(asyncio.gather(*(one(s) for s in sites)),
                                                self.stop)
        finally:
            self.reporter.close()
        if interrupted or self.yielded:
            # Its frontier kept: the next crawl of the same sites resumes it where it stopped.
            counts = await self.writer.call(self.store.interrupt_crawl, self.crawl_id)
            return CrawlResult(self.crawl_id, resumed, counts, self.failed_sites,
                               tuple(sorted(self.yielded)), interrupted, waiting)
        status = "failed" if self.failed_sites and len(self.failed_sites) == len(sites) else "done"
        counts = await self.writer.call(self.store.finish_crawl, self.crawl_id, status)
        return CrawlResult(self.crawl_id, resumed, counts, self.failed_sites, waiting=waiting)

    # -- one site ---------------------------------------------------------------------------

    async def _seed(self, site: Site) -> None:
        seeds: list[QueuedURL] = []
        for url in site.start_urls:
            norm = normalize_url(url)
            if norm:
                seeds.append((norm, 0, None))
        if self.options.discover:
            found: list[str] = []
            for start in site.start_urls:
                found += discovery_urls(start) + await self.fetcher.robots_sitemaps(start)
            listings: list[QueuedURL] = []
            for url in found:
                norm = normalize_url(url)
                if norm and in_scope(norm, site.hosts):
                    listings.append((norm, 0, "discovery"))
            seeds += listings[: self.options.max_listings]  # a robots.txt may name thousands
        await self.writer.call(self.store.queue, self.crawl_id, site.name, seeds)

    async def _seed_known(self, site: Site) -> int:
        """Queue the known pages the re-check policy picks for tonight (after the listings and
        the new URLs they gave, which went first); -> how many were added."""
        known = await self.writer.call(self.store.known, site.name)
        due = [k.url for k in known if self._due(site, k)]
        added = await self.writer.call(self.store.queue, self.crawl_id, site.name,
                                        [(u, 1, "archive") for u in due])
        budget = self._budgets[site.name]
        budget.size += added
        budget.listings |= {u for u in due if is_discovery_url(u)}
        return added

    def _due(self, site: Site, known: KnownURL) -> bool:
        if known.listed_lastmod is None and is_discovery_url(known.url):
            return True  # a child sitemap its index gives no date: asked (conditionally) nightly
        lists = self._lists_dates.get(site.name, False)
        night = self._nights.get(site.name, {}).get(known.url)
        return recheck_reason(known, self.now, self.options.full_every_days,
                              site_lists_dates=lists, night=night) is not None

    async def _worth_visiting(self, site: Site, queued: list[QueuedURL],
                              listed: Sequence[Listed] = ()) -> list[QueuedURL]:
        """`queued` without the known URLs the policy leaves alone tonight; a listing's dates
        (`listed`) are taken as what the archive will know once the visit is recorded."""
        if not queued:
            return queued
        known = await self.writer.call(self.store.known_of, [u for u, _, _ in queued])
        dates = {e.url: e.lastmod for e in listed if e.lastmod}
        keep = []
        for item in queued:
            k = known.get(item[0])
            if k is not None and item[0] in dates:
                # As revisits.record_listed will keep it: the latest date wins.
                k = replace(k, listed_lastmod=max(k.listed_lastmod or "", dates[item[0]]))
            if k is None or self._due(site, k):
                keep.append(item)
        return keep

    async def _crawl_site(self, site: Site) -> None:
        try:
            await self._seed(site)
        except PastDeadline:
            self.yielded.add(site.name)  # its robots.txt was due after the deadline
        self._lists_dates[site.name] = await self.writer.call(self.store.site_lists_dates,
                                                              site.name)
        known = await self.writer.call(self.store.known, site.name)
        self._nights[site.name] = rotation_nights((k.url for k in known),
                                                  self.options.full_every_days)
        urls = await self.writer.call(self.store.frontier_urls, self.crawl_id, site.name)
        self._budgets[site.name] = SiteBudget.of(self.options.max_pages,
                                                 self.options.max_listings, urls)
        self.reporter.site_started(site.name, len(urls))
        starts = {normalize_url(u) for u in site.start_urls}
        in_flight: set[str] = set()
        tasks: set[asyncio.Task[None]] = set()
        answered = 0
        start_errors: list[str] = []
        known_seeded = False

        async def visit(url: str, depth: int, found_on: str | None) -> None:
            nonlocal answered
            try:
                capture = await self._visit(site, url, depth, found_on)
            except PastDeadline:
                self.yielded.add(site.name)  # the URL stays queued for the next run
                return
            except Exception as exc:  # noqa: BLE001 - a bug on one page must not end the night's crawl
                if self.stop.is_set():
                    return  # a worker stopped by the same signal: the URL stays queued
                capture = await self._record_crash(site, url, exc)
            if capture is not None and capture.status is not None:
                answered += 1
            if url in starts and capture is not None and (
                capture.status is None or capture.status >= 500
            ):
                start_errors.append(capture.error or f"HTTP {capture.status}")

        try:
            while True:
                room = self.options.workers_per_site - len(tasks)
                stopped = site.name in self.failed_sites or site.name in self.yielded
                if room > 0 and not stopped:
                    batch = await self.writer.call(self.store.next_urls, self.crawl_id,
                                                   site.name, room + len(in_flight))
                    for url, depth, found_on in batch:
                        if url in in_flight or len(tasks) >= self.options.workers_per_site:
                            continue
                        in_flight.add(url)
                        task = asyncio.create_task(visit(url, depth, found_on))
                        task.add_done_callback(partial(_forget, in_flight, url))
                        tasks.add(task)
                if not tasks and (known_seeded or stopped or site.name in self.yielded):
                    break
                if not tasks:
                    known_seeded = True
                    await self._seed_known(site)
                    continue
                done, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()  # only what visit() lets through: cancellation
                if start_errors and answered == 0 and len(start_errors) >= len(starts):
                    self.failed_sites[site.name] = start_errors[0]
        finally:
            for task in tasks:
                task.cancel()  # stopped: the URLs under way stay queued for the resume
            await asyncio.gather(*tasks, return_exceptions=True)
        self._nights.pop(site.name, None)  # a site's nights live while it is crawled
        note = self.failed_sites.get(site.name)
        paused = "paused at --max-duration; the next run resumes it"
        self.reporter.site_finished(site.name, f"could not be crawled: {note}" if note else
                                    paused if site.name in self.yielded else None)

    async def _record_crash(self, site: Site, url: str, exc: Exception) -> Capture:
        """Record a URL whose processing failed in the crawler itself, and go on."""
        error = f"{FailureReason.CRAWLER_ERROR}: {type(exc).__name__}: {exc}"[:300]
        capture = Capture(url=url, fetched_at=utc_now(), error=error)
        await self.writer.call(self.store.record_visit, self.crawl_id,
                                Visit(site.name, url, Outcome.FAILED, capture))
        self.reporter.page(site.name, url, Outcome.FAILED, error)
        return capture

    # -- one URL ----------------------------------------------------------------------------

    async def _listing_body(
        self, capture: Capture, outcome: Outcome, known: Validators | None
    ) -> bytes | None:
        """The body of a sitemap or feed to read tonight: the one fetched, or on a 304 the one
        the archive keeps. A sitemap index that did not change still names children that may
        have: their own conditional requests tell."""
        if outcome is Outcome.DOCUMENT:
            return capture.body
        if outcome is Outcome.NOT_MODIFIED and known is not None and known.sha256:
            return await self.writer.call(self.store.body, known.sha256)
        return None

    async def _visit(
        self, site: Site, url: str, depth: int, found_on: str | None = None
    ) -> Capture | None:
        passage = Passage(self.gate)
        try:
            capture = await self._fetch_and_record(site, url, depth, found_on, passage)
        finally:
            passage.release()  # the visit is stored (or failed): room for another fetch
        if passage.turn is not None and passage.url is not None:
            self.reporter.fetch_timed(site.name, passage.url, passage.turn, time.monotonic())
        return capture

    async def _fetch_and_record(
        self, site: Site, url: str, depth: int, found_on: str | None, passage: Passage
    ) -> Capture:
        known = await self.writer.call(self.store.validators, url)
        listing = is_discovery_url(url)
        capture = await self.fetcher.fetch(
            url,
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
            passage=passage,
            scope=partial(in_scope, hosts=site.hosts),
            # The sitemaps protocol allows 50 MB uncompressed; a page keeps the usual cap.
            max_bytes=MAX_SITEMAP_BYTES if listing else None,
        )
        passage.fetched()
        if capture.error == FailureReason.ROBOTS_UNAVAILABLE and origin_key(
            capture.final_url or url
        ) in {origin_key(u) for u in site.start_urls}:
            # A 5xx on the site's own robots.txt (or no answer at all): the site is not
            # crawled now, and no further URL of it is taken up. Another origin's robots.txt
            # (a redirect's target) decides for that URL alone: it is recorded as failed.
            self.failed_sites.setdefault(site.name, FailureReason.ROBOTS_UNAVAILABLE)
        page_url = normalize_url(capture.final_url or url) or url
        if capture.final_url:
            # Stored as the crawl sees it, so `reextract` files the page at the same address.
            capture = replace(capture, final_url=page_url)
        scoped = in_scope(page_url, site.hosts)
        if not scoped and capture.body is not None:
            capture = replace(capture, body=None)  # not the site's: never stored nor served
        outcome = classify(capture, known, is_listing=listing, in_scope=scoped)
        if capture.error == FailureReason.OUT_OF_SCOPE:
            outcome = Outcome.SKIPPED  # a redirect off the site: not this site's failure
        page: Page | None = None
        links: list[QueuedURL] = []
        listed: tuple[Listed, ...] = ()
        # The links a page or listing names, filtered (scraper/queueing.py): a page's in its
        # extraction worker, beside the extraction, off the event loop.
        scope = partial(links_to_queue, source=page_url, hosts=site.hosts, depth=depth,
                        max_depth=self.options.max_depth, found_on=found_on)
        if outcome is Outcome.NEW and capture.body is not None:
            page, links = await self.extraction.run_then(
                capture.body, page_url, capture.headers, capture.fetched_at, scope)
        elif listing and (body := await self._listing_body(capture, outcome, known)) is not None:
            found = read_listing(body, page_url)
            # Children past the listings' budget could never be read: not even looked at.
            children = found.children[: self._budgets[site.name].listings_room()]
            listed = tuple(children + found.pages)
            links = scope([e.url for e in listed])
            if any(e.lastmod for e in listed):
                self._lists_dates[site.name] = True
        queued = await self._worth_visiting(site, links, listed)
        landed = page_url if page_url != url and scoped else None
        # robots.txt said no before anything was fetched: nothing to keep but the frontier row.
        unfetched = capture.error == FailureReason.DISALLOWED and capture.status is None
        fetched = None if unfetched else capture
        # Reserved before the write is awaited: the site's other visits, stored meanwhile,
        # see the room these take and cannot also fill it (--max-pages holds exactly).
        budget = self._budgets[site.name]
        taken, fresh = budget.reserve(queued)
        added: int | None = None
        try:
            recorded = await self.writer.call(self.store.record_visit, self.crawl_id, Visit(
                site.name, url, outcome, fetched, page, taken, landed, depth, listed,
                same_body=known is not None and capture.body is not None
                and capture.sha256 == known.sha256,
            ))
            added = recorded.added
        finally:
            budget.settle(taken, fresh, added)  # counted only once the visit is committed
        if landed and is_discovery_url(landed):
            budget.listings.add(landed)
        self.reporter.page(site.name, url, recorded.outcome, capture.error)
        return capture


def _forget(in_flight: set[str], url: str, _task: object) -> None:
    in_flight.discard(url)


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
    with Extraction(extract, options.extract_processes) as extraction, \
            StoreThread(store if options.store_thread else None) as writer:
        async with Fetcher(politeness or Politeness(), seed_hosts=seed_hosts(sites),
                           transport=transport, sites_at_once=options.sites_at_once) as fetcher:
            crawler = Crawl(store, fetcher, extraction, options, reporter, writer)
            return await crawler.run(sites, stop)


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
