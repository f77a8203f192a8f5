"""Migration 6, compact storage: each text stored once, bodies in zstd with per-host dictionaries.

Before it, a page's text was kept three times (pages.text, sections.text, page_versions.text)
and every body in zlib. After it:

- `pages` keeps the latest text, the one copy;
- `sections` is a view over `section_spans`, which says where each section's text lies in
  pages.text (start, length) and keeps a text of its own only when it is not found there;
- `page_versions` is a view over `versions`: the page's current version (`in_pages`) reads
  its text, breadcrumb and sections from pages and sections; only older ones keep a copy;
- `bodies` are zstd, with the dictionary of their host (`dictionaries`) once it has one.

The views keep the names, columns and column order researchers and Datasette query, rows
come back byte for byte as before, and they use SQLite's own functions only (but since
migration 11 the pages.text they read is computed by `zstd_text()`: archive.textcodec). The conversion checks what it wrote
before it drops the old copies, and runs inside the migration's transaction: all or nothing.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from urllib.parse import urlsplit

from archive import compress

TABLES = """
CREATE TABLE IF NOT EXISTS dictionaries (
    id INTEGER PRIMARY KEY,
    host TEXT NOT NULL,
    trained_at TEXT NOT NULL,
    samples INTEGER NOT NULL,  -- bodies it was trained on
    used INTEGER NOT NULL DEFAULT 0,  -- bodies compressed since (with it, or without if empty)
    data BLOB NOT NULL  -- the zstd dictionary; empty when the samples gave none
);
CREATE INDEX IF NOT EXISTS dictionaries_host ON dictionaries(host, id);
ALTER TABLE bodies ADD COLUMN host TEXT;
ALTER TABLE bodies ADD COLUMN dictionary_id INTEGER REFERENCES dictionaries(id);
CREATE INDEX IF NOT EXISTS bodies_host ON bodies(host, dictionary_id);
CREATE TABLE IF NOT EXISTS section_spans (
    page_url TEXT NOT NULL REFERENCES pages(url) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    heading TEXT,
    level INTEGER,
    start INTEGER,  -- where the text starts in pages.text (1-based, in characters)
    length INTEGER,  -- its length in characters
    text TEXT,  -- only when the text is not found in pages.text
    PRIMARY KEY (page_url, position)
);
"""

# `rowid` is a column of the view: sections_fts rows, the search query and Datasette's search
# box all find a section by it.
SECTIONS_VIEW = """
CREATE VIEW sections AS
SELECT s.rowid AS rowid, s.page_url, s.position, s.heading, s.level,
    coalesce(s.text, (SELECT substr(p.text, s.start, s.length) FROM pages p
                      WHERE p.url = s.page_url)) AS text
FROM section_spans s;
"""

# The current version's sections, spelt as the store's json.dumps spells them (json_quote
# escapes exactly as Python's json does): plain SQLite reads every row, no function needed.
# Subqueries rather than a join, so that counting or faceting the view never reads pages.
PAGE_VERSIONS_VIEW = """
CREATE VIEW page_versions AS
SELECT v.url, v.version, v.captured_at, v.capture_id, v.title,
    CASE WHEN v.in_pages THEN (SELECT text FROM pages p WHERE p.url = v.url) ELSE v.text END
        AS text,
    v.published, v.modified,
    CASE WHEN v.in_pages THEN (SELECT breadcrumb FROM pages p WHERE p.url = v.url)
        ELSE v.breadcrumb END AS breadcrumb,
    CASE WHEN v.in_pages THEN
        (SELECT '[' || coalesce(group_concat('{"heading": ' || json_quote(heading)
            || ', "level": ' || coalesce(level, 'null') || ', "text": ' || json_quote(text)
            || '}', ', '), '') || ']'
         FROM (SELECT heading, level, text FROM sections s WHERE s.page_url = v.url
               ORDER BY s.position))
    ELSE v.sections END AS sections,
    v.language, v.content_sha256, v.source
