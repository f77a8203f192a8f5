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

from archive.analysis import query as forms
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


def _match(query: object, language: object, table: object) -> str:
    return forms.match_expression(_text(query), _text(language), _text(table))


def _exact(query: object, table: object) -> str:
    return forms.exact_expression(_text(query), _text(table))


def _excluded(query: object, table: object) -> str:
    return forms.exclusion_expression(_text(query), _text(table))


def _excerpt(text: object, query: object, language: object) -> str:
    # The stems of the page's language are marked too ("passeport" in "passeports").
    return excerpt(_text(text), forms.marking_query(_text(query), _text(language)))


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    conn.create_function("escape_fts", 1, _query, deterministic=True)
    conn.create_function("fts_query", 1, _query, deterministic=True)
    conn.create_function("fts_exclusions", 1, _exclusions, deterministic=True)
    conn.create_function("search_snippet", 2, _snippet, deterministic=True)
    # Every form of a word (archive/analysis): the search page and the `search` canned query.
    conn.create_function("search_match", 3, _match, deterministic=True)
    conn.create_function("search_exact", 2, _exact, deterministic=True)
    conn.create_function("search_exclusions", 2, _excluded, deterministic=True)
    conn.create_function("search_excerpt", 3, _excerpt, deterministic=True)
