"""Memento (RFC 7089) and the Wayback Machine's CDX API, answered from the archive `serve` opens.

    /-/timegate/<URL>              Accept-Datetime -> 302 to the capture nearest in time
    /-/timemap/link/<URL>          every capture of the URL (application/link-format)
    /-/timemap/json/<URL>          the same as JSON
    /-/web/cdx?url=…               the CDX server API (matchType, from, to, output=json, fl,
                                   filter, collapse, limit, showResumeKey / resumeKey)
    /-/web/<YYYYMMDDhhmmss>id_/<URL>  the capture's bytes as fetched (its headers as
                                   X-Archive-Orig-*), Memento-Datetime and Link headers

The layout is a pywb collection named `web`, so `backfill --cdx http://HOST/-/web/cdx` of
another copy of this project, pywb's tools and EDGI's `wayback` client read our history. A
redirected fetch is two mementos, as the Wayback Machine lists them: the redirect at the
address asked for (301: the crawl keeps where a redirect led, not its status) and the answer
at the address it ended at. Read-only: only SELECTs on Datasette's read connection. A raw
capture is served under a sandboxing CSP: a page's scripts never run in the archive's origin.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from datasette.utils.asgi import Response

from archive import store
from archive.plugins import hookimpl
from archive.plugins.reader import archive_database
from archive.plugins.reader_data import page_captures

CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
RAW_HEADERS = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}
_FILTER = re.compile(r"^(?P<neg>!)?(?P<tilde>~)?(?P<field>[a-z]+):(?P<pattern>.*)$")


@dataclass(frozen=True)
class Memento:
    """One capture as a web archive lists it."""

    url: str
    stamp: str  # YYYYMMDDhhmmss
    status: int
    mime: str
    sha256: str | None
    size: int | None
    headers: str | None  # the stored JSON object
    location: str | None  # a redirect's target
    order: int  # stable order among captures of one second

    def field(self, name: str) -> str:
        values = {
            "urlkey": surt(self.url), "timestamp": self.stamp, "original": self.url,
            "mimetype": self.mime or "-", "statuscode": str(self.status),
            "digest": _digest(self.sha256), "length": str(self.size or 0),
        }
        return values.get(name, "-")


def stamp_of(fetched_at: str) -> str:
    """An ISO time as the Wayback Machine writes it.

    >>> stamp_of("2012-03-04T10:15:01Z")
    '20120304101501'
    """
    return "".join(ch for ch in fetched_at if ch.isdigit())[:14]


def surt(url: str) -> str:
    """The CDX sort key: host reversed with commas, then the path and query, lower-case.

    >>> surt("https://www.ML.ambafrance.org/spip.php?article12")
    'org,ambafrance,ml)/spip.php?article12'
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    key = ",".join(reversed(host.split(".")))
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    rest = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{key}){rest}".lower()


def bare(url: str) -> str:
    """A URL without its scheme (the Wayback Machine matches either)."""
    return url.split("://", 1)[-1]


def _digest(sha256: str | None) -> str:
    # Base32 as the Wayback Machine writes digests; of our SHA-256, which is what we keep.
    return base64.b32encode(bytes.fromhex(sha256)).decode() if sha256 else "-"


def _as_mementos(rows: Iterable[Mapping[str, Any]]) -> list[Memento]:
    """Answered captures as mementos; a redirected fetch gives its redirect and its answer."""
    out: list[Memento] = []
    for row in rows:
        if row["status"] is None:
            continue  # a fetch that failed is no memento
        url, final, cid = row["url"], row["final_url"], int(row["id"])
        mime = (row["content_type"] or "").split(";")[0].strip().lower()
        stamp = stamp_of(row["fetched_at"])
        if final and final != url:
            out.append(Memento(url, stamp, 301, mime, None, 0, None, final, cid * 2))
            url = final
        out.append(Memento(url, stamp, int(row["status"]), mime, row["sha256"], row["size"],
                           row["headers"], None, cid * 2 + 1))
    return out


def _all_captures(conn: sqlite3.Connection) -> list[Memento]:
    cursor = conn.execute(
        "SELECT id, url, final_url, fetched_at, status, content_type, sha256, size, headers "
        "FROM captures WHERE status IS NOT NULL ORDER BY fetched_at, id")
    names = [d[0] for d in cursor.description]
    return _as_mementos(dict(zip(names, row, strict=True)) for row in cursor)


def mementos(conn: sqlite3.Connection, url: str) -> list[Memento]:
    """Every capture of `url` (whatever its scheme), oldest first: the page's captures
    (reader_data.page_captures), each redirect listed at the address it answered."""
    wanted = bare(url)
    rows = [row for scheme in ("http", "https")
            for row in page_captures(conn, f"{scheme}://{wanted}")]
    rows.sort(key=lambda r: (r["fetched_at"], r["id"]))
    return [m for m in _as_mementos(rows) if bare(m.url) == wanted]


