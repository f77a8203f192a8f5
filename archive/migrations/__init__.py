"""Older archives converted to today's schema (archive/schema.sql), in place.

Migrations 1 to 11 are the steps released before the schema was declared in one file; they
are frozen and only ever run to bring an older archive to schema 11, which migration 12
(`v12_declared`) converts to the declared schema. A new archive never runs them: it is made
from archive/schema.sql directly. `upgrade` runs every step a file lacks inside the caller's
one transaction, so a conversion is all or nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from archive.declaration import statements
from archive.migrations import legacy_sql, v6_compact, v8_history, v11_text, v12_declared
from scraper.models import utc_now

Step = str | Callable[[sqlite3.Connection], None]
Progress = Callable[[str], None]

LEGACY: list[tuple[int, str, Sequence[Step]]] = [
    (1, "core tables", [legacy_sql.CORE]),
    (2, "page history and language provenance", [legacy_sql.HISTORY]),
    (3, "full-text search over normalised text", [legacy_sql.FTS]),
    (4, "indexes for canned queries and facets", [legacy_sql.INDEXES]),
    (5, "where each capture came from; backfill progress", [legacy_sql.SOURCE]),
    (6, "compact storage: text stored once, zstd bodies with per-host dictionaries",
     v6_compact.STEPS),
    (7, "revisits: what the crawl knows of each URL, to re-check only what changed",
     [legacy_sql.REVISITS]),
    (8, "older versions' sections as spans of their own text", v8_history.STEPS),
    (9, "the last crawl that found each URL in its site's sitemap or feed",
     [legacy_sql.LISTED_IN]),
    (10, "sites keyed by name, as pages.site holds it, with all their hosts",
     [legacy_sql.SITES_BY_NAME]),
    (11, "pages.text stored zstd-compressed (text_z), text generated from it", v11_text.STEPS),
]
DECLARED = 12  # the version archive/schema.sql is


def upgrade(conn: sqlite3.Connection, done: set[int], upto: int | None = None,
            progress: Progress | None = None) -> None:
    """Apply the legacy steps `done` lacks (up to `upto`), then migration 12 unless `upto`
    stops before it. Runs in the caller's transaction; never commits."""
    for version, name, steps in LEGACY:
        if version in done or (upto is not None and version > upto):
            continue
        for step in steps:
            if isinstance(step, str):
                for statement in statements(step):
                    conn.execute(statement)
            else:
                step(conn)
        _record(conn, version, name)
    if upto is None or upto >= DECLARED:
        v12_declared.convert(conn, progress)
        _record(conn, DECLARED, v12_declared.NAME)


def _record(conn: sqlite3.Connection, version: int, name: str) -> None:
    conn.execute("INSERT INTO migrations(version, name, applied_at) VALUES (?, ?, ?)",
                 (version, name, utc_now()))
