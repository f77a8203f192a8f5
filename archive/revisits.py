"""`revisits`: one small row per URL the crawl knows, so that a night's recrawl can choose what
to re-check, and an unchanged check costs an update in place instead of a new row.

A row says when the URL was last checked with an answer, how often it was checked and how often
it changed, and what its site's sitemap or feed says of it (`listed_lastmod`) now and when we
last checked it (`checked_lastmod`). Functions take `db` first and never commit (the caller,
`archive.crawlstore.SqliteCrawlStore`, owns the transaction).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlite_utils import Database

from scraper.store_protocol import KnownURL, Listed

_COLUMNS = "url, last_checked, listed_lastmod, checked_lastmod, checks, changes"


def _known(row: Sequence[object]) -> KnownURL:
    url, last_checked, listed, checked, checks, changes, *unlisted = row
    return KnownURL(str(url), _text(last_checked), _text(listed), _text(checked),
                    int(str(checks)), int(str(changes)), bool(unlisted and unlisted[0]))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def known(db: Database, site: str) -> list[KnownURL]:
    """Every URL of `site` checked at least once, in URL order."""
    # `unlisted`: the listing that named it was read again by a later crawl, which did not name
    # it (listed_in is cleared once the URL is checked after that: see record_check).
    rows = db.conn.execute(
        f"SELECT {_COLUMNS}, r.listed_in < (SELECT l.parsed_in FROM revisits l "
        "WHERE l.url = r.listed_by) FROM revisits r "
        "WHERE r.site = ? AND r.last_checked IS NOT NULL ORDER BY r.url",
        (site,),
    )
    return [_known(r) for r in rows]


def unqueued(db: Database, crawl_id: int, urls: Iterable[str]) -> dict[str, KnownURL | None]:
    """Those of `urls` not yet in crawl `crawl_id`'s frontier, in their order, each with what
    is known of it (None: never checked); one query, the URLs passed as one JSON array."""
    columns = ", ".join(f"r.{c.strip()}" for c in _COLUMNS.split(","))
    rows = db.conn.execute(
        f"SELECT j.value, {columns} FROM json_each(?) j "
        "LEFT JOIN revisits r ON r.url = j.value AND r.last_checked IS NOT NULL "
        "WHERE NOT EXISTS (SELECT 1 FROM frontier f WHERE f.crawl_id = ? AND f.url = j.value) "
        "ORDER BY j.key",
        (json.dumps(list(dict.fromkeys(urls))), crawl_id),
    )
    return {url: None if known[0] is None else _known(known) for url, *known in rows}


def site_lists_dates(db: Database, site: str) -> bool:
    """Does the site's sitemap or feed give dates (so that lastmod may decide re-checks)?"""
    row = db.conn.execute(
        "SELECT 1 FROM revisits WHERE site = ? AND listed_lastmod IS NOT NULL LIMIT 1", (site,)
    ).fetchone()
    return row is not None


def record_listed(
    db: Database, site: str, listing: str, entries: Iterable[Listed], crawl_id: int
) -> None:
    """Remember that crawl `crawl_id` read `listing` whole and found each URL in it, with the
    latest change date a sitemap or feed gives it.

    The latest date wins: a feed's publication date must not undo the sitemap's later lastmod
    (nor flip with it every night). Rows are rewritten in place, never grown.
    """
    db.conn.execute(
        "INSERT INTO revisits(url, site, parsed_in) VALUES (?, ?, ?) "
        "ON CONFLICT(url) DO UPDATE SET parsed_in = excluded.parsed_in",
        (listing, site, crawl_id),
    )
    db.conn.executemany(
        "INSERT INTO revisits(url, site, listed_lastmod, listed_in, listed_by) "
        "VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(url) DO UPDATE SET listed_in = excluded.listed_in, "
        "listed_by = excluded.listed_by, "
        "listed_lastmod = CASE WHEN listed_lastmod IS NULL "
        "OR listed_lastmod < excluded.listed_lastmod THEN excluded.listed_lastmod "
        "ELSE listed_lastmod END",
        [(e.url, site, e.lastmod, crawl_id, listing) for e in entries],
    )


def record_check(
    db: Database, site: str, url: str, when: str, changed: bool, crawl_id: int
) -> None:
    """A fetch of `url` got an answer at `when` in crawl `crawl_id`: checked now, as its
    listing says now. A listing older than this crawl is forgotten (a URL taken off the
    sitemap is re-checked once, not every night; a listing tonight sets it again)."""
    db.conn.execute(
        "INSERT INTO revisits(url, site, last_checked, checks, changes) VALUES (?, ?, ?, 1, ?) "
        "ON CONFLICT(url) DO UPDATE SET last_checked = excluded.last_checked, "
        "checks = checks + 1, changes = changes + excluded.changes, "
        "checked_lastmod = listed_lastmod, "
        "listed_in = CASE WHEN listed_in < ? THEN NULL ELSE listed_in END",
        (url, site, when, int(changed), crawl_id),
    )


def set_skipped_by_lastmod(db: Database, crawl_id: int, count: int) -> None:
    """Record on the crawl's row how many known URLs it spared."""
    db.conn.execute("UPDATE crawls SET skipped_by_lastmod = ? WHERE id = ?", (count, crawl_id))


def skipped_by_lastmod(db: Database, crawl_id: int) -> int:
    """Known URLs of the crawl's sites that this crawl did not re-check (its frontier, not yet
    pruned, never held them): what the sitemaps' dates and the re-check policy spared."""
    row = db.conn.execute(
        "SELECT count(*) FROM revisits r WHERE r.last_checked IS NOT NULL "
        "AND r.site IN (SELECT value FROM crawls, json_each(crawls.sites) WHERE crawls.id = ?) "
        "AND NOT EXISTS (SELECT 1 FROM frontier f WHERE f.crawl_id = ? AND f.url = r.url)",
        (crawl_id, crawl_id),
    ).fetchone()
    return int(row[0])
