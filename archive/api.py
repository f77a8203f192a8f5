"""Open an archive from Python: the one door that the CLI, benchmarks, tests and notebooks share.

    with open_archive("archive.db") as archive:       # created (with its schema) if missing
        for page in archive.pages(site="ml", language="fr"):
            print(page["published"], page["title"])

Opening never damages what it opens: a missing file (with `create=False`), a file that is not
SQLite, another application's SQLite database, or a lock another process holds each raise one
named `ArchiveError` (archive/errors.py) whose text is a sentence for the user, and the file is
left as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlite_utils import Database

from archive.errors import (
    ArchiveError,
    ArchiveMissing,
    ForeignDatabase,
    NotAnArchive,
    storage_failure,
)
from archive.lock import crawl_lock
from archive.plugins.reader_data import full_timestamp, page_captures, version_at
from archive.schema import ensure_schema
from archive.store import capture_body

# Readers (Datasette) and the crawl share the file: a writer waits this long for a reader's lock.
BUSY_TIMEOUT_MS = 10_000


class Archive:
    """One archive database: its `sqlite_utils.Database` as `db`, and reads for people.

    Rows come back as plain dicts with JSON columns decoded (breadcrumb, sections), so a
    notebook can print them or hand them to pandas.
    """

    def __init__(self, db: Database, path: Path, lock: ExitStack | None = None) -> None:
        self.db = db
        self.path = path
        self._lock = lock  # held from before the schema was applied until close()

    @property
    def locked(self) -> bool:
        """Whether this process holds the archive's crawl lock (see `open_archive(lock=True)`)."""
        return self._lock is not None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def query(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[dict[str, Any]]:
        """Rows of any read query, as dicts."""
        return [_decoded(row) for row in self.db.query(sql, params)]

    def pages(
        self, *, site: str | None = None, language: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The archive's pages (their latest extraction), newest publication first."""
        where, params = _filters(site=site, language=language)
        sql = f"SELECT * FROM pages {where} ORDER BY published DESC, url"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.query(sql, params)

    def page(self, url: str) -> dict[str, Any] | None:
        """One page with its sections (in order) and translations, or None."""
        rows = self.query("SELECT * FROM pages WHERE url = ?", (url,))
        if not rows:
            return None
        page = rows[0]
        page["sections"] = self.query(
            "SELECT position, heading, level, text FROM sections WHERE page_url = ? "
            "ORDER BY position", (url,)
        )
        page["translations"] = {
            row["language"]: row["url"]
            for row in self.query(
                "SELECT language, url FROM translations WHERE page_url = ? ORDER BY language", (url,)
            )
        }
        return page

    def versions(self, url: str) -> list[dict[str, Any]]:
        """Every distinct content the page has had, oldest first."""
        return self.query(
            "SELECT * FROM page_versions WHERE url = ? ORDER BY captured_at, version", (url,)
        )

    def captures(self, url: str) -> list[dict[str, Any]]:
        """Every capture of the page at `url`, oldest first: fetches of its address and of
        the addresses that redirected to it (the reader and the feeds ask the same)."""
        return [_decoded(row) for row in page_captures(self.db.conn, url)]

    def version_at(self, url: str, at: str) -> dict[str, Any] | None:
        """The page's version in force at `at` (YYYYMMDDhhmmss, or a shorter prefix)."""
        full = full_timestamp(at)
        row = version_at(self.db.conn, url, full)[0] if full else None
        return _decoded(row) if row else None

    def body(self, sha256: str) -> bytes | None:
        """A capture's raw bytes as they were fetched (decompressed), or None."""
        return capture_body(self.db, sha256)


def open_archive(path: str | Path, *, create: bool = True, lock: bool = False,
                 progress: Callable[[str], None] | None = None) -> Archive:
    """The archive at `path` with its schema applied (an older one upgraded in place).

    With `lock=True` the archive's crawl lock is taken first, before any migration runs, and
    held until `close()`: what a crawl or a re-extraction needs (`LockHeld` if another process
    has it). Raises ArchiveMissing, NotAnArchive or ForeignDatabase, leaving the file untouched.
    `progress` gets a line now and then while an older archive is converted or its search
    index rebuilt (minutes for a large one).
    """
    db_path = Path(path)
    if db_path.is_dir():
        raise NotAnArchive(f"{path} is a folder: an archive is a file, e.g. {db_path / 'archive.db'}")
    if not db_path.is_file():
        if not create:
            raise ArchiveMissing(
                f"no database at {path} (crawl into it first: embassy-archive crawl … --db {path})"
            )
        if not db_path.parent.is_dir():
            raise ArchiveMissing(f"cannot create {path}: folder {db_path.parent} does not exist")
    held = ExitStack()
    try:
        if lock:
            held.enter_context(crawl_lock(db_path))
        db = _open_database(db_path, progress)
    except BaseException:
        held.close()
        raise
    return Archive(db, db_path, held if lock else None)


def _open_database(db_path: Path, progress: Callable[[str], None] | None) -> Database:
    db = Database(db_path)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        tables = db.table_names()
        if tables and "migrations" not in tables:
            raise ForeignDatabase(
                f"{db_path} is a SQLite database of another application, not an archive"
            )
        ensure_schema(db, progress=progress)
    except sqlite3.DatabaseError as exc:
        db.close()
        # A disk that refused the conversion's writes is not a damaged archive.
        raise storage_failure(exc, db_path) or NotAnArchive(
            f"{db_path} is not an embassy-archive database ({exc})") from None
    except ArchiveError:
        db.close()
        raise
    return db


def _filters(**columns: str | None) -> tuple[str, list[str]]:
    given = {name: value for name, value in columns.items() if value is not None}
    if not given:
        return "", []
    return "WHERE " + " AND ".join(f"{name} = ?" for name in given), list(given.values())


_JSON_COLUMNS = ("breadcrumb", "sections", "languages", "headers", "sites")


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for name in _JSON_COLUMNS:
        value = row.get(name)
        if isinstance(value, str) and value[:1] in "[{":
            try:
                row[name] = json.loads(value)
            except ValueError:
                pass
    return row

