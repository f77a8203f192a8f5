"""Migration 11: a page's text stored zstd-compressed, `pages.text` computed from it.

`pages.text_z` holds the text as one zstd frame (archive.textcodec) and `pages.text` becomes
`GENERATED ALWAYS AS (zstd_text(text_z)) VIRTUAL`: the same name, the same values, read by
the same queries, views and Datasette pages, at 41% of the bytes. The table is altered in
place rather than rebuilt: rowids (which pages_fts is keyed by) stay as they are, and no row
is ever deleted (a rebuilt table would cascade its deletion to sections, translations and
versions). `text` moves to the last column, where a long column reads best anyway.

The views over pages.text (sections, page_versions) are dropped and made again from their own
SQL, unchanged, since SQLite will not drop a column a view reads. Every row's text is checked
through the function before the old column goes; all of it runs in the migration's
transaction: all or nothing. The space the old column held is reused by later writes
(`VACUUM` gives it back to the file system at once).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from archive import textcodec

_COMPRESS = "embassy_archive_compress_text"  # the migration's own; never in the schema


def convert(conn: sqlite3.Connection) -> None:
    """Move pages.text into pages.text_z and make text the generated column that reads it."""
    textcodec.register(conn)
    conn.create_function(_COMPRESS, 1, textcodec.compress_text, deterministic=True)
    views = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid"
    ).fetchall()
    for name, _ in views:
        conn.execute(f'DROP VIEW "{name}"')
    conn.execute("ALTER TABLE pages ADD COLUMN text_z BLOB")
    conn.execute(f"UPDATE pages SET text_z = {_COMPRESS}(text)")
    wrong = conn.execute(
        f"SELECT count(*) FROM pages WHERE {textcodec.FUNCTION}(text_z) IS NOT text"
    ).fetchone()[0]
    if wrong:
        raise RuntimeError(f"migration 11: {wrong} pages' text would not read back; nothing changed")
    conn.execute("ALTER TABLE pages DROP COLUMN text")
    conn.execute(
        "ALTER TABLE pages ADD COLUMN text TEXT "
        f"GENERATED ALWAYS AS ({textcodec.FUNCTION}(text_z)) VIRTUAL"
    )
    for _, sql in views:
        conn.execute(sql)


STEPS: list[str | Callable[[sqlite3.Connection], None]] = [convert]
