"""Reads and writes of the archive; `db` (a sqlite_utils.Database) is always the first argument.

Write functions never commit. They run plain SQL on `db.conn` (not sqlite-utils' table
methods, nor `db.execute`, which commit by themselves), so the crawl loop can wrap all the
writes for one URL in a single `with db.conn:` block: a crawl killed at any moment leaves all
or nothing of that URL's work.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from archive.search import normalise
from scraper.models import Capture, Page, Site, utc_now

COUNT_KEYS = ("fetched", "new", "changed", "unchanged", "failed", "documents", "gone", "skipped")
# captures.outcome -> the crawls column it counts towards
_OUTCOME_COUNT = {
    "new": "new",
    "changed": "changed",
    "unchanged": "unchanged",
    "not_modified": "unchanged",
    "document": "documents",
    "gone": "gone",
    "failed": "failed",
    "skipped": "skipped",
}



# --- sites and crawls -------------------------------------------------------------------


def save_site(db: Database, site: Site) -> None:
    db.conn.execute(
        "INSERT INTO sites(host, name, country, languages) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(host) DO UPDATE SET name = excluded.name, country = excluded.country, "
        "languages = excluded.languages",
        (site.hosts[0], site.name, site.country, json.dumps(list(site.languages))),
    )


def start_crawl(db: Database, sites: list[str]) -> int:
    cur = db.conn.execute(
        "INSERT INTO crawls(started_at, status, sites) VALUES (?, 'running', ?)",
        (utc_now(), json.dumps(list(sites), ensure_ascii=False)),
    )
    return int(cur.lastrowid or 0)


def interrupted_crawl(db: Database) -> int | None:
    row = db.conn.execute(
        "SELECT id FROM crawls WHERE status = 'running' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return int(row[0]) if row else None


def finish_crawl(db: Database, crawl_id: int, status: str, counts: dict[str, int]) -> None:
    values = [int(counts.get(key, 0)) for key in COUNT_KEYS]
    db.conn.execute(
        "UPDATE crawls SET status = ?, finished_at = ?, "
        + ", ".join(f"{key} = ?" for key in COUNT_KEYS)
        + " WHERE id = ?",
        (status, utc_now(), *values, crawl_id),
    )


def crawl_counts(db: Database, crawl_id: int) -> dict[str, int]:
    """Counts of a crawl recomputed from its captures; `fetched` is every attempt not skipped."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    rows = db.conn.execute(
        "SELECT outcome, count(*) FROM captures WHERE crawl_id = ? GROUP BY outcome", (crawl_id,)
    )
    for outcome, n in rows:
        key = _OUTCOME_COUNT.get(outcome or "")
        if key:
            counts[key] += n
        if outcome != "skipped":
            counts["fetched"] += n
    return counts


# --- frontier ---------------------------------------------------------------------------


def frontier_add(
    db: Database, crawl_id: int, site: str, urls: Iterable[tuple[str, int, str | None]]
) -> int:
    added = 0
    for url, depth, found_on in urls:
        cur = db.conn.execute(
            "INSERT OR IGNORE INTO frontier(crawl_id, url, site, depth, found_on, state) "
            "VALUES (?, ?, ?, ?, ?, 'queued')",
            (crawl_id, url, site, depth, found_on),
        )
        added += cur.rowcount
    return added


def frontier_next(db: Database, crawl_id: int, site: str, limit: int) -> list[tuple[str, int]]:
    # rowid order is insertion order: first in, first out, so the crawl goes breadth first.
    rows = db.conn.execute(
        "SELECT url, depth FROM frontier WHERE crawl_id = ? AND site = ? AND state = 'queued' "
        "ORDER BY rowid LIMIT ?",
        (crawl_id, site, limit),
    )
    return [(url, int(depth)) for url, depth in rows]


def frontier_done(db: Database, crawl_id: int, url: str, state: str) -> None:
    db.conn.execute(
        "UPDATE frontier SET state = ? WHERE crawl_id = ? AND url = ?", (state, crawl_id, url)
    )


def frontier_size(db: Database, crawl_id: int, site: str) -> int:
    row = db.conn.execute(
        "SELECT count(*) FROM frontier WHERE crawl_id = ? AND site = ?", (crawl_id, site)
    ).fetchone()
    return int(row[0])


