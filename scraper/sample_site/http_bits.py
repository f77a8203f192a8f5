"""HTTP details shared by every answer: ETag, Last-Modified, conditional requests, gzip."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from email.utils import format_datetime, parsedate_to_datetime


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    last_modified: date | None = None
    extra: dict[str, str] = field(default_factory=dict)


def http_date(d: date) -> str:
    return format_datetime(datetime.combine(d, time(10, 0), UTC), usegmt=True)


def _etag_matches(header: str, etag: str) -> bool:
    wanted = etag.strip('"')
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        # Weak comparison, and the gzip variant of a body is the same entity for our purposes.
        tag = tag.removeprefix("W/").strip('"').removesuffix("-gzip")
        if tag == wanted:
            return True
    return False


def _not_modified_since(header: str, last_modified: date) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored, as RFC 9110 asks
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return datetime.combine(last_modified, time(10, 0), UTC) <= since


def _wants_gzip(accept: str) -> bool:
    for item in accept.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def finish(resp: Response, method: str, req: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Headers, conditional answers (304, no body), gzip and HEAD for one response.
    `req` holds the request headers with lower-case names."""
    headers = {"Content-Type": resp.content_type, **resp.extra}
    body = resp.body
    compressible = resp.content_type.startswith(("text/", "application/rss", "application/xml"))
    zipped = compressible and len(body) > 256 and _wants_gzip(req.get("accept-encoding", ""))
    if compressible:
        headers["Vary"] = "Accept-Encoding"
    if resp.status == 200:
        digest = hashlib.sha256(body).hexdigest()[:32]
        # The gzip variant is another representation, so it gets its own (related) tag.
        etag = f'"{digest}-gzip"' if zipped else f'"{digest}"'
        headers["ETag"] = etag
        if resp.last_modified:
            headers["Last-Modified"] = http_date(resp.last_modified)
        inm, ims = req.get("if-none-match"), req.get("if-modified-since")
        fresh = _etag_matches(inm, digest) if inm else bool(
            ims and resp.last_modified and _not_modified_since(ims, resp.last_modified))
        if fresh:
            del headers["Content-Type"]
            return 304, headers, b""
    if zipped:
        body = gzip.compress(body, mtime=0)
        headers["Content-Encoding"] = "gzip"
    headers["Content-Length"] = str(len(body))
    return resp.status, headers, b"" if method == "HEAD" else body
