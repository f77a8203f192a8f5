"""Reads and writes of the archive's captures and pages; `db` is always the first argument.

Write functions never commit. They run plain SQL with named parameters on `db.conn` (not
sqlite-utils' table methods, nor `db.execute`, which commit by themselves), so the crawl loop
can wrap all the writes for one URL in a single `with db.conn:` block: a crawl killed at any
moment leaves all or nothing of that URL's work. The crawl's own bookkeeping (sites, crawls,
frontier, validators, seen and gone) lives in `archive.frontier`.

What is stored where (archive/schema.sql): a raw body once per SHA-256, zstd-compressed with
its host's dictionary (archive.compress); a page's latest content in `pages` and `sections`,
as plain text; every distinct content whole in `page_versions`, addressed by its capture time
`at` (YYYYMMDDhhmmss), numbered in date order whatever the order the captures arrive in (a WARC
or Wayback capture older than the first crawl becomes an earlier version and never replaces
the page's current content); the search index through archive.search_index.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from archive import search_index
from archive.compress import Executes, body_of, compress_body
from scraper.models import Capture, Page

# --- captures ---------------------------------------------------------------------------


def host_of(url: str | None) -> str:
    """The host a body is filed under for its dictionary ('' when the URL has none)."""
    return (urlsplit(url or "").hostname or "").lower()


def at_of(when: str) -> str:
    """A capture time (ISO 8601, UTC) as the Wayback Machine writes it: its 14 digits.

    >>> at_of("2011-07-04T10:00:00Z")
    '20110704100000'
    """
    return "".join(ch for ch in when if ch.isdigit())[:14]


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
            "VALUES (:sha256, :size, :blob, :host, :dictionary_id)",
            {"sha256": sha, "size": len(capture.body), "blob": blob, "host": host,
             "dictionary_id": dictionary_id},
        )
    cur = db.conn.execute(
        "INSERT INTO captures(url, crawl_id, fetched_at, status, error, content_type, size, "
        "sha256, etag, last_modified, final_url, elapsed_ms, outcome, headers, redirects) "
        "VALUES (:url, :crawl_id, :fetched_at, :status, :error, :content_type, :size, "
        ":sha256, :etag, :last_modified, :final_url, :elapsed_ms, :outcome, :headers, "
        ":redirects)",
        {
            "url": capture.url,
            "crawl_id": crawl_id,
            "fetched_at": capture.fetched_at,
            "status": capture.status,
            "error": capture.error,
            "content_type": capture.content_type,
            "size": len(capture.body) if capture.body is not None else None,
            "sha256": sha,
            "etag": capture.etag,
            "last_modified": capture.last_modified,
            "final_url": capture.final_url,
            "elapsed_ms": capture.elapsed_ms,
            "outcome": outcome,
            "headers": json.dumps(dict(capture.headers), ensure_ascii=False),
            "redirects": json.dumps([list(hop) for hop in capture.redirects], ensure_ascii=False)
            if capture.redirects else None,
        },
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
    id: int
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
            "SELECT id, version, captured_at, content_sha256 FROM page_versions WHERE url = ? "
            "ORDER BY version",
            (page.url,),
        )
    ]
    exists = conn.execute("SELECT 1 FROM pages WHERE url = ?", (page.url,)).fetchone()
    if exists and versions and captured_at < versions[-1].captured_at:
        return _save_older(db, page, content, digest, capture_id, captured_at, versions)
    differs = not versions or versions[-1].digest != digest
    _write_page(db, page, content, site, capture_id, captured_at, differs)
    if differs:
        number = versions[-1].version + 1 if versions else 1
        _insert_version(db, page, content, digest, capture_id, captured_at, number)
    conn.execute("DELETE FROM translations WHERE page_url = ?", (page.url,))
    conn.executemany(
        "INSERT OR REPLACE INTO translations(page_url, language, url) VALUES (?, ?, ?)",
        [(page.url, language, url) for language, url in sorted(page.translations.items())],
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
        # The same content was online earlier than we knew: its version starts here. Its old
        # address still finds it (an address shows the content in force at that time).
        conn.execute(
            "UPDATE page_versions SET captured_at = :at_iso, at = :at, capture_id = :capture, "
            "source = coalesce((SELECT source FROM captures WHERE id = :capture), source) "
            "WHERE id = :id",
            {"at_iso": captured_at, "at": at_of(captured_at), "capture": capture_id,
             "id": after[0].id},
        )
        return "unchanged"
    number = after[0].version
    # Two steps, so that no two rows ever share a (url, version) on the way.
    conn.execute(
        "UPDATE page_versions SET version = -(version + 1) WHERE url = ? AND version >= ?",
        (page.url, number),
    )
    conn.execute(
        "UPDATE page_versions SET version = -version WHERE url = ? AND version < 0", (page.url,)
    )
    _insert_version(db, page, content, digest, capture_id, captured_at, number)
    return "changed"


def _insert_version(
    db: Database,
    page: Page,
    content: dict[str, Any],
    digest: str,
    capture_id: int,
    captured_at: str,
    number: int,
) -> None:
    """One page_versions row holding the content whole, its source that of its capture, and
    the translations the page linked to then (not part of the content: a new link to a
    translation alone makes no new version)."""
    db.conn.execute(
        "INSERT INTO page_versions(url, version, at, captured_at, capture_id, title, text, "
        "published, modified, breadcrumb, sections, language, translations, content_sha256, "
        "source) "
        "VALUES (:url, :version, :at, :captured_at, :capture_id, :title, :text, :published, "
        ":modified, :breadcrumb, :sections, :language, :translations, :digest, "
        "coalesce((SELECT source FROM captures WHERE id = :capture_id), 'crawl'))",
        {
            **content,
            "url": page.url,
            "translations": json.dumps(dict(sorted(page.translations.items())),
                                       ensure_ascii=False),
            "version": number,
            "at": at_of(captured_at),
            "captured_at": captured_at,
            "capture_id": capture_id,
            "breadcrumb": json.dumps(content["breadcrumb"], ensure_ascii=False),
            "sections": json.dumps(content["sections"], ensure_ascii=False),
            "digest": digest,
        },
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
    """Insert or update the page's row, its search-index entry and (if `differs`) its sections."""
    conn = db.conn
    old = conn.execute(
        "SELECT id, title, text, language FROM pages WHERE url = ?", (page.url,)
    ).fetchone()
    if differs and old is not None:
        _drop_sections(db, page.url, old[3])
    conn.execute(
        "INSERT INTO pages(url, id, site, language, title, breadcrumb, published, published_year, "
        "modified, text, first_seen, last_seen, last_changed, gone_at, gone_status, capture_id, "
        "extractor, language_declared, language_detected) "
        "VALUES (:url, (SELECT coalesce(max(id), 0) + 1 FROM pages), :site, :language, :title, :breadcrumb, :published, :published_year, "
        ":modified, :text, :now, :now, :now, NULL, NULL, :capture_id, :extractor, "
        ":language_declared, :language_detected) "
        "ON CONFLICT(url) DO UPDATE SET site = excluded.site, language = excluded.language, "
        "title = excluded.title, breadcrumb = excluded.breadcrumb, "
        "published = excluded.published, published_year = excluded.published_year, "
        "modified = excluded.modified, text = excluded.text, "
        "last_seen = max(coalesce(pages.last_seen, ''), excluded.last_seen), "
        "last_changed = CASE WHEN :differs THEN excluded.last_changed ELSE pages.last_changed END, "
        "extractor = excluded.extractor, language_declared = excluded.language_declared, "
        "language_detected = excluded.language_detected, gone_at = NULL, gone_status = NULL, "
        "capture_id = excluded.capture_id",
        {
            "url": page.url,
            "site": site,
            "language": page.language,
            "title": page.title,
            "breadcrumb": json.dumps(content["breadcrumb"], ensure_ascii=False),
            "published": content["published"],
            "published_year": page.published.year if page.published else None,
            "modified": content["modified"],
            "text": page.text,
            "now": captured_at,
            "capture_id": capture_id,
            "extractor": page.extractor,
            "language_declared": page.language_declared,
            "language_detected": page.language_detected,
            "differs": differs,
        },
    )
    if old is None or (old[1], old[2], old[3]) != (page.title, page.text, page.language):
        page_id = old[0] if old else conn.execute(
            "SELECT id FROM pages WHERE url = ?", (page.url,)).fetchone()[0]
        if old is not None:
            search_index.index_page(conn, old[0], old[1], old[2], old[3], delete=True)
        search_index.index_page(conn, page_id, page.title, page.text, page.language)
    if differs:
        _insert_sections(db, page)


def _drop_sections(db: Database, url: str, language: str | None) -> None:
    """Remove a page's sections and their search-index entries (contentless: the old values)."""
    conn = db.conn
    old = conn.execute("SELECT id, heading, text FROM sections WHERE page_url = ?", (url,))
    for section_id, heading, text in old.fetchall():
        search_index.index_section(conn, section_id, heading, text, language, delete=True)
    conn.execute("DELETE FROM sections WHERE page_url = ?", (url,))


def _insert_sections(db: Database, page: Page) -> None:
    conn = db.conn
    for position, section in enumerate(page.sections, start=1):
        cur = conn.execute(
            "INSERT INTO sections(page_url, position, heading, level, text) "
            "VALUES (:url, :position, :heading, :level, :text)",
            {"url": page.url, "position": position, "heading": section.heading,
             "level": section.level, "text": section.text},
        )
        search_index.index_section(conn, int(cur.lastrowid or 0), section.heading,
                                   section.text, page.language)
