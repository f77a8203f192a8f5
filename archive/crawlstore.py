"""`SqliteCrawlStore`: the archive as the crawl sees it (scraper.store_protocol.CrawlStore).

It holds the sqlite_utils Database and owns the transactions: each method that writes commits
what it wrote, and `record_visit` writes everything one visited URL brings (its capture, the
extracted page, the links it found, its frontier row marked visited) in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from archive import frontier, store
from scraper.models import Site
from scraper.outcomes import Outcome
from scraper.store_protocol import KnownURL, QueuedURL, Recorded, Validators, Visit


class SqliteCrawlStore:
    """The crawl's store over one archive database (its schema already applied)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def open_crawl(self, sites: Sequence[Site]) -> tuple[int, bool]:
        """Resume the interrupted crawl, or start one; save the sites. -> (crawl id, resumed)."""
        with self.db.conn:
            resumed = frontier.interrupted_crawl(self.db)
            crawl_id = resumed if resumed is not None else frontier.start_crawl(
                self.db, [s.name for s in sites]
            )
            for site in sites:
                frontier.save_site(self.db, site)
        return crawl_id, resumed is not None

    def finish_crawl(self, crawl_id: int, status: str) -> dict[str, int]:
        """Close the crawl with its counts (returned)."""
        with self.db.conn:
            counts = frontier.crawl_counts(self.db, crawl_id)
            frontier.finish_crawl(self.db, crawl_id, status, counts)
        return counts

    def queue(self, crawl_id: int, site: str, urls: Sequence[QueuedURL]) -> int:
        """Add URLs to the site's frontier (ignoring those already in it); -> how many added."""
        with self.db.conn:
            return frontier.frontier_add(self.db, crawl_id, site, urls)

    def next_urls(self, crawl_id: int, site: str, limit: int) -> list[tuple[str, int]]:
        """Up to `limit` queued (url, depth) of the site, first in first out."""
        return frontier.frontier_next(self.db, crawl_id, site, limit)

    def frontier_size(self, crawl_id: int, site: str) -> int:
        """URLs in the site's frontier for this crawl, visited or not."""
        return frontier.frontier_size(self.db, crawl_id, site)

    def known(self, site: str) -> list[KnownURL]:
        """Every URL of the site the archive has an answer for (the re-check candidates)."""
        return [KnownURL(url, None) for url in frontier.known_urls(self.db, site)]

    def validators(self, url: str) -> Validators | None:
        """The URL's last full answer's validators, None for a URL never answered 200."""
        known = frontier.last_validators(self.db, url)
        if known is None:
            return None
        return Validators(known["etag"], known["last_modified"], known["sha256"])

    def record_visit(self, crawl_id: int, visit: Visit) -> Recorded:
        """Record one visited URL, atomically: all of it, or (killed) none of it."""
        db = self.db
        outcome = visit.outcome
        added = 0
        with db.conn:
            capture = visit.capture
            if capture is not None:
                capture_id = store.save_capture(db, capture, crawl_id, outcome)
                if visit.page is not None:
                    outcome = Outcome(store.save_extraction(
                        db, visit.page, capture_id, visit.site, capture.fetched_at
                    ))
                    store.set_outcome(db, capture_id, outcome)
                elif outcome in (Outcome.UNCHANGED, Outcome.NOT_MODIFIED):
                    frontier.mark_seen(db, visit.landed_on or visit.url, capture.fetched_at)
                elif outcome is Outcome.GONE and capture.status is not None:
                    frontier.mark_gone(db, visit.url, capture.status, capture.fetched_at)
            if visit.links:
                added += frontier.frontier_add(db, crawl_id, visit.site, visit.links)
            if visit.landed_on:
                # A redirect landed on a page of the site: not to be fetched again tonight.
                added += frontier.frontier_add(
                    db, crawl_id, visit.site, [(visit.landed_on, visit.landed_depth, visit.url)]
                )
                frontier.frontier_done(db, crawl_id, visit.landed_on, "done")
            state = "failed" if visit.outcome is Outcome.FAILED else "done"
            if capture is None:
                state = "skipped"  # nothing was fetched
            frontier.frontier_done(db, crawl_id, visit.url, state)
        return Recorded(outcome, added)
