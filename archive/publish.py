"""Publish the archive read-only with Datasette 0.65, the packaged metadata and our plugins.

Read-only without `immutable`: the crawl writes to the file while we serve it, so Datasette
opens it normally (its read connections use `mode=ro`), accepts only SELECT through `?sql=`,
and we load no plugin that writes. WAL lets readers go on while the crawl writes.

An archive that nothing can be writing and whose folder we cannot write (a read-only mount, or
another user's folder) is opened `immutable` instead: SQLite could not create the WAL's
shared-memory file beside it. With a write-ahead log beside it, it stays `mode=ro`, which reads
the log (SQLite does so read-only when the log's -shm file is there too). `check_read_only`
makes sure such a file is an archive this version can serve, without writing a byte.
"""

from __future__ import annotations

import os
import sqlite3
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from datasette.app import Datasette
from datasette.plugins import pm
from sqlite_utils import Database

from archive.errors import (
    ForeignDatabase,
    NotAnArchive,
    ReadOnly,
    newer_archive,
    storage_failure,
)
from archive.plugins import (
    exports,
    feed,
    fts,
    guard,
    home,
    memento,
    reader,
    replay,
    search_page,
    tables,
    ui,
    year_facet,
)

SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 1000,
    "allow_csv_stream": True,
    "default_page_size": 50,
    "truncate_cells_html": 300,
    "facet_time_limit_ms": 500,
    # Every table has its facets chosen in metadata.yml. Suggestions would count each column
    # on every visit (long texts and the views' computed columns included): at a million
    # rows that is most of a page's time for links nobody needs.
    "suggest_facets": False,
    "allow_download": False,
    "default_cache_ttl": 60,
}
PLUGINS = (fts, guard, exports, ui, reader, replay, feed, home, year_facet, memento,
           search_page, tables)
PACKAGE = Path(__file__).resolve().parent


def load_metadata(database_name: str) -> dict[str, Any]:
    """The packaged metadata.yml, its database section applied to `database_name`."""
    text = resources.files("archive").joinpath("metadata.yml").read_text(encoding="utf-8")
    metadata: dict[str, Any] = yaml.safe_load(text)
    databases = metadata.get("databases") or {}
    if databases:
        metadata["databases"] = {database_name: next(iter(databases.values()))}
    return metadata


def register_plugins() -> None:
    """Register our plugins with Datasette's plugin manager, once per process."""
    for module in PLUGINS:
        if not pm.is_registered(module):
            pm.register(module, name=module.__name__)


def make_datasette(db_path: str | Path) -> Datasette:
    """A Datasette for the archive at `db_path`: our metadata, settings, plugins and templates."""
    path = Path(db_path)
    register_plugins()
    immutable = opens_immutable(path)
    # Datasette names a database after its file's stem; the metadata must use that name.
    return Datasette(
        files=[] if immutable else [str(path)],
        immutables=[str(path)] if immutable else [],
        metadata=load_metadata(path.stem),
        settings=SETTINGS,
        # Our templates (the reader's pages, the home page) and their stylesheet.
        template_dir=str(PACKAGE / "templates"),
        static_mounts=[("archive-static", str(PACKAGE / "static"))],
    )


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the archive until interrupted (blocking)."""
    import uvicorn

    ds = make_datasette(db_path)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")


def opens_immutable(path: str | Path) -> bool:
    """Whether to open the archive `immutable`: no write-ahead log to read, and a folder this
    process cannot write (a read-only mount says so to root too)."""
    folder = Path(path).resolve().parent
    return not Path(f"{path}-wal").exists() and not os.access(folder, os.W_OK)


def check_read_only(db_path: str | Path) -> None:
    """Check, reading only, that a file this process cannot write is an archive it can serve.

    Raises NotAnArchive (or ForeignDatabase), NewerArchive, or ReadOnly when its schema is
    older than this version's: it cannot be upgraded here, and our plugins read today's.
    """
    from archive.schema import LATEST, schema_version

    path = Path(db_path)
    mode = "immutable=1" if opens_immutable(path) else "mode=ro"
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?{mode}", uri=True)
        try:
            db = Database(conn)
            if "migrations" not in db.table_names():
                raise ForeignDatabase(
                    f"{path} is a SQLite database of another application, not an archive"
                )
            version = schema_version(db)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise storage_failure(exc, path) or NotAnArchive(
            f"{path} is not an embassy-archive database ({exc})"
        ) from None
    if version > LATEST:
        raise newer_archive(path, version, LATEST)
    if version < LATEST:
        raise ReadOnly(
            f"{path} is read-only here and was written by an older embassy-archive (schema "
            f"{version}, this one needs {LATEST}): open it once where it can be written "
            "(any embassy-archive command upgrades it), then serve it"
        )
