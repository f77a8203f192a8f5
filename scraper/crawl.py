"""The crawl loop over a persistent frontier.

Every URL a crawl will visit is a row of the archive's `frontier` table before it is fetched, and
all that one visit writes (its capture, the extracted page, the links it found, the row marked
done) is committed in one transaction. So a crawl killed at any moment and started again picks up
the same crawl where it stopped: nothing is lost, nothing is stored twice.

The storage functions are injected (`store`: the `archive.store` module or anything with the same
functions); this module knows nothing of SQL. The CLI wires the two.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from .discover import discovery_urls, parse_feed, parse_sitemap
from .http import Fetcher
from .models import Capture, Page, Site, utc_now
from .progress import Reporter
from .urls import in_scope, normalize_url, site_aliases, trap_reason

Extract = Callable[..., Page]

# Exit statuses of `embassy-archive crawl` (DESIGN.md).
EXIT_OK = 0
EXIT_SITE_FAILED = 3


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 5000  # URLs per site in one crawl: the last guard against traps
    max_depth: int = 30  # link hops from a start URL
    workers_per_site: int = 2  # matches the politeness limit of two connections per host
    max_sites_at_once: int = 16
    discover: bool = True  # read robots.txt sitemaps, /sitemap.xml and the SPIP RSS feed


@dataclass
class CrawlResult:
    crawl_id: int
    resumed: bool
    counts: dict[str, int]
    failed_sites: dict[str, str] = field(default_factory=dict)

    @property
    def exit_status(self) -> int:
        return EXIT_SITE_FAILED if self.failed_sites else EXIT_OK

    def summary(self) -> str:
        c = Counter(self.counts)
        line = (
            f"crawl {self.crawl_id} {'resumed and ' if self.resumed else ''}finished: "
            f"{c['fetched']} fetched, {c['new']} new, {c['changed']} changed, "
            f"{c['unchanged']} unchanged, {c['documents']} documents, {c['gone']} gone, "
            f"{c['failed']} failed"
        )
        if self.failed_sites:
            line += "; could not crawl " + "; ".join(
                f"{name} ({why})" for name, why in sorted(self.failed_sites.items())
            )
        return line


def site_for_url(url: str) -> Site:
    """A site for a seed URL given on the command line: its host (with port) is its scope."""
    netloc = urlsplit(url).netloc.lower()
    # ml.ambafrance.org also answers as www.ambafrance-ml.org …: keep its aliases in scope.
    aliases = [] if ":" in netloc else site_aliases(netloc)[1:]
    return Site(name=netloc, hosts=(netloc, *aliases), start_urls=(url,))


class Crawl:
    """One crawl of some sites into one archive database."""

    def __init__(
        self,
        db: Any,
        store: Any,
        fetcher: Fetcher,
        extract: Extract,
        options: CrawlOptions = CrawlOptions(),
        reporter: Reporter | None = None,
    ) -> None:
        self.db = db
        self.store = store
        self.fetcher = fetcher
        self.extract = extract
        self.options = options
        self.reporter = reporter or Reporter()
        self.failed_sites: dict[str, str] = {}
        self.crawl_id = 0
        # URLs in each site's frontier for this crawl: counted once, then kept up to date here
        # (a count(*) per visited page grows with the site and made large crawls quadratic).
        self._frontier_sizes: dict[str, int] = {}

    async def run(self, sites: list[Site]) -> CrawlResult:
        resumed_id = self.store.interrupted_crawl(self.db)
        with self.db.conn:
            if resumed_id is None:
                self.crawl_id = self.store.start_crawl(self.db, [s.name for s in sites])
            else:
                self.crawl_id = resumed_id
            for site in sites:
                self.store.save_site(self.db, site)
        limit = asyncio.Semaphore(self.options.max_sites_at_once)

        async def one(site: Site) -> None:
            async with limit:
                await self._crawl_site(site)

        try:
            await asyncio.gather(*(one(s) for s in sites))
        finally:
            self.reporter.close()
        counts = self.store.crawl_counts(self.db, self.crawl_id)
        status = "failed" if self.failed_sites and len(self.failed_sites) == len(sites) else "done"
        with self.db.conn:
            self.store.finish_crawl(self.db, self.crawl_id, status, counts)
        return CrawlResult(self.crawl_id, resumed_id is not None, counts, self.failed_sites)

    # -- one site ---------------------------------------------------------------------------

    async def _seed(self, site: Site) -> None:
        seeds: list[tuple[str, int, str | None]] = []
        for url in site.start_urls:
            norm = normalize_url(url)
            if norm:
                seeds.append((norm, 0, None))
        if self.options.discover:
            found: list[str] = []
            for start in site.start_urls:
                found += discovery_urls(start) + await self.fetcher.robots_sitemaps(start)
            for url in found:
                norm = normalize_url(url)
                if norm and in_scope(norm, site.hosts):
                    seeds.append((norm, 0, "discovery"))
        # Every page known from earlier crawls is checked again (conditionally).
        seeds += [(u, 1, "archive") for u in self.store.known_urls(self.db, site.name)]
        with self.db.conn:
            self.store.frontier_add(self.db, self.crawl_id, site.name, seeds)

    async def _crawl_site(self, site: Site) -> None:
        await self._seed(site)
        size = self.store.frontier_size(self.db, self.crawl_id, site.name)
        self._frontier_sizes[site.name] = size
        self.reporter.site_started(site.name, size)
        starts = {normalize_url(u) for u in site.start_urls}
        in_flight: set[str] = set()
        tasks: set[asyncio.Task[None]] = set()
        answered = 0
        start_errors: list[str] = []

        async def visit(url: str, depth: int) -> None:
            nonlocal answered
            try:
                capture = await self._visit(site, url, depth)
            except Exception as exc:  # noqa: BLE001 - a bug on one page must not end the night's crawl
                capture = self._record_crash(site, url, exc)
            if capture is not None and capture.status is not None:
                answered += 1
            if url in starts and capture is not None and (
                capture.status is None or capture.status >= 500
            ):
                start_errors.append(capture.error or f"HTTP {capture.status}")

        while True:
            room = self.options.workers_per_site - len(tasks)
            if room > 0 and not self._site_aborted(site):
                batch = self.store.frontier_next(
                    self.db, self.crawl_id, site.name, room + len(in_flight)
                )
                for url, depth in batch:
                    if url in in_flight or len(tasks) >= self.options.workers_per_site:
                        continue
                    in_flight.add(url)
                    task = asyncio.create_task(visit(url, depth))
                    task.add_done_callback(partial(_forget, in_flight, url))
                    tasks.add(task)
            if not tasks:
                break
            done, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # only what visit() lets through: cancellation, KeyboardInterrupt
            if start_errors and answered == 0 and len(start_errors) >= len(starts):
                self.failed_sites[site.name] = start_errors[0]
        note = self.failed_sites.get(site.name)
        self.reporter.site_finished(site.name, f"could not be crawled: {note}" if note else None)

    def _record_crash(self, site: Site, url: str, exc: Exception) -> Capture:
        """Record a URL whose processing failed in the crawler itself, and go on."""
        error = f"crawler error: {type(exc).__name__}: {exc}"[:300]
        capture = Capture(url=url, fetched_at=utc_now(), error=error)
        with self.db.conn:
            self.store.save_capture(self.db, capture, self.crawl_id, "failed")
            self.store.frontier_done(self.db, self.crawl_id, url, "failed")
        self.reporter.page(site.name, url, "failed", error)
        return capture

    def _site_aborted(self, site: Site) -> bool:
        return site.name in self.failed_sites

    # -- one URL ----------------------------------------------------------------------------

    async def _visit(self, site: Site, url: str, depth: int) -> Capture | None:
        store, db = self.store, self.db
        if not await self.fetcher.robots_allowed(url):
            with db.conn:
                store.frontier_done(db, self.crawl_id, url, "skipped")
            self.reporter.page(site.name, url, "skipped")
            return None
        known = store.last_validators(db, url)
        capture = await self.fetcher.fetch(
            url,
            etag=known.get("etag") if known else None,
            last_modified=known.get("last_modified") if known else None,
        )
        if capture.error == "robots.txt unavailable":
            # A 5xx on robots.txt (or no answer at all): this host is not crawled now. The
            # attempt is recorded, and no further URL of the site is taken up.
            self.failed_sites.setdefault(site.name, "robots.txt unavailable")
        page_url = normalize_url(capture.final_url or url) or url
        if capture.final_url:
            # Stored as the crawl sees it, so `reextract` files the page at the same address.
            capture = replace(capture, final_url=page_url)
        page: Page | None = None
        links: list[str] = []
        outcome = "failed"
        if capture.status == 200 and not in_scope(page_url, site.hosts):
            outcome = "skipped"  # redirected off the site: not this site's page
        elif capture.status == 304:
            outcome = "not_modified"
        elif capture.status == 200 and capture.body is not None and capture.error is None:
            if is_discovery_url(url):
                links = _discovered_links(capture)
                outcome = "document"
            elif capture.is_html:
                if known and known.get("sha256") == capture.sha256:
                    outcome = "unchanged"
                else:
                    page = await asyncio.to_thread(
                        extract_capture, self.extract, capture.body, page_url, capture.headers
                    )
                    links = page.links
            else:
                outcome = "document"
        elif capture.status in (404, 410):
            outcome = "gone" if known else "failed"
        if is_discovery_url(url) and outcome in ("failed", "gone"):
            outcome = "skipped"  # a site without a sitemap or feed is not broken
        new_links = self._follow(site, page_url, links, depth) if links else []

        with db.conn:
            capture_id = store.save_capture(db, capture, self.crawl_id, outcome)
            if page is not None:
                outcome = store.save_extraction(db, page, capture_id, site.name, capture.fetched_at)
                store.set_outcome(db, capture_id, outcome)
            elif outcome in ("unchanged", "not_modified"):
                store.mark_seen(db, page_url, capture.fetched_at)
            elif outcome == "gone" and capture.status is not None:
                store.mark_gone(db, url, capture.status, capture.fetched_at)
            added = 0
            room = self.options.max_pages - self._frontier_sizes[site.name]
            if new_links and room > 0:
                added += store.frontier_add(db, self.crawl_id, site.name, new_links[:room])
            if page_url != url and in_scope(page_url, site.hosts):
                # A redirect landed on a page of the site: do not fetch it again in this crawl.
                added += store.frontier_add(db, self.crawl_id, site.name, [(page_url, depth, url)])
                store.frontier_done(db, self.crawl_id, page_url, "done")
            store.frontier_done(db, self.crawl_id, url, "failed" if outcome == "failed" else "done")
        self._frontier_sizes[site.name] += added  # only once the transaction is committed
        self.reporter.page(site.name, url, outcome, capture.error)
        return capture

    def _follow(
        self, site: Site, source: str, links: list[str], depth: int
    ) -> list[tuple[str, int, str | None]]:
        if depth + 1 > self.options.max_depth:
            return []
        # A calendar is entered, never walked: its first page linked from an ordinary page is
        # archived, the endless "next month" links from calendar pages are not followed.
        in_calendar = trap_reason(source) == "calendar"
        out: list[tuple[str, int, str | None]] = []
        for link in links:
            url = normalize_url(link)
            if not url or not in_scope(url, site.hosts):
                continue
            reason = trap_reason(url)
            if reason is None or (reason == "calendar" and not in_calendar):
                out.append((url, depth + 1, source))
        return out


def extract_capture(extract: Extract, body: bytes, url: str, headers: dict[str, str]) -> Page:
    """One page's extraction from a capture: the crawl and `reextract` both go through here,
    so the two always see a page the same way."""
    return extract(
        body,
        url,
        content_type=headers.get("content-type"),
        content_language=headers.get("content-language"),
    )



def _forget(in_flight: set[str], url: str, _task: object) -> None:
    in_flight.discard(url)


def is_discovery_url(url: str) -> bool:
    """Sitemaps and feeds: read for their links, never stored as pages.

    Told by the URL's shape, not by memory, so a resumed crawl knows them too.
    """
    parts = urlsplit(url)
    path = parts.path.lower()
    return (
        path.endswith((".xml", ".xml.gz"))
        or "sitemap" in path.rsplit("/", 1)[-1]
        or "page=backend" in parts.query
        or "page=sitemap" in parts.query
    )


def _discovered_links(capture: Capture) -> list[str]:
    body = capture.body or b""
    base = capture.final_url or capture.url
    head = body[:512].lstrip().lower()
    if b"<rss" in head or b"<feed" in head or b"<rdf" in head:
        return parse_feed(body, base)
    pages, sitemaps = parse_sitemap(body, base)
    return sitemaps + pages


async def crawl(
    db: Any,
    store: Any,
    sites: list[Site],
    fetcher: Fetcher,
    extract: Extract,
    options: CrawlOptions = CrawlOptions(),
    reporter: Reporter | None = None,
) -> CrawlResult:
    """Crawl `sites` into `db`, resuming this database's interrupted crawl if there is one."""
    return await Crawl(db, store, fetcher, extract, options, reporter).run(sites)


def run_crawl_sync(
    db: Any,
    store: Any,
    sites: list[Site],
    extract: Extract,
    *,
    politeness: Any = None,
    options: CrawlOptions = CrawlOptions(),
    reporter: Reporter | None = None,
    transport: Any = None,
) -> CrawlResult:
    """Run a whole crawl with its own Fetcher and event loop (what the CLI calls)."""
    from .http import Politeness

    seed_hosts = {h for s in sites for h in s.hosts} | {
        urlsplit(u).hostname or "" for s in sites for u in s.start_urls
    }

    async def main() -> CrawlResult:
        async with Fetcher(
            politeness or Politeness(), seed_hosts=seed_hosts, transport=transport
        ) as fetcher:
            return await crawl(db, store, sites, fetcher, extract, options, reporter)

    return asyncio.run(main())
