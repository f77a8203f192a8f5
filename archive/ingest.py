"""Captures that come from elsewhere (a WARC file, a web archive) stored like crawled ones.

`save_foreign_capture` is the one door for both `import-warc` and `backfill`: the capture is
stored with `store.save_capture`, marked with its source, and an HTML page is extracted with the
crawl's own extraction and saved with `store.save_extraction`. `BackfillQueue` keeps the
backfill's progress in `backfill_items`, so a backfill killed at any moment resumes where it
stopped and stores nothing twice: a capture and its item's `done` are one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlite_utils import Database

from archive.frontier import last_validators
from archive.store import save_capture, save_extraction, set_outcome
from scraper.classify import classify  # the crawl's own rule: one outcome per capture
from scraper.models import Capture, CaptureExtractor, Site
from scraper.outcomes import Outcome
from scraper.store_protocol import Validators

Extract = CaptureExtractor


def save_foreign_capture(
    db: Database, capture: Capture, site: str, source: str, extract: Extract
) -> tuple[int, str] | None:
    """Store a capture from `source` ('warc:<file>', 'wayback') and extract it if it is a page.

    Returns (capture id, outcome) — outcome 'new' | 'changed' | 'unchanged' for a page,
    'document', 'gone', 'redirect' or 'failed' otherwise — or None when the archive already
    holds this capture (same URL, date and body). Never commits.
    """
    # A crawled capture that was redirected is filed (and exported) under where it ended.
    if db.conn.execute(
        "SELECT 1 FROM captures WHERE fetched_at = ? AND sha256 IS ? AND (url = ? OR final_url = ?)",
        (capture.fetched_at, capture.sha256, capture.url, capture.url),
    ).fetchone():
        return None
    body = capture.body
    known = last_validators(db, capture.url)
    outcome: str = classify(capture, Validators(**known) if known else None,
                            is_listing=False, in_scope=True)
    # Every HTML page is extracted, an unchanged one too: an older capture of the same
    # content may start its version earlier (archive.store.save_extraction).
    html = outcome in (Outcome.NEW, Outcome.UNCHANGED)
    capture_id = save_capture(db, capture, None, outcome)
    # Before the extraction: the version row takes its capture's source when it is written.
    db.conn.execute("UPDATE captures SET source = ? WHERE id = ?", (source, capture_id))
    if html and body is not None:
        try:
            # A redirected fetch's page is the address it ended at, as the crawl files it.
            page_url = capture.final_url or capture.url
            page = extract(body, page_url, dict(capture.headers), capture.fetched_at)
        except Exception:  # noqa: BLE001 - one bad capture must not stop the rest
            outcome = Outcome.FAILED
        else:
            outcome = save_extraction(db, page, capture_id, site, capture.fetched_at)
        set_outcome(db, capture_id, outcome)
    return capture_id, outcome


def remember_site(db: Database, site: Site) -> None:
    """Add a site the user named to `sites` (a site already there is left as the crawl wrote
    it), so that the next import or backfill covers it without being told again."""
    db.conn.execute(
        "INSERT OR IGNORE INTO sites(name, host, hosts, country, languages) "
        "VALUES (?, ?, ?, ?, ?)",
        (site.name, site.hosts[0], json.dumps(list(site.hosts)), site.country,
         json.dumps(list(site.languages))),
    )


class Listed(Protocol):
    """A capture as a CDX server lists it (scraper.cdx.CdxRow)."""

    @property
    def timestamp(self) -> str: ...
    @property
    def original(self) -> str: ...
    @property
    def digest(self) -> str: ...


@dataclass(frozen=True)
class Item:
    """One capture a CDX server listed, to fetch: the page URL, its 14-digit timestamp."""

    url: str
    timestamp: str
    site: str
    original: str  # the URL as the web archive spells it (used to fetch it back)
    digest: str | None = None


class BackfillQueue:
    """The backfill's persistent to-do list in `backfill_items`; every method commits."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def known_pages(self, site: str) -> list[str]:
        """The site's pages already in the archive: the URLs whose history is asked for."""
        rows = self.db.conn.execute("SELECT url FROM pages WHERE site = ? ORDER BY url", (site,))
        return [row[0] for row in rows]

    def plan(self, site: str, rows: Iterable[tuple[str, Listed]]) -> int:
        """Queue (page URL, CDX row) captures not queued before; returns how many are new."""
        added = 0
        with self.db.conn:
            for url, row in rows:
                cur = self.db.conn.execute(
                    "INSERT OR IGNORE INTO backfill_items(url, timestamp, site, original, digest) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (url, row.timestamp, site, row.original, row.digest or None),
                )
                added += cur.rowcount
        return added

    def queued(self, site: str, limit: int | None = None) -> list[Item]:
        """The site's captures still to fetch, oldest page URL first, each page in date order."""
        rows = self.db.conn.execute(
            "SELECT url, timestamp, site, original, digest FROM backfill_items "
            "WHERE site = ? AND state = 'queued' ORDER BY url, timestamp LIMIT ?",
            (site, -1 if limit is None else limit),
        ).fetchall()
        return [Item(*row) for row in rows]

    def save(self, item: Item, capture: Capture, extract: Extract) -> str | None:
        """Store a fetched capture and mark its item done, in one transaction."""
        with self.db.conn:
            saved = save_foreign_capture(self.db, capture, item.site, "wayback", extract)
            self.db.conn.execute(
                "UPDATE backfill_items SET state = 'done', capture_id = ? "
                "WHERE url = ? AND timestamp = ?",
                (saved[0] if saved else None, item.url, item.timestamp),
            )
        return saved[1] if saved else None

    def failed(self, item: Item) -> None:
        """The web archive has no usable answer for this capture: do not ask again."""
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE backfill_items SET state = 'failed' WHERE url = ? AND timestamp = ?",
                (item.url, item.timestamp),
            )
