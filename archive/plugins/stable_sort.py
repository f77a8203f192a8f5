"""Sorted table pages that never repeat or lose a row, and a 400 (not a 500) for a bad sort.

Datasette 0.65 pages a sorted table by keyset: page 2 onwards is `order by <col>, <pk>` from
the last row of the page before, but the *first* page is `order by <col>` alone. Where the
sort column ties (the default `last_seen desc` of `pages`, `fetched_at` of captures), the
first page returns the tied rows in any order, so the next pages repeat some and skip others:
an HTML "Next", a JSON `next` and a streamed CSV all lose and repeat rows.

It also turns two mistakes in the address into a 400 with a clear line (Datasette answered
500): a sort by a column that is not sortable, and a filter value that is not valid JSON.

The fix at the root: when a sorted table is asked for its first page, we hand Datasette a
`_next` token that starts before every row ("$null" or a value above every value, then the
lowest key), so the first page goes through the same `order by <col>, <pk>` as the others.
Only the internal argument is set; the request (and every link built from it) is untouched.
This wraps `TableView.data`, public in 0.65 and called by the HTML, JSON and CSV renderers
alike; pyproject pins datasette below 0.66, where this must be looked at again.
"""

from __future__ import annotations

import json
from typing import Any

from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response
from datasette.views.base import DatasetteError
from datasette.views.table import TableView

# Above every text SQLite holds (it compares text as UTF-8 bytes) and every number (numbers
# sort before text), so `col < TOP` holds for every non-null value of any column.
TOP = "\U0010ffff" * 8
# Below every integer key; text keys start above "".
LOWEST_INTEGER = str(-(2**63))
_PATCHED = "_embassy_archive_stable_sort"


async def _key_types(view: TableView, request: Any, column: str) -> list[str] | None:
    """The declared types of the table's primary key columns ([] for a rowid table), or None
    when no token can start before every row (a view, or a BLOB column: blobs sort above any
    text a URL can carry)."""
    db = view.ds.get_database(route=tilde_decode(request.url_vars["database"]))
    table = tilde_decode(request.url_vars["table"])
    if table not in await db.table_names():
        return None
    details = await db.table_column_details(table)
    if any(c.name == column and "BLOB" in c.type.upper() for c in details):
        return None
    keyed = sorted((c for c in details if c.is_pk), key=lambda c: c.is_pk)
    return [c.type.upper() for c in keyed]


def _lowest(sql_type: str) -> str:
    return LOWEST_INTEGER if "INT" in sql_type else ""


async def first_page_token(view: TableView, request: Any) -> str | None:
    """A `_next` token that starts a sorted table before its first row, or None."""
    args = request.args
    if args.get("_next"):
        return None
    sort, sort_desc = args.get("_sort"), args.get("_sort_desc")
    if not sort and not sort_desc:
        database = tilde_decode(request.url_vars["database"])
        table = tilde_decode(request.url_vars["table"])
        meta = view.ds.table_metadata(database, table)
        sort, sort_desc = meta.get("sort"), meta.get("sort_desc")
    if not sort and not sort_desc:
        return None
    types = await _key_types(view, request, sort or sort_desc)
    if types is None:
        return None
    keys = [_lowest(t) for t in types] or [LOWEST_INTEGER]  # a rowid table's key is rowid
    # Ascending, nulls come first: "$null" then the lowest key takes every row in order.
    start = "$null" if sort else tilde_encode(TOP)
    return ",".join([start, *(tilde_encode(k) for k in keys)])


async def bad_request(view: TableView, request: Any, message: str) -> Response:
    """A 400 answered as Datasette's own error page or JSON, without going through its
    exception handler (which prints a traceback with every local for each bad address)."""
    info = {"ok": False, "error": message, "status": 400, "title": "Bad request"}
    if request.path.endswith(".json") or request.args.get("_format") == "json":
        return Response.json(info, status=400)
    if request.path.endswith(".csv"):
        return Response.text(message, status=400)
    html = await view.ds.render_template(["400.html", "error.html"], info, request=request)
    return Response.html(html, status=400)


def install() -> None:
    """Wrap TableView.data once per process (idempotent)."""
    if getattr(TableView.data, _PATCHED, False):
        return
    original = TableView.data

    async def data(self: TableView, request: Any, default_labels: bool = False,
                   _next: str | None = None, _size: Any = None) -> Any:
        if _next is None:
            _next = await first_page_token(self, request)
        try:
            return await original(self, request, default_labels, _next, _size)
        except DatasetteError as error:
            # "Cannot sort table by text" is the user's request, not a server failure.
            if not str(error).startswith("Cannot sort"):
                raise
            message = f"{error}: sort by one of the columns with a sort arrow"
        except json.JSONDecodeError as error:
            # `?column__in=[` : Datasette reads a filter value starting with [ as JSON.
            message = f"A filter value could not be read as JSON: {error}"
        return await bad_request(self, request, message)

    setattr(data, _PATCHED, True)
    TableView.data = data
