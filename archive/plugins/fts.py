"""Search in every language from Datasette's own search box and from canned queries.

Datasette 0.65 searches a table with `... MATCH escape_fts(:search)`. Our FTS tables index
normalised text (see `archive.search`), so the query must be normalised the same way: this
plugin registers its own `escape_fts` *after* Datasette's (trylast), replacing it on every
connection, plus `fts_query(q)` and `search_snippet(text, q)` for the canned queries. Both
read the search syntax of `archive.plugins.query` (-word, OR, "phrase", prefix*); the
snippet is plain text, and the HTML page marks its hits with <mark> (`archive.plugins.ui`).

Anyone may call these functions from `?sql=`, with any value, and Datasette's time limit
cannot stop a call once it runs: each reads a bounded part of its input (`QUERY_LIMIT`
characters of a query, `SNIPPET_TEXT_LIMIT` of a text) in linear time, and takes a value of
the wrong type (a number, a blob) as no text at all.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from archive.plugins import hookimpl
from archive.plugins.highlight import excerpt
from archive.plugins.query import fts_exclusions, fts_query


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _snippet(text: object, query: object) -> str:
    return excerpt(_text(text), _text(query))


def _query(query: object) -> str:
    return fts_query(_text(query))


def _exclusions(query: object) -> str:
    return fts_exclusions(_text(query))


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    conn.create_function("escape_fts", 1, _query, deterministic=True)
    conn.create_function("fts_query", 1, _query, deterministic=True)
    conn.create_function("fts_exclusions", 1, _exclusions, deterministic=True)
    conn.create_function("search_snippet", 2, _snippet, deterministic=True)