def known_urls(db: Database, site: str) -> list[str]:
    """Every URL of that site that was ever captured with an answer (the re-check list)."""
    rows = db.conn.execute(
        "SELECT DISTINCT c.url FROM captures c JOIN frontier f "
        "ON f.crawl_id = c.crawl_id AND f.url = c.url "
        "WHERE f.site = ? AND c.status IS NOT NULL "
        "UNION SELECT url FROM pages WHERE site = ? ORDER BY 1",
        (site, site),
    )
    return [row[0] for row in rows]


# --- captures ---------------------------------------------------------------------------


def last_validators(db: Database, url: str) -> dict[str, Any] | None:
    row = db.conn.execute(
        "SELECT etag, last_modified, sha256 FROM captures WHERE url = ? AND status = 200 "
        "ORDER BY fetched_at DESC, id DESC LIMIT 1",
        (url,),
    ).fetchone()
    if row is None:
        return None
    return {"etag": row[0], "last_modified": row[1], "sha256": row[2]}


def save_capture(
    db: Database, capture: Capture, crawl_id: int | None, outcome: str | None = None
) -> int:
    sha = capture.sha256
    if capture.body is not None and not db.conn.execute(
        "SELECT 1 FROM bodies WHERE sha256 = ?", (sha,)
    ).fetchone():
        # Stored (and compressed) once per sha256: an unchanged page refetched costs one
        # captures row only.
        db.conn.execute(
            "INSERT INTO bodies(sha256, size, compressed) VALUES (?, ?, ?)",
            (sha, len(capture.body), zlib.compress(capture.body, 6)),
        )
    cur = db.conn.execute(
        "INSERT INTO captures(url, crawl_id, fetched_at, status, error, content_type, size, "
        "sha256, etag, last_modified, final_url, elapsed_ms, outcome, headers) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            capture.url,
            crawl_id,
            capture.fetched_at,
            capture.status,
            capture.error,
            capture.content_type,
            len(capture.body) if capture.body is not None else None,
            sha,
            capture.etag,
            capture.last_modified,
            capture.final_url,
            capture.elapsed_ms,
            outcome,
            json.dumps(dict(capture.headers), ensure_ascii=False),
        ),
    )
    return int(cur.lastrowid or 0)


def set_outcome(db: Database, capture_id: int, outcome: str) -> None:
    db.conn.execute("UPDATE captures SET outcome = ? WHERE id = ?", (outcome, capture_id))


def capture_body(db: Database, sha256: str) -> bytes | None:
    row = db.conn.execute("SELECT compressed FROM bodies WHERE sha256 = ?", (sha256,)).fetchone()
    return zlib.decompress(row[0]) if row else None


# --- pages and history ------------------------------------------------------------------


def _content(page: Page) -> dict[str, Any]:
    """What a researcher reads of a page: a change in any of it is a new version."""
    return {
        "title": page.title,
        "text": page.text,
        "published": page.published.isoformat() if page.published else None,
        "modified": page.modified.isoformat() if page.modified else None,
        "breadcrumb": list(page.breadcrumb),
        "sections": [s.to_dict() for s in page.sections],
        "language": page.language,
    }


