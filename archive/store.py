"""Reads and writes of the archive's captures and pages; `db` is always the first argument.

Write functions never commit. They run plain SQL on `db.conn` (not sqlite-utils' table
methods, nor `db.execute`, which commit by themselves), so the crawl loop can wrap all the
writes for one URL in a single `with db.conn:` block: a crawl killed at any moment leaves all
or nothing of that URL's work. The crawl's own bookkeeping (sites, crawls, frontier,
validators, seen and gone) lives in `archive.frontier`.

Storage is compact (archive.compact): bodies in zstd with a dictionary per host, a page's
text stored once in `pages`, zstd-compressed in `text_z` (archive.textcodec; `pages.text` is
generated from it, and sections point into it), and only older versions keeping a copy
of their own (their sections pointing into it). Versions are numbered in the order of their capture dates, whatever the order in
which the captures arrive (a WARC or Wayback capture older than the first crawl becomes an
earlier version and never replaces the page's current content).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.compact import host_of, span
from archive.compact_history import compact_sections
from archive.compress import Executes, body_of, compress_body
from archive.search import normalise
from archive.textcodec import compress_text
from scraper.models import Capture, Page

# --- captures ---------------------------------------------------------------------------


def save_capture(
    db: Database, capture: Capture, crawl_id: int | None, outcome: str | None = None
) -> int:
    """Record one fetch (answered or failed) and its body; returns the capture's id.

    The body is stored once per sha256, compressed with its host's dictionary: an unchanged
    page fetched again costs one `captures` row only.
    """
    sha = capture.sha256
    if capture.body is not None and not db.conn.execute(
        "SELECT 1 FROM bodies WHERE sha256 = ?", (sha,)
    ).fetchone():
        host = host_of(capture.url)
        blob, dictionary_id = compress_body(db.conn, host, capture.body)
        db.conn.execute(
            "INSERT INTO bodies(sha256, size, compressed, host, dictionary_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (sha, len(capture.body), blob, host, dictionary_id),
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
    """Set what a capture turned out to mean (new, changed, unchanged ...) once it is known."""
    db.conn.execute("UPDATE captures SET outcome = ? WHERE id = ?", (outcome, capture_id))


def capture_body(db: Executes, sha256: str) -> bytes | None:
    """The raw body stored under `sha256`, as received, or None if there is none.

    `db` is anything with `.execute(sql, params)`: a sqlite_utils Database, or the plain
    sqlite3 connection Datasette hands a plugin.
    """
    row = db.execute(
        "SELECT compressed, dictionary_id FROM bodies WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return body_of(db, bytes(row[0]), row[1]) if row else None


# --- pages and history ------------------------------------------------------------------


@dataclass(frozen=True)
class _Version:
    rowid: int
    version: int
    captured_at: str
    digest: str


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
    """Write a page's extraction from capture `capture_id`; returns 'new' | 'changed' | 'unchanged'.

    A capture at least as recent as the page's latest version updates the page (and adds a
    version if the content differs). An older one (an import, a backfill) only adds its
    content to the history at its date: 'changed' if that content is new there, 'unchanged'
    if the version before it already had it (or the one after it: that version then starts
    at this earlier capture).
    """
    conn = db.conn
    content = _content(page)
    digest = _digest(content)
    versions = [
        _Version(int(r[0]), int(r[1]), str(r[2]), str(r[3]))
        for r in conn.execute(
            "SELECT rowid, version, captured_at, content_sha256 FROM versions WHERE url = ? "
            "ORDER BY version",
            (page.url,),
        )
    ]
    exists = conn.execute("SELECT 1 FROM pages WHERE url = ?", (page.url,)).fetchone()
    if exists and versions and captured_at < versions[-1].captured_at:
        return _save_older(db, page, content, digest, capture_id, captured_at, versions)
    differs = not versions or versions[-1].digest != digest
    if differs:
        _keep_copy_of_current(db, page.url)
    _write_page(db, page, content, site, capture_id, captured_at, differs)
    if differs:
        number = versions[-1].version + 1 if versions else 1
        _insert_version(db, page, content, digest, capture_id, captured_at, number, True)
    conn.execute("DELETE FROM translations WHERE page_url = ?", (page.url,))
    for language, url in sorted(page.translations.items()):
        conn.execute(
            "INSERT OR REPLACE INTO translations(page_url, language, url) VALUES (?, ?, ?)",
            (page.url, language, url),
        )
    if not exists:
        return "new"
    return "changed" if differs else "unchanged"


def _save_older(
    db: Database,
    page: Page,
    content: dict[str, Any],
    digest: str,
    capture_id: int,
    captured_at: str,
    versions: list[_Version],
) -> str:
    """A capture older than the page's latest version: a place in the history, by date."""
    conn = db.conn
    conn.execute(
        "UPDATE pages SET first_seen = ? WHERE url = ? AND (first_seen IS NULL OR first_seen > ?)",
        (captured_at, page.url, captured_at),
    )
    before = [v for v in versions if v.captured_at <= captured_at]
    after = [v for v in versions if v.captured_at > captured_at]
    if before and before[-1].digest == digest:
        return "unchanged"
    if after[0].digest == digest:
        # The same content was online earlier than we knew: its version starts here.
        conn.execute(
            "UPDATE versions SET captured_at = ?, capture_id = ?, source = coalesce("
            "(SELECT source FROM captures WHERE id = ?), source) WHERE rowid = ?",
            (captured_at, capture_id, capture_id, after[0].rowid),
        )
        return "unchanged"
    number = after[0].version
    # Two steps, so that no two rows ever share a (url, version) on the way.
    conn.execute(
        "UPDATE versions SET version = -(version + 1) WHERE url = ? AND version >= ?",
        (page.url, number),
    )
    conn.execute("UPDATE versions SET version = -version WHERE url = ? AND version < 0", (page.url,))
    _insert_version(db, page, content, digest, capture_id, captured_at, number, False)
    return "changed"


