"""`pages.text` readable in Datasette: the `zstd_text()` function it is generated with.

`pages.text` is computed from the compressed `pages.text_z` (archive.textcodec); without
the function on a connection, SQLite refuses every query that reads the column or a view
over it (sections, page_versions). Datasette opens its connections itself and hands each
to this hook before any query.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from archive import textcodec
from archive.plugins import hookimpl


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    textcodec.register(conn)
