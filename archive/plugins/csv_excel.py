"""A CSV download that opens right in Excel: UTF-8 with a byte-order mark.

Excel reads a CSV without a BOM as the local code page, which garbles accented French and all
Arabic. Datasette 0.65 has no option for a BOM, so:
- an output renderer `excel` puts a link beside "json" and "CSV" on every table and query page;
- an ASGI wrapper answers any `.excel` address with Datasette's own streaming CSV (all rows,
  same filters, sort and search) under the same address, and prefixes the BOM to any `.csv`
  response asked for with `_bom=1`, streaming untouched after that.

The `.excel` address is rewritten inside the server rather than redirected: Datasette forces
a query renderer's status to 200, so a redirect from a query page arrived as an empty 200 with
a Location header, a blank download.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette.utils.asgi import Response

from archive.plugins import hookimpl, query_csv

BOM = b"\xef\xbb\xbf"
FORMAT = "excel"


def _csv_url(request: Any) -> str:
    path, query = _csv_url_parts(request.path, request.query_string)
    return f"{path}?{query}"


def _render(request: Any) -> Response:
    # Reached only if the ASGI wrapper is not installed; a redirect is then the best we can do.
    return Response.redirect(_csv_url(request))


def excel_as_csv(scope: dict[str, Any]) -> dict[str, Any]:
    """The scope of an `.excel` request turned into that of its streamed CSV with a BOM."""
    path, query = _csv_url_parts(scope["path"], scope.get("query_string", b"").decode("latin-1"))
    return {**scope, "path": path, "raw_path": path.encode("utf-8"),
            "query_string": query.encode("latin-1")}


def _csv_url_parts(path: str, query_string: str) -> tuple[str, str]:
    path = path[: -len(FORMAT)] + "csv"
    args = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True)
            if k not in ("_format", "_stream", "_dl", "_bom", "_size", "_next")]
    args += [("_stream", "on"), ("_dl", "on"), ("_bom", "1")]
    return path, urlencode(args)


@hookimpl
def register_output_renderer(datasette: Any) -> dict[str, Any]:
    return {"extension": FORMAT, "render": _render, "can_render": lambda: True}


def _wants_bom(scope: dict[str, Any]) -> bool:
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return False
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    return query.get("_bom") == "1"


def _bom_sender(send: Any) -> Any:
    """`send` with the BOM put before the first body bytes of a 200 answer."""
    state = {"ok": False, "sent": False}

    async def send_with_bom(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            state["ok"] = message.get("status") == 200
            if state["ok"]:
                message = dict(message)
                message["headers"] = [
                    (k, str(int(v) + len(BOM)).encode() if k.lower() == b"content-length"
                     else v)
                    for k, v in message.get("headers", [])
                ]
        elif message["type"] == "http.response.body" and state["ok"] and not state["sent"]:
            state["sent"] = True
            message = dict(message)
            message["body"] = BOM + message.get("body", b"")
        await send(message)

    return send_with_bom


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def with_bom(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            if scope.get("path", "").endswith("." + FORMAT):
                scope = excel_as_csv(scope)
            target = _bom_sender(send) if _wants_bom(scope) else send
            # A query's streamed CSV is written whole here; Datasette would cut it at 1000.
            response = await query_csv.full_csv(datasette, scope)
            if response is not None:
                await response.asgi_send(target)
            else:
                await app(scope, receive, target)

        return with_bom

    return wrap