FROM versions v;
"""


def host_of(url: str | None) -> str:
    """The host a body is filed under for its dictionary ('' when the URL has none)."""
    return (urlsplit(url or "").hostname or "").lower()


def span(page_text: str | None, text: str | None, cursor: int) -> tuple[int | None, int, str | None]:
    """Where `text` lies in `page_text`, searched from `cursor`: (start, length, text to keep).

    start is 1-based (SQLite's substr); text to keep is None when the span finds it, else the
    text itself (start None).
    """
    if text is None or page_text is None:
        return None, 0, text
    at = page_text.find(text, cursor)
    if at < 0:
        at = page_text.find(text)
    if at < 0:
        return None, 0, text
    return at + 1, len(text), None


def convert_bodies(conn: sqlite3.Connection) -> None:
    """Recompress every zlib body as zstd, with a dictionary per host that has enough bodies."""
    rows = conn.execute(
        "SELECT b.sha256, b.size, (SELECT url FROM captures c WHERE c.sha256 = b.sha256 "
        "ORDER BY c.id LIMIT 1) FROM bodies b ORDER BY b.rowid"
    ).fetchall()
    by_host: dict[str, list[str]] = {}
    pages: dict[str, list[str]] = {}  # the bodies small enough to train on
    for sha, size, url in rows:
        by_host.setdefault(host_of(url), []).append(sha)
        if size <= compress.MAX_SAMPLE_SIZE:
            pages.setdefault(host_of(url), []).append(sha)
    for host, shas in by_host.items():
        dictionary_id, data = None, b""
        if len(shas) >= compress.TRAIN_AFTER:
            newest = pages.get(host, [])[-compress.MAX_SAMPLES :]
            samples = [_zlib_body(conn, sha) for sha in newest]
            dictionary_id, data = compress.train_on(conn, host, samples)
            conn.execute(
                "UPDATE dictionaries SET used = ? WHERE id = ?", (len(shas), dictionary_id)
            )
        for sha in shas:
            body = _zlib_body(conn, sha)
            conn.execute(
                "UPDATE bodies SET compressed = ?, host = ?, dictionary_id = ? WHERE sha256 = ?",
                (compress.compress(body, data), host, dictionary_id if data else None, sha),
            )


def _zlib_body(conn: sqlite3.Connection, sha: str) -> bytes:
    row = conn.execute("SELECT compressed FROM bodies WHERE sha256 = ?", (sha,)).fetchone()
    return zlib.decompress(row[0])


def convert_sections(conn: sqlite3.Connection) -> None:
    """Move sections into section_spans (same rowids, for sections_fts) and make the view."""
    # Streamed in page order, one page's text in memory at a time: a million pages fit.
    url: str | None = None
    page_text: str | None = None
    cursor = count = 0
    rows = conn.execute(
        "SELECT rowid, page_url, position, heading, level, text FROM sections "
        "ORDER BY page_url, position"
    )
    for rowid, page_url, position, heading, level, text in rows:
        if page_url != url:
            row = conn.execute("SELECT text FROM pages WHERE url = ?", (page_url,)).fetchone()
            url, page_text, cursor = page_url, (row[0] if row else None), 0
        start, length, keep = span(page_text, text, cursor)
        if start is not None:
            cursor = start - 1 + length
        conn.execute(
            "INSERT INTO section_spans(rowid, page_url, position, heading, level, start, length, "
            "text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (rowid, page_url, position, heading, level, start, length, keep),
        )
        count += 1
    # Checked in SQL, as the view will read it, before the old copy goes.
    wrong = conn.execute(
        "SELECT count(*) FROM sections o JOIN section_spans s ON s.rowid = o.rowid "
        "WHERE o.text IS NOT coalesce(s.text, (SELECT substr(p.text, s.start, s.length) "
        "FROM pages p WHERE p.url = s.page_url)) OR o.heading IS NOT s.heading "
        "OR o.level IS NOT s.level"
    ).fetchone()[0]
    if wrong or count != conn.execute("SELECT count(*) FROM section_spans").fetchone()[0]:
        raise RuntimeError(f"migration 6: {wrong} sections would not read back; nothing changed")
    conn.execute("DROP TABLE sections")
    conn.execute(SECTIONS_VIEW)


def convert_versions(conn: sqlite3.Connection) -> None:
    """Rename page_versions to versions, drop the current version's copy, make the view.

    The version equal to its page's current row (the latest such) is marked `in_pages` and
    its text, breadcrumb and sections are cleared: the view reads them from the page.
    """
    conn.execute("ALTER TABLE page_versions RENAME TO versions")
    # 1: text, breadcrumb and sections are the page's current row (pages, sections).
    conn.execute("ALTER TABLE versions ADD COLUMN in_pages INTEGER NOT NULL DEFAULT 0")
    _mark_current_versions(conn)
    conn.execute(PAGE_VERSIONS_VIEW)


def _mark_current_versions(conn: sqlite3.Connection) -> None:
    """Mark the version whose content is exactly its page's current row, and clear its copy."""
    pages = conn.execute(  # streamed, not fetched: a million pages' texts would not fit
        "SELECT url, title, text, published, modified, breadcrumb, language FROM pages"
    )
    for url, *page in pages:
        sections = json.dumps(
            [
                {"heading": h, "level": lv, "text": t}
                for h, lv, t in conn.execute(
                    "SELECT heading, level, text FROM sections WHERE page_url = ? "
                    "ORDER BY position",
                    (url,),
                )
            ],
            ensure_ascii=False,
        )
        conn.execute(
            "UPDATE versions SET in_pages = 1, text = NULL, breadcrumb = NULL, sections = NULL "
            "WHERE rowid = (SELECT rowid FROM versions WHERE url = ? AND title IS ? "
            "AND text IS ? AND published IS ? AND modified IS ? AND breadcrumb IS ? "
            "AND language IS ? AND sections IS ? ORDER BY version DESC LIMIT 1)",
            (url, *page, sections),
        )


STEPS: list[str | Callable[[sqlite3.Connection], None]] = [
    TABLES,
    convert_bodies,
    convert_versions,
    convert_sections,
]
