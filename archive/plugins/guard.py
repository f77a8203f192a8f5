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
- `instr(X, Y)`, `replace(X, Y, Z)` and the two-argument `trim`, `ltrim`, `rtrim` take time
  len(X) x len(Y) in SQLite 3.40 (`trim` of two 100,000-character strings: 65 s). Past
  `QUADRATIC_LIMIT` they run as Python's linear str.find, str.replace and a character class;
  below it, as SQLite's own on the private connection. A result past the length limit is
  NULL (as SQLite's printf answers), not an error whose traceback Datasette would print.
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
QUADRATIC_LIMIT = 10_000_000  # len(X) * len(Y) past which instr, replace, trim run linear
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


def _own(conn: sqlite3.Connection, name: str, args: tuple[Any, ...]) -> Any:
    """SQLite's own function `name` on the private connection (NULL where it fails)."""
    try:
        return conn.execute(f"SELECT {name}({', '.join('?' * len(args))})", args).fetchone()[0]
    except sqlite3.Error:
        return None


def _text(value: str | bytes) -> str:
    # SQLite reads a blob given to a text function as UTF-8 text.
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _run_length(run: re.Pattern[str], text: str) -> int:
    found = run.match(text)
    return found.end() if found else 0


def _quadratic(x: Any, y: Any) -> bool:
    return (isinstance(x, str | bytes) and isinstance(y, str | bytes)
            and len(x) * len(y) > QUADRATIC_LIMIT)


def private_connection() -> sqlite3.Connection:
    """An in-memory connection under the same length limit, for SQLite's own functions."""
    private = sqlite3.connect(":memory:", check_same_thread=False)
    private.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, LENGTH_LIMIT)
    return private


def bounded_functions(conn: sqlite3.Connection) -> dict[str, tuple[int, Any]]:
    """Our printf, format, instr, replace and two-argument trims, by name: (arity, function),
    each answering as SQLite's own through `conn` (a private connection) within its bounds."""

    # NULL, not an error, for what is refused: SQLite's printf answers NULL for a result over
    # the length limit, and Datasette prints the traceback of a function that raises.
    def printf(fmt: Any = None, *args: Any) -> Any:
        if isinstance(fmt, str) and printf_bounds(fmt, args) > PRINTF_LIMIT:
            return None
        return _own(conn, "printf", (fmt, *args))

    def instr(x: Any, y: Any) -> Any:
        if not _quadratic(x, y):
            return _own(conn, "instr", (x, y))
        if isinstance(x, bytes) and isinstance(y, bytes):
            return x.find(y) + 1
        return _text(x).find(_text(y)) + 1

    def replace(x: Any, y: Any, z: Any) -> Any:
        if not _quadratic(x, y) or not isinstance(z, str | bytes):
            return _own(conn, "replace", (x, y, z))
        x, y, z = _text(x), _text(y), _text(z)
        if not y:
            return x
        if len(x) + x.count(y) * (len(z) - len(y)) > LENGTH_LIMIT:
            return None
        return x.replace(y, z)

    def trimmer(left: bool, right: bool) -> Any:
        def trim(x: Any, y: Any) -> Any:
            if not _quadratic(x, y):
                return _own(conn, "trim" if left and right else "ltrim" if left else "rtrim",
                            (x, y))
            x, chars = _text(x), "".join(re.escape(ch) for ch in set(_text(y)))
            run = re.compile(f"[{chars}]*" if chars else "")
            start = _run_length(run, x) if left else 0
            end = len(x) - (_run_length(run, x[::-1]) if right else 0)
            return x[start:max(start, end)]

        return trim

    return {"printf": (-1, printf), "format": (-1, printf), "instr": (2, instr),
            "replace": (3, replace), "trim": (2, trimmer(True, True)),
            "ltrim": (2, trimmer(True, False)), "rtrim": (2, trimmer(False, True))}


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, LENGTH_LIMIT)
    # SQLite's own functions, on a connection of its own that no one else can reach (their
    # names are overridden on `conn` only); one per connection, so one per Datasette thread.
    for name, (arity, function) in bounded_functions(private_connection()).items():
        conn.create_function(name, arity, function, deterministic=True)


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
