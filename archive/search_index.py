"""The search index kept in step with pages and sections: the one writer of the FTS tables.

`pages_fts` and `sections_fts` are contentless (archive/schema.sql): they hold the analysed
terms only, keyed by `pages.id` and `sections.id`. A contentless row is removed by giving
FTS5 the very values it was indexed with, so every write goes through here, analysing with
archive.search (`page_terms`, `section_terms`), and a change of the analysis
(`search.INDEX_VERSION`, or Python's Unicode tables) rebuilds the whole index on the next open.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable

from archive import search
from archive.declaration import declared_statements

_KEY = "search_index"
_BATCH = 5_000  # rows between progress lines during a rebuild


def index_key() -> str:
    """What the index was built with; archive_meta keeps it (Unicode tables change folding)."""
    return f"{search.INDEX_VERSION}/{unicodedata.unidata_version}"


def _write(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rowid: int,
           terms: dict[str, str], delete: bool) -> None:
    names = ", ".join(columns)
    marks = ", ".join(f":{c}" for c in columns)
    values = {c: terms.get(c, "") for c in columns}
    if delete:
        conn.execute(f"INSERT INTO {table}({table}, rowid, {names}) "
                     f"VALUES ('delete', :rowid, {marks})", {"rowid": rowid, **values})
    else:
        conn.execute(f"INSERT INTO {table}(rowid, {names}) VALUES (:rowid, {marks})",
                     {"rowid": rowid, **values})


def index_page(conn: sqlite3.Connection, page_id: int, title: str | None, text: str | None,
               language: str | None, *, delete: bool = False) -> None:
    """Add a page's terms to pages_fts, or (`delete`) remove the ones it was indexed with."""
    _write(conn, "pages_fts", search.PAGES_FTS_COLUMNS, page_id,
           search.page_terms(title, text, language), delete)


def index_section(conn: sqlite3.Connection, section_id: int, heading: str | None,
                  text: str | None, language: str | None, *, delete: bool = False) -> None:
    """Add a section's terms to sections_fts, or (`delete`) remove them."""
    _write(conn, "sections_fts", search.SECTIONS_FTS_COLUMNS, section_id,
           search.section_terms(heading, text, language), delete)


def is_current(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM archive_meta WHERE key = ?", (_KEY,)).fetchone()
    return row is not None and row[0] == index_key()


def rebuild(conn: sqlite3.Connection, progress: Callable[[str], None] | None = None) -> None:
    """Make the FTS tables anew as archive/schema.sql declares them (their columns may have
    changed with the analysis) and index every page and section again. Never commits."""
    for statement in declared_statements():
        for table in ("pages_fts", "sections_fts"):
            if statement.startswith(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}"):
                conn.execute(f"DROP TABLE IF EXISTS {table}")
                conn.execute(statement)
    total = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    # Streamed: a million pages' texts would not fit in memory at once.
    pages = conn.execute("SELECT id, url, title, text, language FROM pages ORDER BY id")
    for done, (page_id, url, title, text, language) in enumerate(pages, start=1):
        index_page(conn, page_id, title, text, language)
        for section_id, heading, section_text in conn.execute(
            "SELECT id, heading, text FROM sections WHERE page_url = ?", (url,)
        ).fetchall():
            index_section(conn, section_id, heading, section_text, language)
        if progress and done % _BATCH == 0:
            progress(f"search index: {done:,} of {total:,} pages")
    conn.execute("INSERT OR REPLACE INTO archive_meta(key, value) VALUES (?, ?)",
                 (_KEY, index_key()))
