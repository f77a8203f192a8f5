"""Migration 11 (released, superseded by 12): `pages.text` zstd-compressed in `text_z`.

It made `pages.text` a generated column over `zstd_text(text_z)`, a function only this
package registered, which closed the file to every other SQLite reader; migration 12 stores
the text as plain TEXT again. Kept so that an archive of schema 10 or older is converted the
way it was released, and so that migration 12 can read an archive of schema 11: `register`
gives a connection of ours the function, for the conversion only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from archive import compress

FUNCTION = "zstd_text"
_COMPRESS = "embassy_archive_compress_text"  # the migration's own; never in the schema


def compress_text(text: str | None) -> bytes | None:
    """One zstd frame of the text's UTF-8, as migration 11 stored it (None stays None)."""
    return None if text is None else compress.compress(text.encode("utf-8"))


def decompress_text(blob: bytes | str | None) -> str | None:
    """What `zstd_text(text_z)` gave: the text (a text value, written by hand, as it is)."""
    if blob is None or isinstance(blob, str):
        return blob
    return compress.decompress(blob).decode("utf-8")


def register(conn: sqlite3.Connection) -> None:
    """Let `conn` read an archive of schema 11 (its `pages.text` calls `zstd_text`)."""
    conn.create_function(FUNCTION, 1, decompress_text, deterministic=True)


def convert(conn: sqlite3.Connection) -> None:
    """Move pages.text into pages.text_z and make text the generated column that reads it."""
    register(conn)
    conn.create_function(_COMPRESS, 1, compress_text, deterministic=True)
    views = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid"
    ).fetchall()
    for name, _ in views:
        conn.execute(f'DROP VIEW "{name}"')
    conn.execute("ALTER TABLE pages ADD COLUMN text_z BLOB")
    conn.execute(f"UPDATE pages SET text_z = {_COMPRESS}(text)")
    conn.execute("ALTER TABLE pages DROP COLUMN text")
    conn.execute(
        "ALTER TABLE pages ADD COLUMN text TEXT "
        f"GENERATED ALWAYS AS ({FUNCTION}(text_z)) VIRTUAL"
    )
    for _, sql in views:
        conn.execute(sql)


STEPS: list[str | Callable[[sqlite3.Connection], None]] = [convert]
