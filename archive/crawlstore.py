"""`SqliteCrawlStore`: the archive as the crawl sees it (scraper.store_protocol.CrawlStore).

It holds the sqlite_utils Database and owns the transactions: each method that writes commits
what it wrote, and `record_visit` writes everything one visited URL brings (its capture, the
extracted page, the links it found, its frontier row marked visited, its `revisits` row) in
one transaction. A visit that brought nothing new (a 304, a body the archive already has) is
recorded without a capture row: an update of the page's last-seen time and of its `revisits`
row, and its outcome as its frontier row's state until the crawl ends.

The crawl makes its store calls on a writer thread of its own (scraper/workers.py), one
at a time: for that the store opens its own connection to the archive file, set up as
`ensure_schema` sets up every connection (`thread_safe`). An archive in memory, or one whose
schema is not the latest (a test's older database), is used through the caller's connection,
on the caller's thread.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Sequence
from typing import Self

from sqlite_utils import Database

from archive import frontier, revisits, schema, store
from archive.checkpointer import Checkpointer
from scraper.models import Site
from scraper.outcomes import UNCHANGED_OUTCOMES, Outcome
from scraper.store_protocol import KnownURL, NextURL, QueuedURL, Recorded, Validators, Visit


class SqliteCrawlStore:
    """The crawl's store over one archive database (its schema already applied)."""

    def __init__(self, db: Database) -> None:
        own = _own_connection(db)
        self.thread_safe = own is not None  # may be called from one other thread at a time
        self._own = own
        self.db = db = own or db
        # One commit per visited URL: with the default (FULL) each one waited for an fsync,
        # 3 ms of the event loop's time per page. In WAL mode NORMAL keeps every commit
        # through a killed process (kill -9 loses nothing committed) and the file sound
        # through a power cut, which may only roll back the last few visits: the crawl's
        # resume re-fetches those.
        db.conn.execute("PRAGMA synchronous=NORMAL")
        # The WAL copied into the file on a thread of its own, off the writer's commits;
        # stopped by `close`, or when the store is dropped unclosed.
        self._checkpointer: Checkpointer | None = None
        if own is not None:
            self._checkpointer = Checkpointer(_path(db))
            weakref.finalize(self, self._checkpointer.close)

    def close(self) -> None:
        """Close the store's own connection, if it opened one: its last commit is then in the
        archive file itself (SQLite checkpoints the WAL when the last connection closes), so a
        copy of the file right after a crawl holds the whole crawl."""
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None
        if self._own is not None:
            self._own.close()
            self._own = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def open_crawl(self, sites: Sequence[Site]) -> tuple[int, bool]:
        """Resume the unfinished crawl of exactly these sites, or start one; save the sites.
        -> (crawl id, resumed). Called with the crawl lock held: a crawl still marked running
        was killed, and is marked interrupted first."""
        names = [s.name for s in sites]
        with self.db.conn:
            frontier.mark_killed(self.db)
            resumed = frontier.resumable_crawl(self.db, names)
            if resumed is not None:
                frontier.resume_crawl(self.db, resumed)
            crawl_id = resumed if resumed is not None else frontier.start_crawl(self.db, names)
            for site in sites:
                frontier.save_site(self.db, site)
        return crawl_id, resumed is not None

    def waiting_crawls(self, sites: Sequence[Site]) -> list[tuple[int, list[str]]]:
        """(id, site names) of the unfinished crawls of other sites: this crawl leaves them
        waiting, frontier and all, for a crawl of their own sites."""
        return frontier.waiting_crawls(self.db, [s.name for s in sites])

    def finish_crawl(self, crawl_id: int, status: str) -> dict[str, int]:
        """Close the crawl with its counts (returned), and prune its frontier."""
        db = self.db
        with db.conn:
            counts = frontier.crawl_counts(db, crawl_id)
            counts["skipped_by_lastmod"] = revisits.skipped_by_lastmod(db, crawl_id)
            frontier.finish_crawl(db, crawl_id, status, counts)
            revisits.set_skipped_by_lastmod(db, crawl_id, counts["skipped_by_lastmod"])
            frontier.prune_frontier(db, crawl_id)
        return counts

    def interrupt_crawl(self, crawl_id: int) -> dict[str, int]:
        """Leave the crawl interrupted, its frontier whole, with its counts so far (returned):
        the next crawl of the same sites resumes it."""
        with self.db.conn:
            counts = frontier.crawl_counts(self.db, crawl_id)
            frontier.interrupt_crawl(self.db, crawl_id, counts)
        return counts

    def queue(self, crawl_id: int, site: str, urls: Sequence[QueuedURL]) -> int:
        """Add URLs to the site's frontier (ignoring those already in it); -> how many added."""
        with self.db.conn:
            return frontier.frontier_add(self.db, crawl_id, site, urls)

    def next_urls(self, crawl_id: int, site: str, limit: int) -> list[NextURL]:
        """Up to `limit` queued URLs of the site, first in first out, each with its
        validators: read in the same step, so a visit takes one turn on the writer before
        its fetch, not two."""
        return [NextURL(url, depth, found_on, self._validators(url))
                for url, depth, found_on in frontier.frontier_queued(self.db, crawl_id, site,
                                                                     limit)]

    def frontier_size(self, crawl_id: int, site: str) -> int:
        """URLs in the site's frontier for this crawl, visited or not."""
        return frontier.frontier_size(self.db, crawl_id, site)

    def frontier_urls(self, crawl_id: int, site: str) -> list[str]:
        """Every URL in the site's frontier for this crawl, visited or not (the crawl counts
        its sitemaps and feeds apart from its pages)."""
        rows = self.db.conn.execute(
            "SELECT url FROM frontier WHERE crawl_id = ? AND site = ?", (crawl_id, site)
        )
        return [row[0] for row in rows]

    def known(self, site: str) -> list[KnownURL]:
        """Every URL of the site checked before (the re-check candidates)."""
        return revisits.known(self.db, site)

    def unqueued(self, crawl_id: int, urls: Sequence[str]) -> dict[str, KnownURL | None]:
        """Those of `urls` not yet in this crawl's frontier, each with what is known of it
        (None: never checked). Most links of a page lead where the crawl has been: they are
        left out here, in SQL, not looked up and weighed one by one on the event loop."""
        return revisits.unqueued(self.db, crawl_id, urls)

    def site_lists_dates(self, site: str) -> bool:
        """Does the site's sitemap or feed give dates (so lastmod may decide re-checks)?"""
        return revisits.site_lists_dates(self.db, site)

    def _validators(self, url: str) -> Validators | None:
        """The URL's last full answer's validators, None for a URL never answered 200."""
        known = frontier.last_validators(self.db, url)
        if known is None:
            return None
        return Validators(known["etag"], known["last_modified"], known["sha256"])

    def body(self, sha256: str) -> bytes | None:
        """A body the archive keeps, decompressed (None when it holds no such body)."""
        return store.capture_body(self.db, sha256)

    def record_visit(self, crawl_id: int, visit: Visit) -> Recorded:
        """Record one visited URL, atomically: all of it, or (killed) none of it."""
        db = self.db
        with db.conn:
            outcome, state = self._record_fetch(crawl_id, visit)
            if visit.listed:
                revisits.record_listed(db, visit.site, visit.url, visit.listed, crawl_id)
            added = frontier.frontier_add(db, crawl_id, visit.site, visit.links)
            if visit.landed_on:
                # A redirect landed on a page of the site: not to be fetched again tonight.
                added += frontier.frontier_add(
                    db, crawl_id, visit.site, [(visit.landed_on, visit.landed_depth, visit.url)]
                )
                frontier.frontier_done(db, crawl_id, visit.landed_on, "done")
            frontier.frontier_done(db, crawl_id, visit.url, state)
        return Recorded(outcome, added)

    def _record_fetch(self, crawl_id: int, visit: Visit) -> tuple[Outcome, str]:
        """The capture's part of a visit: -> (final outcome, the frontier state to leave)."""
        db, capture, outcome = self.db, visit.capture, visit.outcome
        if capture is None:
            return outcome, "skipped"  # nothing was fetched
        compact = outcome is Outcome.NOT_MODIFIED or (
            visit.same_body and outcome in (Outcome.UNCHANGED, Outcome.DOCUMENT)
        )
        state = outcome.value if compact else ("failed" if outcome is Outcome.FAILED else "done")
        if not compact:
            capture_id = store.save_capture(db, capture, crawl_id, outcome)
            if visit.page is not None:
                outcome = Outcome(store.save_extraction(
                    db, visit.page, capture_id, visit.site, capture.fetched_at
                ))
                store.set_outcome(db, capture_id, outcome)
        if outcome in UNCHANGED_OUTCOMES:
            frontier.mark_seen(db, visit.landed_on or visit.url, capture.fetched_at)
        elif outcome is Outcome.GONE and capture.status is not None:
            frontier.mark_gone(db, visit.url, capture.status, capture.fetched_at)
        if capture.status is not None:
            revisits.record_check(db, visit.site, visit.url, capture.fetched_at,
                                  changed=outcome is Outcome.CHANGED, crawl_id=crawl_id)
        return outcome, state


def _path(db: Database) -> str:
    """The file of `db`'s main database ("" in memory)."""
    return next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")


def _own_connection(db: Database) -> Database | None:
    """A second connection to `db`'s file that any one thread may use, configured as the
    caller's (functions, pragmas); None for an archive in memory or of an older schema."""
    path = _path(db)
    if not path or schema.schema_version(db) != schema.LATEST:
        return None
    own = Database(sqlite3.connect(path, check_same_thread=False))
    schema.ensure_schema(own)  # at LATEST: no migration, only each connection's set-up
    return own

