"""The archive's schema: declared in archive/schema.sql, applied by one idempotent function.

`ensure_schema(db)` runs on every open. A new archive is made from the declaration; an older
one is converted to it in place, in one transaction, nothing lost (archive/migrations); one
already current gets whatever the declaration adds (each statement is `IF NOT EXISTS`). An
archive written by a newer version of the package is refused, untouched.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from functools import cache

from sqlite_utils import Database

from archive import search_index
from archive.declaration import declared_sql, declared_statements
from archive.errors import NotAnArchive, newer_archive
from archive.migrations import DECLARED, upgrade
from scraper.models import utc_now

LATEST = DECLARED  # the schema version this package writes
PAGE_SIZE = 16384  # bytes, for new archives; an existing one keeps its own
Progress = Callable[[str], None]


def schema_version(db: Database) -> int:
    """The number of the last migration applied (0 for an empty database)."""
    if not db["migrations"].exists():
        return 0
    row = db.execute("SELECT max(version) FROM migrations").fetchone()
    return int(row[0] or 0)


def ensure_schema(db: Database, upto: int | None = None, progress: Progress | None = None) -> None:
    """Create, convert or check the schema; safe to call on every open. Commits.

    `upto` stops an older archive's conversion after that migration (the tests build
    archives of released older schemas with it). `progress` receives a line now and then
    while a large archive is converted or its search index rebuilt.
    """
    conn = db.conn
    if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
        # A new archive: 16 KiB pages hold a page row or a search-index leaf with less waste
        # than 4 KiB ones. Settable only before the first table (and before WAL).
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
    conn.execute("PRAGMA journal_mode=WAL")
    # Readers and the crawl share the file: wait for a lock rather than fail at once.
    conn.execute("PRAGMA busy_timeout=10000")
    version = _version(conn)
    if version > LATEST:
        path = conn.execute("PRAGMA database_list").fetchone()[2] or "this archive"
        raise newer_archive(path, version, LATEST)
    if version == LATEST and upto is None and _complete(conn) and search_index.is_current(conn):
        return  # nothing to do: no write lock taken (a reader opening during a crawl)
    new = version == 0 and not _tables(conn)
    # Off while tables are converted (a dropped table must not cascade); the foreign keys
    # are checked below before anything commits.
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if new and upto is None:
            _apply_declared(conn)
            conn.execute("INSERT INTO migrations(version, name, applied_at) VALUES (?, ?, ?)",
                         (LATEST, "the declared schema (archive/schema.sql)", utc_now()))
        elif version < LATEST:
            conn.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, "
                         "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            done = {row[0] for row in conn.execute("SELECT version FROM migrations")}
            upgrade(conn, done, upto, progress)
        if upto is None or upto >= LATEST:
            _apply_declared(conn)
            converted = version < LATEST and not new
            problems = converted and conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise NotAnArchive(f"converting to schema {LATEST}: {len(problems)} rows refer "
                                   "to rows that are not there (a damaged archive); nothing "
                                   "was changed")
            if not search_index.is_current(conn):
                search_index.rebuild(conn, progress)
    except BaseException:
        conn.execute("ROLLBACK")
        conn.execute("PRAGMA foreign_keys=ON")
        raise
    conn.execute("COMMIT")
    conn.execute("PRAGMA foreign_keys=ON")


def _version(conn: sqlite3.Connection) -> int:
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone():
        return 0
    return int(conn.execute("SELECT max(version) FROM migrations").fetchone()[0] or 0)


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'migrations'")]


@cache
def _declared_names() -> frozenset[str]:
    return frozenset(re.findall(r"CREATE (?:VIRTUAL )?(?:TABLE|INDEX) IF NOT EXISTS (\w+)",
                                declared_sql()))


def _complete(conn: sqlite3.Connection) -> bool:
    """Does the file hold every table and index the declaration names?"""
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    return _declared_names() <= present


def _apply_declared(conn: sqlite3.Connection) -> None:
    for statement in declared_statements():
        conn.execute(statement)
