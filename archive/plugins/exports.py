"""Complete CSV and excel downloads of every table, canned query and SQL query, through
Datasette's documented hooks only (`register_routes`, `extra_template_vars`, templates).

    /-/export/<db>/<table or canned query>.csv?<the page's own arguments>
    /-/export/<db>/<table or canned query>.excel?...
    /-/export/<db>.csv?sql=...            (and .excel)

Each gives every row, streamed (archive.plugins.export_rows says from where): Datasette's own
"CSV" link gives one page of a table (`_size=max`, 1,000 rows) and one page of a query. The
visible "CSV" and "excel" links of a table or query page point here: `extra_template_vars`
hands the template both addresses, and our table.html and query.html set `url_csv` and add
`excel` to `renderers` before Datasette's own template draws them.

- CSV is the stored text byte for byte (Python's csv module, as Datasette writes it).
- excel is the same CSV with a UTF-8 byte-order mark (Excel reads a CSV without one in the
  local code page, which garbles Arabic and accents) and OWASP's defence against CSV
  injection: a text cell that starts with = + - @ tab or carriage return gets a leading `'`,
  so a spreadsheet shows it as text and never runs it as a formula.
A failure before the first row is a 400 (or 403/404) with a sentence; a failure after it
(the query's time limit) breaks off the download, so no client takes a cut file as whole.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from datasette import Response
from datasette.utils import tilde_decode

from archive.plugins import hookimpl
from archive.plugins.export_rows import (
    EXPORT_TIME_FACTOR,
    ExportRefused,
    Params,
    Rows,
    query_rows,
    table_rows,
)

BOM = "\ufeff"
FORMATS = ("csv", "excel")
# OWASP: a cell starting with one of these is read by spreadsheets as a formula (or, for tab
# and carriage return, hides one behind a separator).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Arguments of a page that do not choose rows (paging, formats, facets, display).
_NOT_ROWS = re.compile(r"^_(next|size|format|shape|stream|dl|nocount|nofacet|nosuggest|labels|"
                       r"facet.*|json|nl|trace|context|hide_sql|show_sql|bom)$")
_READ_ONLY_SQL = re.compile(r"^\s*(--[^\n]*\n\s*|/\*.*?\*/\s*)*(select|with|values)\b",
                            re.IGNORECASE | re.DOTALL)


def excel_cell(value: str) -> str:
    """A text cell as a spreadsheet may read it without running it (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: Any, excel: bool) -> Any:
    if isinstance(value, dict):  # a label Datasette expanded, or a blob in its JSON
        value = value.get("value", "<binary>")
    if value is None:
        return ""
    if isinstance(value, bytes):
        return "<binary>"
    if excel and isinstance(value, str):
        return excel_cell(value)
    return value


def csv_bytes(rows: Iterable[Sequence[Any]], excel: bool) -> bytes:
    """CSV lines (as Datasette writes them: the excel dialect, \\r\\n) for `rows`."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(v, excel) for v in row])
    return out.getvalue().encode("utf-8")


def row_args(query_string: str) -> list[tuple[str, str]]:
    """The arguments of a page's address that choose its rows (filters, search, sort ...)."""
    return [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True)
            if not _NOT_ROWS.match(k)]


async def _rows(datasette: Any, request: Any) -> tuple[str, Rows]:
    """The file name and the rows of the export this request names."""
    database = tilde_decode(request.url_vars["database"])
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise ExportRefused(404, f"There is no database {database!r}.") from None
    limit_ms = datasette.setting("sql_time_limit_ms") * EXPORT_TIME_FACTOR
    args = row_args(request.query_string)
    params = Params(args)
    name = request.url_vars.get("name")
    if name is None:  # /-/export/<db>.csv?sql=...
        sql = request.args.get("sql") or ""
        if not _READ_ONLY_SQL.match(sql):
            raise ExportRefused(400, "Only a SELECT (or WITH ... SELECT) query is exported.")
        if not await datasette.permission_allowed(request.actor, "execute-sql", database,
                                                  default=True):
            raise ExportRefused(403, "Running SQL is not allowed here.")
        return database, query_rows(db, sql, params, limit_ms)
    name = tilde_decode(name)
    query = await datasette.get_canned_query(database, name, request.actor)
    if query is not None:
        if query.get("write"):
            raise ExportRefused(400, f"{name} writes to the database: it has no export.")
        if not await datasette.permission_allowed(request.actor, "view-query",
                                                  (database, name), default=True):
            raise ExportRefused(403, f"The query {name} is not open to you.")
        return name, query_rows(db, query["sql"], params, limit_ms)
    if name in await db.table_names() or name in await db.view_names():
        return name, table_rows(datasette, request, database, name, args)
    raise ExportRefused(404, f"There is no table or canned query {name!r} in {database!r}.")


async def export(datasette: Any, request: Any, send: Any) -> Response | None:
    """Every row of a table or query as CSV or excel, streamed as it is read."""
    excel = request.url_vars["format"] == "excel"
    try:
        name, rows = await _rows(datasette, request)
    except ExportRefused as refused:
        return Response.text(refused.message, status=refused.status)
    try:
        # Read until the first row (or the end) so that an error is still a status and a reason.
        columns = await anext(rows)
        first: Sequence[Any] = await anext(rows, [])
    except ExportRefused as refused:
        await rows.aclose()
        return Response.text(refused.message, status=refused.status)
    filename = quote(f"{name}.csv")
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/csv; charset=utf-8"),
        (b"content-disposition",
         f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}".encode()),
    ]})
    head = csv_bytes([columns], excel)
    await send({"type": "http.response.body", "more_body": True,
                "body": (BOM.encode() if excel else b"") + head + csv_bytes(first, excel)})
    try:
        async for batch in rows:
            await send({"type": "http.response.body", "body": csv_bytes(batch, excel),
                        "more_body": True})
    finally:
        await rows.aclose()
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    return None


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    formats = "|".join(FORMATS)
    return [
        (rf"^/-/export/(?P<database>[^/]+)/(?P<name>[^/]+)\.(?P<format>{formats})$", export),
        (rf"^/-/export/(?P<database>[^/]+)\.(?P<format>{formats})$", export),
    ]


def export_links(datasette: Any, request: Any) -> dict[str, str] | None:
    """The complete CSV and excel addresses of the table or query page `request` shows."""
    database = request.url_vars.get("database")
    if not database:
        return None
    name = request.url_vars.get("table")
    where = f"{database}/{name}" if name else database
    query = urlencode(row_args(request.query_string))
    return {fmt: datasette.urls.path(f"/-/export/{where}.{fmt}" + (f"?{query}" if query
                                                                     else ""))
            for fmt in FORMATS}


@hookimpl
def extra_template_vars(template: str, request: Any, datasette: Any) -> dict[str, Any] | None:
    if request is None or not template.startswith(("table", "query")):
        return None
    return {"archive_exports": export_links(datasette, request)}