def cdx_rows(conn: sqlite3.Connection, url: str, match_type: str) -> list[Memento]:
    """The captures a CDX query names, in the CDX order (urlkey, then time)."""
    if match_type == "exact":
        found = mementos(conn, url)
    else:
        want = bare(url).lower()
        host = want.split("/", 1)[0]
        found = [m for m in _all_captures(conn)
                 if _matches(bare(m.url).lower(), want, host, match_type)]
    return sorted(found, key=lambda m: (surt(m.url), m.stamp, m.order))


def _matches(candidate: str, want: str, host: str, match_type: str) -> bool:
    own = candidate.split("/", 1)[0]
    if match_type == "prefix":
        return candidate.startswith(want)
    if match_type == "host":
        return own == host
    return own == host or own.endswith("." + host)  # domain


# --- CDX --------------------------------------------------------------------------------


class CdxQueryError(ValueError):
    """A CDX query we cannot answer; the message is for the client."""


def _resume_key(m: Memento) -> str:
    raw = json.dumps([surt(m.url), m.stamp, m.order]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(key: str) -> tuple[str, str, int]:
    try:
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
        urlkey, stamp, order = json.loads(raw)
        return str(urlkey), str(stamp), int(order)
    except (ValueError, TypeError) as exc:
        raise CdxQueryError(f"resumeKey {key!r} is not one this server gave") from exc


def cdx_answer(conn: sqlite3.Connection, args: Any) -> tuple[str, str]:
    """The CDX answer to a query (`args` a multi-dict): (content type, body)."""
    url = args.get("url") or ""
    if not url:
        raise CdxQueryError("the CDX API needs url=")
    match_type = args.get("matchType") or "exact"
    if url.endswith("*"):
        url, match_type = url[:-1], "prefix"
    if match_type not in ("exact", "prefix", "host", "domain"):
        raise CdxQueryError(f"matchType {match_type!r} is not exact, prefix, host or domain")
    rows = cdx_rows(conn, url, match_type)
    low = (args.get("from") or "").ljust(14, "0")
    high = (args.get("to") or "").ljust(14, "9")
    rows = [m for m in rows if low <= m.stamp <= high]
    for spec in args.getlist("filter"):
        rows = _filtered(rows, spec)
    for spec in args.getlist("collapse"):
        rows = _collapsed(rows, spec)
    if args.get("resumeKey"):
        after = _after(args.get("resumeKey"))
        rows = [m for m in rows if (surt(m.url), m.stamp, m.order) > after]
    key = None
    limit = _int(args.get("limit"))
    if limit is not None and limit >= 0 and len(rows) > limit:
        rows = rows[:limit]
        if args.get("showResumeKey") == "true" and rows:
            key = _resume_key(rows[-1])
    fields = [f for f in (args.get("fl") or "").split(",") if f] or list(CDX_FIELDS)
    table = [[m.field(f) for f in fields] for m in rows]
    if args.get("output") == "json":
        out: list[list[str]] = [fields, *table] if table else []
        if key:
            out += [[], [key]]
        return "application/json", json.dumps(out)
    text = "".join(" ".join(r) + "\n" for r in table)
    return "text/plain", text + (f"\n{key}\n" if key else "")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise CdxQueryError(f"limit {value!r} is not a number") from None


def _filtered(rows: list[Memento], spec: str) -> list[Memento]:
    match = _FILTER.match(spec)
    if match is None:
        raise CdxQueryError(f"filter {spec!r} is not [!][~]field:pattern")
    name, pattern = match["field"], match["pattern"]
    if match["tilde"]:
        keep = [m for m in rows if pattern in m.field(name)]
    else:
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise CdxQueryError(f"filter {spec!r}: {exc}") from None
        keep = [m for m in rows if regex.fullmatch(m.field(name))]
    if match["neg"]:
        kept = {id(m) for m in keep}
        return [m for m in rows if id(m) not in kept]
    return keep


def _collapsed(rows: list[Memento], spec: str) -> list[Memento]:
    name, _, digits = spec.partition(":")
    width = int(digits) if digits.isdigit() else None
    out: list[Memento] = []
    last: str | None = None
    for m in rows:
        value = m.field(name)[:width]
        if value != last:
            out.append(m)
        last = value
    return out


# --- Memento ----------------------------------------------------------------------------


def http_date(stamp: str) -> str:
    """A 14-digit time as an HTTP date (Memento-Datetime).

    >>> http_date("20120304101501")
    'Sun, 04 Mar 2012 10:15:01 GMT'
    """
    moment = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return format_datetime(moment, usegmt=True)


def nearest(found: list[Memento], stamp: str) -> Memento:
    """The memento nearest in time to `stamp` (the earlier one on a tie)."""
    target = datetime.strptime(stamp.ljust(14, "0"), "%Y%m%d%H%M%S")
    return min(found, key=lambda m: abs(datetime.strptime(m.stamp, "%Y%m%d%H%M%S") - target))


class _Links:
    def __init__(self, datasette: Any, request: Any, url: str) -> None:
        def absolute(path: str) -> str:
            return str(datasette.absolute_url(request, path))

        self.original = url
        self.timegate = absolute(f"/-/timegate/{url}")
        self.link_map = absolute(f"/-/timemap/link/{url}")
        self.json_map = absolute(f"/-/timemap/json/{url}")
        self.web = absolute("/-/web/")

    def memento(self, m: Memento) -> str:
        return f"{self.web}{m.stamp}id_/{m.url}"

    def header(self, *extra: str) -> str:
        return ", ".join([f'<{self.original}>; rel="original"', f'<{self.timegate}>; rel="timegate"',
                          f'<{self.link_map}>; rel="timemap"; type="application/link-format"',
                          *extra])


def _target(request: Any) -> str:
    url: str = request.url_vars["url"]
    if "://" not in url and ":/" in url:
        url = url.replace(":/", "://", 1)  # a proxy that merged the scheme's two slashes
    return url + (f"?{request.query_string}" if request.query_string else "")


async def _read(datasette: Any, fn: Any, *args: Any) -> Any:
    return await archive_database(datasette).execute_fn(lambda conn: fn(conn, *args))


async def timegate_view(request: Any, datasette: Any) -> Response:
    url = _target(request)
    found = await _read(datasette, mementos, url)
    if not found:
        return Response.text(f"No capture of {url} in this archive.", status=404)
    asked = request.headers.get("accept-datetime")
    if asked:
        try:
            moment = parsedate_to_datetime(asked).astimezone(UTC)
        except (TypeError, ValueError):
            return Response.text(f"Accept-Datetime {asked!r} is not an HTTP date.", status=400)
        chosen = nearest(found, moment.strftime("%Y%m%d%H%M%S"))
    else:
        chosen = found[-1]
    links = _Links(datasette, request, url)
    uri_m = links.memento(chosen)
    return Response("", status=302, headers={
        "Location": uri_m, "Vary": "accept-datetime",
        "Link": links.header(f'<{uri_m}>; rel="memento"; datetime="{http_date(chosen.stamp)}"')})


async def timemap_view(request: Any, datasette: Any) -> Response:
    url = _target(request)
    found = await _read(datasette, mementos, url)
    if not found:
        return Response.text(f"No capture of {url} in this archive.", status=404)
    links = _Links(datasette, request, url)
    if request.url_vars["format"] == "json":
        def item(m: Memento) -> dict[str, str]:
            return {"datetime": datetime.strptime(m.stamp, "%Y%m%d%H%M%S").strftime(
                "%Y-%m-%dT%H:%M:%SZ"), "uri": links.memento(m)}
        return Response.json({
            "original_uri": url, "timegate_uri": links.timegate,
            "timemap_uri": {"link_format": links.link_map, "json_format": links.json_map},
            "mementos": {"first": item(found[0]), "last": item(found[-1]),
                         "list": [item(m) for m in found]}})
    lines = [f'<{url}>; rel="original"', f'<{links.timegate}>; rel="timegate"',
             (f'<{links.link_map}>; rel="self"; type="application/link-format"; '
              f'from="{http_date(found[0].stamp)}"; until="{http_date(found[-1].stamp)}"')]
    for i, m in enumerate(found):
        rel = "memento"
        if i == 0:
            rel = "first memento"
        if i == len(found) - 1:
            rel = "last memento" if i else "first last memento"
        lines.append(f'<{links.memento(m)}>; rel="{rel}"; datetime="{http_date(m.stamp)}"')
    return Response(",\n".join(lines) + "\n", content_type="application/link-format")


async def cdx_view(request: Any, datasette: Any) -> Response:
    try:
        ctype, body = await _read(datasette, cdx_answer, request.args)
    except CdxQueryError as exc:
        return Response.text(str(exc), status=400)
    return Response(body, content_type=ctype)


async def raw_view(request: Any, datasette: Any) -> Response:
    url, stamp = _target(request), request.url_vars["stamp"]
    found = await _read(datasette, mementos, url)
    if not found:
        return Response.text(f"No capture of {url} in this archive.", status=404)
    links = _Links(datasette, request, url)
    chosen = nearest(found, stamp)
    if chosen.stamp != stamp:  # as the Wayback Machine: to the capture's own address
        return Response("", status=302, headers={"Location": links.memento(chosen)})
    headers = {"Memento-Datetime": http_date(chosen.stamp), "Link": links.header(), **RAW_HEADERS}
    if chosen.location is not None:
        headers["Location"] = f"{links.web}{chosen.stamp}id_/{chosen.location}"
        return Response("", status=chosen.status, headers=headers)
    for name, value in _stored_headers(chosen.headers).items():
        if name not in ("content-length", "content-encoding", "transfer-encoding", "connection"):
            headers[f"X-Archive-Orig-{name}"] = value
    body = await _read(datasette, store.capture_body, chosen.sha256) if chosen.sha256 else b""
    ctype = _stored_headers(chosen.headers).get("content-type") or "application/octet-stream"
    return Response(body or b"", status=chosen.status, headers=headers, content_type=ctype)


def _stored_headers(value: str | None) -> dict[str, str]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return {str(k).lower(): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/timegate/(?P<url>.+)$", timegate_view),
        (r"^/-/timemap/(?P<format>link|json)/(?P<url>.+)$", timemap_view),
        (r"^/-/web/cdx$", cdx_view),
        (r"^/-/web/(?P<stamp>\d{14})id_/(?P<url>.+)$", raw_view),
    ]
