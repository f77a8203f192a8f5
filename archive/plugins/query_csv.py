"""A query's streamed CSV holds all its rows, not the first `max_returned_rows`.

Datasette 0.65 pages only tables: for a canned query or `?sql=` it writes one page, cut at
`max_returned_rows` (1000) without a word, so `changes_between` over a year of a large
archive lost rows. When a query's CSV is asked for with `_stream=on` (as the "excel" link
does), we run the same read-only SQL with the same parameters and Datasette's time limit,
through Datasette's own `Database.execute(truncate=False)`, and write every row. Anything we
cannot answer the same way (a table, SQL that is not a SELECT, a refused permission) goes on
to Datasette; a query that fails is a 400 with its reason (Datasette gave an empty 200).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from typing import Any
from urllib.parse import parse_qs

from datasette.database import QueryInterrupted
from datasette.utils import (
    InvalidSql,
    derive_named_parameters,
    tilde_decode,
    validate_sql_select,
)
from datasette.utils.asgi import Response

_CANNED = re.compile(r"^/(?P<db>[^/]+)/(?P<name>[^/]+)\.csv$")
_ARBITRARY = re.compile(r"^/(?P<db>[^/]+)\.csv$")


async def _query_sql(datasette: Any, path: str, args: dict[str, list[str]]
                     ) -> tuple[Any, str, str] | None:
    """The database, SQL and file name of a query's CSV address, or None if not a query's."""
    canned, arbitrary = _CANNED.match(path), _ARBITRARY.match(path)
    match = canned or arbitrary
    if match is None:
        return None
    name = tilde_decode(match.group("db"))
    db = datasette.databases.get(name)
    if db is None or name == "_internal":
        return None
    if canned:
        query_name = tilde_decode(canned.group("name"))
        queries = await datasette.get_canned_queries(name, None)
        query = queries.get(query_name)
        if not query or query.get("write"):
            return None  # a table (Datasette pages those itself) or a writable query
        if not await datasette.permission_allowed(None, "view-query", (name, query_name),
                                                  default=True):
            return None
        return db, query["sql"], query_name
    sql = (args.get("sql") or [""])[0]
    try:
        validate_sql_select(sql)
    except InvalidSql:
        return None  # Datasette answers with its own error
    if not await datasette.permission_allowed(None, "execute-sql", name, default=True):
        return None
    return db, sql, name


def _cell(value: Any) -> Any:
    return "" if value is None else ("<binary>" if isinstance(value, bytes) else value)


async def full_csv(datasette: Any, scope: dict[str, Any]) -> Response | None:
    """The complete CSV of a canned or arbitrary query asked for with `_stream=on`, or None."""
    args = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if (args.get("_stream") or [""])[0] != "on":
        return None
    found = await _query_sql(datasette, scope.get("path", ""), args)
    if found is None:
        return None
    db, sql, name = found
    params = {p: (args.get(p) or [""])[0] for p in await derive_named_parameters(db, sql)}
    try:
        results = await db.execute(sql, params, truncate=False)
    except sqlite3.Error as error:
        # Datasette answers a failing query's CSV with an empty 200: say what went wrong.
        return Response.text(f"The query failed: {error}", status=400)
    except QueryInterrupted:
        limit = datasette.setting("sql_time_limit_ms")
        return Response.text(f"The query took longer than {limit} ms and was stopped.",
                             status=400)

    out = io.StringIO()
    writer = csv.writer(out)
    if (args.get("_header") or [""])[0] != "off":
        writer.writerow(results.columns)
    for row in results.rows:
        writer.writerow([_cell(v) for v in row])
    headers = {}
    content_type = "text/plain; charset=utf-8"
    if (args.get("_dl") or [""])[0]:
        content_type = "text/csv; charset=utf-8"
        headers["content-disposition"] = f'attachment; filename="{name}.csv"'
    return Response(out.getvalue(), content_type=content_type, headers=headers)
