"""Search in every language from Datasette's own search box and from canned queries.

Datasette 0.65 searches a table with `... MATCH escape_fts(:search)`. Our FTS tables index
normalised text (see `archive.search`), so the query must be normalised the same way: this
plugin registers its own `escape_fts` *after* Datasette's (trylast), replacing it on every
connection, plus `fts_query(q)` and `search_snippet(text, q)` for the canned queries. Both
read the search syntax of `archive.plugins.query` (-word, OR, "phrase", prefix*); the
snippet is plain text, and the HTML page marks its hits with <mark> (`archive.plugins.ui`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from archive.plugins import hookimpl
from archive.plugins.highlight import excerpt
from archive.plugins.query import fts_exclusions, fts_query


def _snippet(text: str | None, query: str | None) -> str:
    return excerpt(text, query)


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("fts_exclusions", 1, fts_exclusions, deterministic=True)
    conn.create_function("search_snippet", 2, _snippet, deterministic=True)
