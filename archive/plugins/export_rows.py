"""Where a complete export's rows come from: a table through Datasette's own JSON API, a
query (canned or `?sql=`) straight from SQLite, each as an async generator that yields the
column names first and then lists of rows.

A table is walked page after page of `max_returned_rows` through `/<db>/<table>.json`, with
the page's own filters, search, sort and columns, following Datasette's `next` token (keyset
pagination: sort value, then primary key). Datasette orders the *first* page of a sorted table
by the sort column alone and only later pages by sort column then key (so in 0.65 and in the
1.0 alphas), so where the sort column ties a walk from the first page could lose or repeat
rows at a page boundary. Ours therefore starts from a `_next` token placed before every row
(`$null` ascending, a text above every value descending, then the lowest key), and every
page it reads is ordered by the sort column then the key.

A query runs once, in Datasette's SQL thread on its read-only connection, and hands its rows
over in batches through a small queue, so memory stays bounded and nothing is cut at
`max_returned_rows`. Its time limit counts the database's own time only (not the time the
download waits for the network), `EXPORT_TIME_FACTOR` times Datasette's `sql_time_limit_ms`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sqlite3
import threading
import time
from collections.abc import AsyncGenerator, Sequence
from typing import Any
from urllib.parse import urlencode

from datasette.utils import tilde_encode

BATCH_ROWS = 500  # rows handed from the SQL thread at a time
QUEUE_BATCHES = 4  # batches waiting to be sent before the SQL thread waits
EXPORT_TIME_FACTOR = 10  # a query's export may use this many times the page's time limit
PROGRESS_STEPS = 1000  # SQLite instructions between two looks at the clock
# Above every text SQLite holds (it compares text as UTF-8 bytes) and every number (numbers
# sort before text), so `col < TOP` holds for every non-null value but a blob.
TOP = "\U0010ffff" * 8
LOWEST_INTEGER = str(-(2**63))
# The walk's own arguments: every page as large as Datasette allows, without the counts,
# facets and suggestions the HTML page needs, rows as arrays beside one list of columns.
PAGE_ARGS = [("_size", "max"), ("_nocount", "1"), ("_nofacet", "1"), ("_nosuggest", "1"),
             ("_shape", "arrays")]
Rows = AsyncGenerator[Sequence[Any], None]


class ExportRefused(Exception):
    """An export that cannot be given, with the HTTP status and the sentence that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _page(datasette: Any, request: Any, path: str, args: list[tuple[str, str]]
                ) -> dict[str, Any]:
    # The reader's cookies go along, so Datasette applies the same permissions to each page.
    headers = {"cookie": request.headers["cookie"]} if "cookie" in request.headers else {}
    response = await datasette.client.get(f"{path}?{urlencode(args)}", headers=headers)
    try:
        data: dict[str, Any] = response.json()
    except ValueError:
        data = {}
    if response.status_code != 200 or not isinstance(data, dict):
        message = str((data.get("error") if isinstance(data, dict) else None)
                      or response.text[:300])
        # Datasette 0.65 answers a sort by a column that is not sortable with a 500: it is
        # the address that is wrong, and the reader who can fix it should be told so.
        status = 400 if message.startswith("Cannot sort") else response.status_code
        raise ExportRefused(status, message)
    return data


def sort_of(datasette: Any, database: str, table: str, args: list[tuple[str, str]]
            ) -> tuple[str | None, bool]:
    """The column a table page is sorted by (None if by its key) and whether descending:
    the address's `_sort` or `_sort_desc`, else the table's metadata (Datasette's JSON gives
    only the address's)."""
    given = dict(args)
    for key, descending in (("_sort", False), ("_sort_desc", True)):
        if given.get(key):
            return given[key], descending
    for key, descending in (("sort", False), ("sort_desc", True)):
        column = datasette.metadata(key, database=database, table=table, fallback=False)
        if column:
            return str(column), descending
    return None, False


