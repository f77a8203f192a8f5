"""One site's part of a crawl (`SiteCrawl`): its frontier's budget, its counters and state,
and the visit of each of its URLs, from the fetch to the one `record_visit` that stores it.

The crawl (scraper/crawl.py) makes one per site and runs it when the scheduler gives the site
its turn; the scheduler (scraper/scheduler.py) also says how many of its URLs may be under
way at once. Nothing here is shared with another site, so no state needs a lock: the one
event loop runs every site, and each piece of a site's state has one owner, this object.
The frontier's budget is taken and settled in each visit's record step (`_record`), which
runs on the writer thread, one step at a time; the loop changes it only while none of the
site's visits is under way (its seeding).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from .addresses import origin_key
from .classify import classify
from .discover import MAX_SITEMAP_BYTES, discovery_urls, is_discovery_url, read_listing
from .models import Capture, Page, Site, utc_now
from .outcomes import FailureReason, Outcome
from .queueing import SiteBudget, links_to_queue
from .recrawl import recheck_reason, rotation_nights
from .scheduler import Passage
from .store_protocol import KnownURL, Listed, NextURL, QueuedURL, Recorded, Validators, Visit
from .throttle import PastDeadline
from .urls import in_scope, normalize_url

if TYPE_CHECKING:
    from .crawl import Crawl

PAUSED = "paused at --max-duration; the next run resumes it"


class SiteCrawl:
    """One site in one crawl: `await SiteCrawl(crawl, site).run()`."""

    def __init__(self, crawl: Crawl, site: Site) -> None:
        self.crawl = crawl
        self.site = site
        self.failure: str | None = None  # why the site could not be crawled (then it stops)
        self.paused = False  # a request fell past the crawl's deadline: resumed next run
        # Its frontier in this crawl: counted once, then kept up to date here (a count(*)
        # per visited page grows with the site and made large crawls quadratic).
        self.budget = SiteBudget(crawl.options.max_pages, crawl.options.max_listings)
        self.lists_dates = False  # do its sitemaps or feeds give dates?
        self.nights: dict[str, int] = {}  # each known URL's rotation night (scraper/recrawl.py)
        self.starts = {normalize_url(u) for u in site.start_urls}
        self.answered = 0  # URLs the site answered (any status)
        self.start_errors: list[str] = []  # why each start URL failed, if it did
        self._under_way: dict[str, asyncio.Task[None]] = {}  # URL -> its visit

    @property
    def stopped(self) -> bool:
        """Failed or paused: no new URL of the site is taken up."""
        return self.failure is not None or self.paused

    async def run(self) -> None:
        """Seed the site, then visit its frontier until it is empty (then queue the known
        pages due tonight, and visit those), the site stops, or the crawl is cancelled."""
        crawl, store, name = self.crawl, self.crawl.store, self.site.name
        try:
            await self._seed()
        except PastDeadline:
            self.paused = True  # its robots.txt was due after the deadline
        self.lists_dates = await crawl.workers.store(store.site_lists_dates, name)
        known = await crawl.workers.store(store.known, name)
        self.nights = rotation_nights((k.url for k in known), crawl.options.full_every_days)
        urls = await crawl.workers.store(store.frontier_urls, crawl.crawl_id, name)
        self.budget = SiteBudget.of(crawl.options.max_pages, crawl.options.max_listings, urls)
        crawl.reporter.site_started(name, len(urls))
        known_seeded = False
        try:
            while True:
                if not self.stopped:
                    await self._start_visits()
                if not self._under_way:
                    if known_seeded or self.stopped:
                        break
                    known_seeded = True
                    await self._seed_known()
                    continue
                done, _ = await asyncio.wait(self._under_way.values(),
                                             return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()  # only what _visit lets through: cancellation
                if self.start_errors and not self.answered and \
                        len(self.start_errors) >= len(self.starts):
                    self.failure = self.start_errors[0]
        finally:
            for task in self._under_way.values():
                task.cancel()  # stopped: the URLs under way stay queued for the resume
            await asyncio.gather(*self._under_way.values(), return_exceptions=True)
        self.nights = {}  # a site's nights live while it is crawled
        crawl.reporter.site_finished(name, f"could not be crawled: {self.failure}"
                                     if self.failure else PAUSED if self.paused else None)

    async def _start_visits(self) -> None:
        """Start as many queued URLs as the scheduler gives the site room for."""
        room = self.crawl.scheduler.room(len(self._under_way))
        if not room:
            return
        batch = await self.crawl.workers.store(
            self.crawl.store.next_urls, self.crawl.crawl_id, self.site.name,
            room + len(self._under_way),  # the ones under way come back first
        )
        for queued in batch:
            if queued.url in self._under_way or \
                    not self.crawl.scheduler.room(len(self._under_way)):
                continue
            task = asyncio.create_task(self._visit(queued))
            task.add_done_callback(partial(self._ended, queued.url))
            self._under_way[queued.url] = task

    def _ended(self, url: str, _task: asyncio.Task[None]) -> None:
        self._under_way.pop(url, None)

    # -- seeding --------------------------------------------------------------------------

    async def _seed(self) -> None:
        crawl, site = self.crawl, self.site
        seeds: list[QueuedURL] = [(n, 0, None) for n in map(normalize_url, site.start_urls) if n]
        if crawl.options.discover:
            found: list[str] = []
            for start in site.start_urls:
                found += discovery_urls(start) + await crawl.fetcher.robots_sitemaps(start)
            listings = [(n, 0, "discovery") for n in map(normalize_url, found)
                        if n and in_scope(n, site.hosts)]
            seeds += listings[: crawl.options.max_listings]  # a robots.txt may name thousands
        await crawl.workers.store(crawl.store.queue, crawl.crawl_id, site.name, seeds)

    async def _seed_known(self) -> None:
        """Queue the known pages the re-check policy picks for tonight (after the listings and
        the new URLs they gave, which went first)."""
        crawl = self.crawl
        known = await crawl.workers.store(crawl.store.known, self.site.name)
        due = [k.url for k in known if self._due(k)]
        added = await crawl.workers.store(crawl.store.queue, crawl.crawl_id, self.site.name,
                                          [(u, 1, "archive") for u in due])
        self.budget.size += added
        self.budget.listings |= {u for u in due if is_discovery_url(u)}

    def _due(self, known: KnownURL) -> bool:
        if known.listed_lastmod is None and is_discovery_url(known.url):
            return True  # a child sitemap its index gives no date: asked (conditionally) nightly
        return recheck_reason(known, self.crawl.now, self.crawl.options.full_every_days,
                              site_lists_dates=self.lists_dates,
                              night=self.nights.get(known.url)) is not None

    def _worth_visiting(self, queued: list[QueuedURL], fresh: dict[str, KnownURL | None],
                        listed: Sequence[Listed] = ()) -> list[QueuedURL]:
        """`queued` without the URLs already in this crawl's frontier (those not in `fresh`,
        the store's `unqueued`) and the known ones the policy leaves alone tonight; a
        listing's dates (`listed`) are taken as what the archive will know once the visit
        is recorded."""
        dates = {e.url: e.lastmod for e in listed if e.lastmod}
        keep = []
        for item in queued:
            if item[0] not in fresh:
                continue  # queued already (or twice in `queued`: the first is kept)
            k = fresh.pop(item[0])
            if k is not None and item[0] in dates:
                # As revisits.record_listed will keep it: the latest date wins.
                k = replace(k, listed_lastmod=max(k.listed_lastmod or "", dates[item[0]]))
            if k is None or self._due(k):
                keep.append(item)
        return keep

    def _record(self, visit: Visit, links: list[QueuedURL]) -> Recorded:
        """Record `visit` with those of its `links` worth queueing and there is room for, in
        one step on the writer (scraper/workers.py): the frontier it reads is the one every
        visit stored before it left, and the room it takes is counted before the next visit's
        step begins, so --max-pages holds exactly. (As two steps, a look-up and then the
        record, each visit waited twice behind the others' writes.)"""
        store = self.crawl.store
        fresh = store.unqueued(self.crawl.crawl_id, [u for u, _, _ in links]) if links else {}
        taken, new_listings = self.budget.reserve(self._worth_visiting(links, fresh,
                                                                       visit.listed))
        added: int | None = None
        try:
            recorded = store.record_visit(self.crawl.crawl_id, replace(visit, links=taken))
            added = recorded.added
        finally:
            self.budget.settle(taken, new_listings, added)  # counted once it is committed
        if visit.landed_on and is_discovery_url(visit.landed_on):
            self.budget.listings.add(visit.landed_on)  # a redirect landed on a listing
        return recorded

    # -- one URL ----------------------------------------------------------------------------

    async def _visit(self, queued: NextURL) -> None:
        """Visit one URL; a crash of the crawler's own is recorded as the URL's failure."""
        crawl, url = self.crawl, queued.url
        passage = crawl.scheduler.passage()
        try:
            capture = await self._fetch_and_record(queued, passage)
        except PastDeadline:
            self.paused = True  # the URL stays queued for the next run
            return
        except Exception as exc:  # noqa: BLE001 - a bug on one page must not end the night's crawl
            if crawl.stop.is_set():
                return  # a worker stopped by the same signal: the URL stays queued
            capture = await self._record_crash(url, exc)
        finally:
            passage.release()  # the visit is stored (or failed): room for another fetch
        if passage.turn is not None and passage.url is not None:
            crawl.reporter.fetch_timed(self.site.name, passage.url, passage.turn,
                                       time.monotonic())
        if capture.status is not None:
            self.answered += 1
        if url in self.starts and (capture.status is None or capture.status >= 500):
            self.start_errors.append(capture.error or f"HTTP {capture.status}")

    async def _record_crash(self, url: str, exc: Exception) -> Capture:
        """Record a URL whose processing failed in the crawler itself, and go on."""
        error = f"{FailureReason.CRAWLER_ERROR}: {type(exc).__name__}: {exc}"[:300]
        capture = Capture(url=url, fetched_at=utc_now(), error=error)
        await self.crawl.workers.store(self.crawl.store.record_visit, self.crawl.crawl_id,
                                       Visit(self.site.name, url, Outcome.FAILED, capture))
        self.crawl.reporter.page(self.site.name, url, Outcome.FAILED, error)
        return capture

    async def _listing_body(
        self, capture: Capture, outcome: Outcome, known: Validators | None
    ) -> bytes | None:
        """The body of a sitemap or feed to read tonight: the one fetched, or on a 304 the one
        the archive keeps. A sitemap index that did not change still names children that may
        have: their own conditional requests tell."""
        if outcome is Outcome.DOCUMENT:
            return capture.body
        if outcome is Outcome.NOT_MODIFIED and known is not None and known.sha256:
            return await self.crawl.workers.store(self.crawl.store.body, known.sha256)
        return None

    async def _fetch_and_record(self, queued: NextURL, passage: Passage) -> Capture:
        crawl, site = self.crawl, self.site
        url, depth, found_on, known = (queued.url, queued.depth, queued.found_on,
                                       queued.validators)
        listing = is_discovery_url(url)
        capture = await crawl.fetcher.fetch(
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
            self.failure = self.failure or FailureReason.ROBOTS_UNAVAILABLE
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
                        max_depth=crawl.options.max_depth, found_on=found_on)
        if outcome is Outcome.NEW and capture.body is not None:
            page, links = await crawl.workers.extract(
                capture.body, page_url, capture.headers, capture.fetched_at, scope)
        elif listing and (body := await self._listing_body(capture, outcome, known)) is not None:
            found = read_listing(body, page_url)
            # Children past the listings' budget could never be read: not even looked at.
            children = found.children[: self.budget.listings_room()]
            listed = tuple(children + found.pages)
            links = scope([e.url for e in listed])
            if any(e.lastmod for e in listed):
                self.lists_dates = True
        landed = page_url if page_url != url and scoped else None
        # robots.txt said no before anything was fetched: nothing to keep but the frontier row.
        unfetched = capture.error == FailureReason.DISALLOWED and capture.status is None
        recorded = await crawl.workers.store(self._record, Visit(
            site.name, url, outcome, None if unfetched else capture, page, (), landed,
            depth, listed, same_body=known is not None and capture.body is not None
            and capture.sha256 == known.sha256,
        ), links)
        crawl.reporter.page(site.name, url, recorded.outcome, capture.error)
        return capture