def _digest(content: dict[str, Any]) -> str:
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def save_extraction(db: Database, page: Page, capture_id: int, site: str, captured_at: str) -> str:
    """Write a page's extraction; returns 'new' | 'changed' | 'unchanged'."""
    conn = db.conn
    content = _content(page)
    digest = _digest(content)
    old = conn.execute(
        "SELECT rowid, title, text FROM pages WHERE url = ?", (page.url,)
    ).fetchone()
    latest = conn.execute(
        "SELECT version, content_sha256 FROM page_versions WHERE url = ? "
        "ORDER BY version DESC LIMIT 1",
        (page.url,),
    ).fetchone()
    if old is None:
        result = "new"
    elif latest is None or latest[1] != digest:
        result = "changed"
    else:
        result = "unchanged"
    differs = result != "unchanged"
    breadcrumb = json.dumps(content["breadcrumb"], ensure_ascii=False)
    conn.execute(
        "INSERT INTO pages(url, site, language, title, breadcrumb, published, published_year, "
        "modified, text, first_seen, last_seen, last_changed, extractor, language_declared, "
        "language_detected, gone_at, gone_status, capture_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?) "
        "ON CONFLICT(url) DO UPDATE SET site = excluded.site, language = excluded.language, "
        "title = excluded.title, breadcrumb = excluded.breadcrumb, "
        "published = excluded.published, published_year = excluded.published_year, "
        "modified = excluded.modified, text = excluded.text, last_seen = excluded.last_seen, "
        "last_changed = CASE WHEN ? THEN excluded.last_changed ELSE pages.last_changed END, "
        "extractor = excluded.extractor, language_declared = excluded.language_declared, "
        "language_detected = excluded.language_detected, gone_at = NULL, gone_status = NULL, "
        "capture_id = excluded.capture_id",
        (
            page.url,
            site,
            page.language,
            page.title,
            breadcrumb,
            content["published"],
            page.published.year if page.published else None,
            content["modified"],
            page.text,
            captured_at,
            captured_at,
            captured_at,
            page.extractor,
            page.language_declared,
            page.language_detected,
            capture_id,
            differs,
        ),
    )
    if old is None or (old[1], old[2]) != (page.title, page.text):
        rowid = conn.execute("SELECT rowid FROM pages WHERE url = ?", (page.url,)).fetchone()[0]
        if old is not None:
            conn.execute(
                "INSERT INTO pages_fts(pages_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                (old[0], normalise(old[1]), normalise(old[2])),
            )
        conn.execute(
            "INSERT INTO pages_fts(rowid, title, text) VALUES (?, ?, ?)",
            (rowid, normalise(page.title), normalise(page.text)),
        )
    if differs:
        _replace_sections(db, page)
        version = (latest[0] + 1) if latest else 1
        conn.execute(
            "INSERT INTO page_versions(url, version, captured_at, capture_id, title, text, "
            "published, modified, breadcrumb, sections, language, content_sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                page.url,
                version,
                captured_at,
                capture_id,
                page.title,
                page.text,
                content["published"],
                content["modified"],
                breadcrumb,
                json.dumps(content["sections"], ensure_ascii=False),
                page.language,
                digest,
            ),
        )
    conn.execute("DELETE FROM translations WHERE page_url = ?", (page.url,))
    for language, url in sorted(page.translations.items()):
        conn.execute(
            "INSERT OR REPLACE INTO translations(page_url, language, url) VALUES (?, ?, ?)",
            (page.url, language, url),
        )
    return result


def _replace_sections(db: Database, page: Page) -> None:
    conn = db.conn
    old = conn.execute(
        "SELECT rowid, heading, text FROM sections WHERE page_url = ?", (page.url,)
    ).fetchall()
    for rowid, heading, text in old:
        conn.execute(
            "INSERT INTO sections_fts(sections_fts, rowid, heading, text) "
            "VALUES ('delete', ?, ?, ?)",
            (rowid, normalise(heading), normalise(text)),
        )
    conn.execute("DELETE FROM sections WHERE page_url = ?", (page.url,))
    for position, section in enumerate(page.sections, start=1):
        cur = conn.execute(
            "INSERT INTO sections(page_url, position, heading, level, text) VALUES (?, ?, ?, ?, ?)",
            (page.url, position, section.heading, section.level, section.text),
        )
        conn.execute(
            "INSERT INTO sections_fts(rowid, heading, text) VALUES (?, ?, ?)",
            (cur.lastrowid, normalise(section.heading), normalise(section.text)),
        )


def mark_seen(db: Database, url: str, when: str) -> None:
    db.conn.execute(
        "UPDATE pages SET last_seen = ?, gone_at = NULL, gone_status = NULL WHERE url = ?",
        (when, url),
    )


def mark_gone(db: Database, url: str, status: int, when: str) -> None:
    # The first time it was found gone is kept; the page itself never is deleted.
    db.conn.execute(
        "UPDATE pages SET gone_at = ?, gone_status = ? WHERE url = ? AND gone_at IS NULL",
        (when, status, url),
    )


# --- re-extraction ----------------------------------------------------------------------
