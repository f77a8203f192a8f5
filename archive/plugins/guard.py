"""What keeps one request from stalling the public server: bounds on SQL, and errors answered
without a traceback.

- SQLite's own length limit (`LENGTH_LIMIT`, far above any stored text or body: bodies are
  capped at 10 MiB) is set on every connection Datasette opens, so that `zeroblob(1e9)` or a
  `replace()` that grows without end fails at once with "string or blob too big" instead of
  taking gigabytes.
- `printf()` (and its alias `format()`) answer NULL for a width or precision above
  `PRINTF_LIMIT`, as SQLite's printf does for a result over the length limit:
  SQLite 3.40 writes `printf('%.*c', 900000000, 'x')` one character at a time even after the
  length limit is hit (8 s a call), and Datasette's time limit cannot stop a function while
  it runs. Within the bound the call is SQLite's own printf, run on a private connection.
- Errors: Datasette 0.65 prints every error's traceback with its locals through `rich` when
  rich is installed (it comes with wacz -> frictionless -> typer), synchronously on the event
  loop, and for a 404 outside an `except` block rich itself fails, so unknown addresses
  answered 500. Our `handle_exception` is a pluggy hook wrapper around Datasette's documented
  `handle_exception` hook: it answers with our own plain response (the same error.html and
  JSON shape) and drops the default handler's, which never runs. A client's error (4xx) is
  answered without a log line; a server error (500) logs one line, never a traceback.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Generator
from typing import Any

from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError
from markupsafe import Markup

from archive.plugins import hookimpl

LENGTH_LIMIT = 64 * 1024 * 1024  # bytes of any one string or blob SQLite makes or reads
PRINTF_LIMIT = 100_000  # the largest width or precision printf() accepts
LOG_LINE_LIMIT = 300  # characters of an error message written to the log
log = logging.getLogger("embassy_archive.serve")

# A printf conversion: flags, width, precision (digits or * for the next argument), type.
_SPEC = re.compile(r"%[-+ #0,!]*(\*|\d+)?(?:\.(\*|\d*))?(?:ll|l)?(.)", re.DOTALL)


def printf_bounds(fmt: str, args: tuple[Any, ...]) -> int:
    """The largest width or precision that `fmt` asks of printf, with `*` read from `args`."""
    largest, used = 0, 0
    for width, precision, kind in _SPEC.findall(fmt):
        for value in (width, precision):
            if value == "*":
                taken = args[used] if used < len(args) else 0
                used += 1
                number = taken if isinstance(taken, int) else 0
            else:
                number = int(value) if value else 0
            largest = max(largest, abs(number))
        if kind != "%":
            used += 1
    return largest


def _bounded_printf(conn: sqlite3.Connection) -> Any:
    # NULL, not an error, for what it refuses: SQLite's printf answers NULL for a result over
    # the length limit, and Datasette prints the traceback of a function that raises.
    def printf(fmt: Any = None, *args: Any) -> Any:
        if isinstance(fmt, str) and printf_bounds(fmt, args) > PRINTF_LIMIT:
            return None
        marks = ", ".join("?" * (1 + len(args)))
        try:
            return conn.execute(f"SELECT printf({marks})", (fmt, *args)).fetchone()[0]
        except sqlite3.Error:
            return None

    return printf


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, LENGTH_LIMIT)
    # SQLite's printf itself, on a connection of its own that no one else can reach (its
    # name is overridden on `conn` only); one per connection, so one per Datasette thread.
    private = sqlite3.connect(":memory:", check_same_thread=False)
    private.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, LENGTH_LIMIT)
    printf = _bounded_printf(private)
    conn.create_function("printf", -1, printf, deterministic=True)
    conn.create_function("format", -1, printf, deterministic=True)


def _status_and_message(exception: BaseException) -> tuple[int, Any, str | None]:
    if isinstance(exception, OverflowError):
        # A number from the address that no SQLite integer holds (a capture id past 2**63).
        return 400, "A number in the address is out of range.", None
    if isinstance(exception, sqlite3.ProgrammingError) and "null character" in str(exception):
        # A NUL from the address that reached SQL text (Datasette's own `?_facet=%00`).
        return 400, "The address holds a NUL character, which no name or query may hold.", None
    if isinstance(exception, DatasetteError) and exception.message.startswith("Cannot sort"):
        # Datasette 0.65 gives a sort by a column that is not sortable status 500 (it was
        # archive.plugins.stable_sort's 400 before): the reader's address, not the server.
        return 400, f"{exception.message}: sort by a column with a sort arrow", "Bad request"
    if isinstance(exception, ValueError) and type(exception).__name__ == "JSONDecodeError":
        # `?column__in=[` : Datasette reads a filter value starting with [ as JSON.
        return 400, f"A filter value could not be read as JSON: {exception}", "Bad request"
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0]) if exception.args else "", None
    if isinstance(exception, DatasetteError):
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return exception.status, message, exception.title
    return 500, "The server could not answer this request; the error has been logged.", None


def _log_line(request: Any, exception: BaseException) -> str:
    where = ""
    tb = exception.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
    message = " ".join(str(exception).split())[:LOG_LINE_LIMIT]
    return f"{request.method} {request.path[:LOG_LINE_LIMIT]}: " \
           f"{type(exception).__name__}: {message}{where}"


async def error_response(datasette: Any, request: Any, exception: BaseException) -> Response:
    """The answer to an error: Datasette's error page or JSON, without printing a traceback."""
    status, message, title = _status_and_message(exception)
    if status >= 500:
        log.error("%s", _log_line(request, exception))
    info = {"ok": False, "error": message, "status": status, "title": title}
    if isinstance(exception, DatasetteError):
        info = {**exception.error_dict, **info}
    if request.path.endswith(".json"):
        return Response.json(info, status=status)
    try:
        page = await datasette.render_template([f"{status}.html", "error.html"], info,
                                               request=request)
    except Exception as failure:  # noqa: BLE001 - the error page itself failed: plain text
        log.error("%s", _log_line(request, failure))
        return Response.text(f"Error {status}: {message}", status=status)
    return Response.html(page, status=status)


@hookimpl(hookwrapper=True)
def handle_exception(datasette: Any, request: Any, exception: BaseException
                     ) -> Generator[None, Any, None]:
    outcome = yield
    # Every handler's answer is computed when Datasette awaits it: only ours will be.
    outcome.force_result([lambda: error_response(datasette, request, exception)])