async def start_token(db: Any, table: str, keys: list[str], descending: bool) -> str:
    """A `_next` token that starts a sorted table before its first row, in Datasette's order."""
    info = await db.execute("select name, type from pragma_table_info(:t)", {"t": table})
    types = {row[0]: (row[1] or "").upper() for row in info.rows}
    # A rowid table is paged by rowid; an INTEGER key starts below every integer, text at "".
    lowest = [LOWEST_INTEGER if "INT" in types.get(k, "") else "" for k in keys]
    start = tilde_encode(TOP) if descending else "$null"
    return ",".join([start, *(tilde_encode(v) for v in lowest or [LOWEST_INTEGER])])


async def table_rows(datasette: Any, request: Any, database: str, table: str,
                     args: list[tuple[str, str]]) -> Rows:
    """The columns, then every row of a table or view as its page at `args` selects them."""
    path = datasette.urls.table(database, table, format="json")
    data = await _page(datasette, request, path, args + PAGE_ARGS)
    yield data["columns"]
    column, descending = sort_of(datasette, database, table, args)
    if data.get("next") and column and not data.get("is_view"):
        # More than one page: start again from before the first row (see the docstring).
        token = await start_token(datasette.get_database(database), table,
                                  data.get("primary_keys") or [], descending)
        data = await _page(datasette, request, path, args + PAGE_ARGS + [("_next", token)])
    while True:
        yield data["rows"]
        if not data.get("next"):
            return
        data = await _page(datasette, request, path,
                           args + PAGE_ARGS + [("_next", str(data["next"]))])


class Params(dict[str, Any]):
    """A query's named parameters: a name the request does not give is "", as on
    Datasette's query page. SQLite asks for each name its statement uses."""

    def __missing__(self, key: str) -> str:
        return ""


class _Stopped(Exception):
    """The download ended before the query did (the reader went away)."""


def _producer(sql: str, params: Params, limit_ms: float, loop: asyncio.AbstractEventLoop,
              queue: asyncio.Queue[tuple[str, Any]], stopped: threading.Event) -> Any:
    """The function Datasette runs in its SQL thread: rows into `queue`, in batches."""
    waited = 0.0

    def put(item: tuple[str, Any]) -> None:
        nonlocal waited
        began = time.monotonic()
        future = asyncio.run_coroutine_threadsafe(queue.put(item), loop)
        while True:
            try:
                future.result(timeout=0.2)
                break
            except concurrent.futures.TimeoutError:
                if stopped.is_set():
                    future.cancel()
                    raise _Stopped from None
        waited += time.monotonic() - began

    def produce(conn: sqlite3.Connection) -> None:
        began = time.monotonic()

        def over_time() -> bool:  # also stops a long query whose reader went away
            return stopped.is_set() or (time.monotonic() - began - waited) * 1000 > limit_ms

        conn.set_progress_handler(over_time, PROGRESS_STEPS)
        try:
            cursor = conn.execute(sql, params)
            put(("columns", [d[0] for d in cursor.description or ()]))
            while batch := cursor.fetchmany(BATCH_ROWS):
                put(("rows", batch))
            put(("end", None))
        except _Stopped:
            raise
        except Exception as error:  # noqa: BLE001 - any failure must reach the reader
            if str(error) == "interrupted":
                error = sqlite3.OperationalError(
                    f"the query used more than {limit_ms:.0f} ms of database time and was "
                    "stopped")
            put(("error", error))
        finally:
            conn.set_progress_handler(None, PROGRESS_STEPS)

    return produce


async def query_rows(db: Any, sql: str, params: Params, limit_ms: float) -> Rows:
    """The columns, then every row of one read-only query, streamed from the SQL thread."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=QUEUE_BATCHES)
    stopped = threading.Event()
    task = asyncio.ensure_future(
        db.execute_fn(_producer(sql, params, limit_ms, loop, queue, stopped)))
    try:
        while True:
            kind, value = await queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise ExportRefused(400, f"The query failed: {value}")
            yield value
    finally:
        stopped.set()
        while not task.done():  # let a producer waiting on a full queue see it is stopped
            while not queue.empty():
                queue.get_nowait()
            await asyncio.sleep(0.01)
        if not task.cancelled():
            task.exception()  # retrieved: a stopped producer's _Stopped is expected