def _insert_version(
    db: Database,
    page: Page,
    content: dict[str, Any],
    digest: str,
    capture_id: int,
    captured_at: str,
    number: int,
    in_pages: bool,
) -> None:
    """One versions row; `in_pages`: its content is the page's current row, not copied here."""
    copy = (
        (None, None, None)
        if in_pages
        else (
            page.text,
            json.dumps(content["breadcrumb"], ensure_ascii=False),
            compact_sections(page.text, content["sections"]),
        )
    )
    db.conn.execute(
        "INSERT INTO versions(url, version, captured_at, capture_id, title, published, "
        "modified, language, content_sha256, in_pages, text, breadcrumb, sections) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            page.url,
            number,
            captured_at,
            capture_id,
            page.title,
            content["published"],
            content["modified"],
            page.language,
            digest,
            int(in_pages),
            *copy,
        ),
    )


def _keep_copy_of_current(db: Database, url: str) -> None:
    """Before the page's row changes: its current version gets a copy of its own content."""
    conn = db.conn
    page = conn.execute("SELECT text, breadcrumb FROM pages WHERE url = ?", (url,)).fetchone()
    if page is None:
        return
    sections = compact_sections(
        page[0],
        [
            {"heading": h, "level": lv, "text": t}
            for h, lv, t in conn.execute(
                "SELECT heading, level, text FROM sections WHERE page_url = ? ORDER BY position",
                (url,),
            )
        ],
    )
    conn.execute(
        "UPDATE versions SET in_pages = 0, text = ?, breadcrumb = ?, sections = ? "
        "WHERE url = ? AND in_pages",
        (page[0], page[1], sections, url),
    )


def _write_page(
    db: Database,
    page: Page,
    content: dict[str, Any],
    site: str,
    capture_id: int,
    captured_at: str,
    differs: bool,
) -> None:
    """Insert or update the page's row, its full-text entry and (if `differs`) its sections."""
    conn = db.conn
    old = conn.execute("SELECT rowid, title, text FROM pages WHERE url = ?", (page.url,)).fetchone()
    if differs:
        # Before pages.text changes: the old sections' text is read through it.
        _drop_sections(db, page.url)
    conn.execute(
        "INSERT INTO pages(url, site, language, title, breadcrumb, published, published_year, "
        "modified, text_z, first_seen, last_seen, last_changed, extractor, language_declared, "
        "language_detected, gone_at, gone_status, capture_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?) "
        "ON CONFLICT(url) DO UPDATE SET site = excluded.site, language = excluded.language, "
        "title = excluded.title, breadcrumb = excluded.breadcrumb, "
        "published = excluded.published, published_year = excluded.published_year, "
        "modified = excluded.modified, text_z = excluded.text_z, "
        "last_seen = max(coalesce(pages.last_seen, ''), excluded.last_seen), "
        "last_changed = CASE WHEN ? THEN excluded.last_changed ELSE pages.last_changed END, "
        "extractor = excluded.extractor, language_declared = excluded.language_declared, "
        "language_detected = excluded.language_detected, gone_at = NULL, gone_status = NULL, "
        "capture_id = excluded.capture_id",
        (
            page.url,
            site,
            page.language,
            page.title,
            json.dumps(content["breadcrumb"], ensure_ascii=False),
            content["published"],
            page.published.year if page.published else None,
            content["modified"],
            compress_text(page.text),  # pages.text is generated from it (archive.textcodec)
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
        _insert_sections(db, page)


def _drop_sections(db: Database, url: str) -> None:
    """Remove a page's sections and their full-text entries (contentless: the old values)."""
    conn = db.conn
    old = conn.execute("SELECT rowid, heading, text FROM sections WHERE page_url = ?", (url,))
    for rowid, heading, text in old.fetchall():
        conn.execute(
            "INSERT INTO sections_fts(sections_fts, rowid, heading, text) "
            "VALUES ('delete', ?, ?, ?)",
            (rowid, normalise(heading), normalise(text)),
        )
    conn.execute("DELETE FROM section_spans WHERE page_url = ?", (url,))


def _insert_sections(db: Database, page: Page) -> None:
    """A page's sections as spans of pages.text (its text kept only where not found there)."""
    conn = db.conn
    cursor = 0
    for position, section in enumerate(page.sections, start=1):
        start, length, keep = span(page.text, section.text, cursor)
        if start is not None:
            cursor = start - 1 + length
        cur = conn.execute(
            "INSERT INTO section_spans(page_url, position, heading, level, start, length, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (page.url, position, section.heading, section.level, start, length, keep),
        )
        conn.execute(
            "INSERT INTO sections_fts(rowid, heading, text) VALUES (?, ?, ?)",
            (cur.lastrowid, normalise(section.heading), normalise(section.text)),
        )
