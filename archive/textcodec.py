"""A page's text stored compressed: `pages.text_z`, read back through `zstd_text(text_z)`.

`pages.text` is a virtual generated column, `zstd_text(text_z)`: writers store `text_z`
(`compress_text`), readers keep reading `text`, and every view built on it (sections,
page_versions) reads it unchanged. zstd without a dictionary, so the SQL function is pure (no
database access) and deterministic, as SQLite requires of a generated column.

SQLite knows nothing of zstd: every connection that reads `pages.text` must have the function
registered, else SQLite says "unknown function zstd_text()". `register(conn)` does it for a
sqlite3 connection, `connect(path)` opens one with it, and the package registers it on every
connection it opens (ensure_schema, Datasette's through archive.plugins.text_column). This
module is also a sqlite-utils plugin (`prepare_connection`, declared in pyproject.toml), so
`sqlite_utils.Database(path)` and the `sqlite-utils` command get it wherever the package is
installed.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import zstandard
from sqlite_utils import hookimpl

from archive import compress

FUNCTION = "zstd_text"
# Text compresses to 41% of its UTF-8 at level 6; levels 9-15 gain under 2% for twice the
# time, 19 another 4% at six times the time (a million pages migrated: minutes more).
LEVEL = 6

# The last text read, per thread (see decompress_text); the zstd objects themselves are made
# per thread by archive.compress, since one used by two threads at once gives wrong bytes.
_local = threading.local()


def _new_compressor(_dictionary: bytes) -> zstandard.ZstdCompressor:
    # No checksum: SQLite's pages carry the integrity; 4 bytes a row saved.
    return zstandard.ZstdCompressor(level=LEVEL, write_checksum=False)


def compress_text(text: str | None) -> bytes | None:
    """What `pages.text_z` holds for `text`: one zstd frame of its UTF-8 (None stays None)."""
    if text is None:
        return None
    return compress.per_thread("text_compressors", _new_compressor)(b"").compress(
        text.encode("utf-8"))


def decompress_text(blob: bytes | str | None) -> str | None:
    """The text `compress_text` was given; the SQL function `zstd_text(text_z)`.

    A text value (not a blob) is returned as it is: a row written by hand with plain SQL
    still reads.
    """
    if blob is None or isinstance(blob, str):
        return blob
    # The sections view reads its page's text once per section, one section after the
    # other: the last text read is kept (per thread), so a page is decompressed once.
    last: tuple[bytes, str] | None = getattr(_local, "last", None)
    if last is not None and last[0] == blob:
        return last[1]
    text = compress.decompress(blob).decode("utf-8")
    _local.last = (blob, text)
    return text


def register(conn: sqlite3.Connection) -> None:
    """Give `conn` the `zstd_text()` function that `pages.text` is computed with."""
    conn.create_function(FUNCTION, 1, decompress_text, deterministic=True)


def connect(path: str | Path, **kwargs: Any) -> sqlite3.Connection:
    """`sqlite3.connect(path, **kwargs)` with `zstd_text()` registered: reads `pages.text`."""
    conn: sqlite3.Connection = sqlite3.connect(path, **kwargs)
    register(conn)
    return conn


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """sqlite-utils' hook: every `Database(...)` it opens can read `pages.text`."""
    register(conn)
