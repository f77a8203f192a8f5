"""Migration 12: an archive of schema 11 converted to the declared schema (archive/schema.sql).

Schema 11 kept a page's text zstd-compressed behind a generated column that only our package
could read, sections as character spans into that text, and page_versions as a view over a
`versions` table whose current row pointed back into `pages`. Today each is a plain table
any SQLite reader opens: `pages.text` TEXT, `sections` rows, `page_versions` rows holding
each content whole with its time address `at` (YYYYMMDDhhmmss).

Everything is read through the old views first (with the old function registered on this
connection only), the old tables are dropped, the declared ones made, the rows copied with
the same ids, and the copy compared with what the views gave before the transaction (the
caller's, with foreign keys off) can commit. The search index is rebuilt afterwards by
ensure_schema, since its keys and analysis changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from archive.declaration import declared_statements
from archive.errors import NotAnArchive
from archive.migrations import v11_text

NAME = "the declared schema: plain text, sections and page_versions as tables, time addresses"

_PAGE_COLUMNS = ("url, site, language, title, breadcrumb, published, published_year, modified, "
                 "text, first_seen, last_seen, last_changed, gone_at, gone_status, capture_id, "
                 "extractor, language_declared, language_detected")
_VERSION_COLUMNS = ("url, version, captured_at, capture_id, title, text, published, modified, "
                    "breadcrumb, sections, language, content_sha256, source")
# captured_at is ISO 8601 to the second (2011-07-04T10:00:00Z): its digits are the address.
AT_SQL = ("substr(replace(replace(replace(replace(captured_at, '-', ''), 'T', ''), ':', ''), "
          "'Z', ''), 1, 14)")


def convert(conn: sqlite3.Connection, progress: Callable[[str], None] | None = None) -> None:
    """Schema 11 -> the declared schema, in the caller's transaction; raises if a row differs."""
    v11_text.register(conn)
    pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    if progress and pages:
        progress(f"converting the archive to schema 12 (plain text): {pages:,} pages")
    conn.execute(f"CREATE TEMP TABLE m12_pages AS SELECT rowid AS id, {_PAGE_COLUMNS} FROM pages")
    conn.execute("CREATE TEMP TABLE m12_sections AS SELECT rowid AS id, page_url, position, "
                 "heading, level, text FROM sections")
    conn.execute(f"CREATE TEMP TABLE m12_versions AS SELECT {_VERSION_COLUMNS} FROM page_versions")
    for kind, name in conn.execute(
        "SELECT type, name FROM main.sqlite_master WHERE type IN ('view', 'trigger')"
    ).fetchall():
        conn.execute(f'DROP {kind.upper()} "{name}"')
    for table in ("pages_fts", "sections_fts", "section_spans", "versions", "pages"):
        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
    conn.execute("DELETE FROM archive_meta WHERE key IN ('normaliser', 'search_index')")
    # Each redirect a fetch followed, kept since schema 12 (older captures keep final_url only).
    conn.execute("ALTER TABLE captures ADD COLUMN redirects TEXT")
    for statement in declared_statements():
        conn.execute(statement)
    conn.execute(f"INSERT INTO pages(id, {_PAGE_COLUMNS}) "
                 f"SELECT id, {_PAGE_COLUMNS} FROM temp.m12_pages ORDER BY id")
    conn.execute("INSERT INTO sections(id, page_url, position, heading, level, text) "
                 "SELECT id, page_url, position, heading, level, text FROM temp.m12_sections "
                 "ORDER BY id")
    conn.execute(f"INSERT INTO page_versions(at, {_VERSION_COLUMNS}) "
                 f"SELECT {AT_SQL}, {_VERSION_COLUMNS} FROM temp.m12_versions "
                 "ORDER BY url, version")
    # The translations a version linked to were kept for the latest content only: its
    # version gets them, the older ones stay unknown (null).
    conn.execute("UPDATE page_versions SET translations = (SELECT json_group_object(language, "
                 "url) FROM (SELECT language, url FROM translations t WHERE t.page_url = "
                 "page_versions.url ORDER BY language)) WHERE version = (SELECT max(version) "
                 "FROM page_versions v WHERE v.url = page_versions.url)")
    _check(conn)
    for table in ("m12_pages", "m12_sections", "m12_versions"):
        conn.execute(f"DROP TABLE temp.{table}")


def _check(conn: sqlite3.Connection) -> None:
    """Every row read back as the old views gave it, or the transaction is rolled back."""
    wrong = conn.execute(
        "SELECT (SELECT count(*) FROM temp.m12_pages) - (SELECT count(*) FROM pages "
        "  JOIN temp.m12_pages t ON t.id = pages.id AND t.url = pages.url "
        "  AND t.text IS pages.text AND t.title IS pages.title) "
        "+ (SELECT count(*) FROM temp.m12_sections) - (SELECT count(*) FROM sections s "
        "  JOIN temp.m12_sections t ON t.id = s.id AND t.text IS s.text "
        "  AND t.heading IS s.heading) "
        "+ (SELECT count(*) FROM temp.m12_versions) - (SELECT count(*) FROM page_versions v "
        "  JOIN temp.m12_versions t ON t.url = v.url AND t.version = v.version "
        "  AND t.text IS v.text AND t.sections IS v.sections AND t.title IS v.title)"
    ).fetchone()[0]
    if wrong:
        raise NotAnArchive(f"converting to schema 12: {wrong} rows would not read back; "
                           "nothing was changed")
