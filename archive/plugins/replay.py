"""Replay inside the archive: a captured page whose links and resources stay in the archive.

`rewrite(body, …)` turns a captured HTML document into the one `/-/capture/<id>/frame` serves:
- a link (`a`, `area`) goes to `/-/replay/<time>/<its absolute address>`, which opens the
  archive's capture of that address nearest in time (or says it was not archived), in the
  whole window (`target=_top`: the frame's sandbox lets a click, and only a click, do that);
- a resource (`img`, `source`, `video`, `audio`, a stylesheet, an icon, `url(…)` in a style)
  comes from `/-/web/<time>id_/<address>`, the Memento route, which redirects to the capture
  nearest in time or answers 404: it never reaches the live site;
- scripts, `<base>`, meta refreshes (which would navigate away without a click), frames'
  addresses and forms' actions are removed.
The frame's Content-Security-Policy (reader.FRAME_CSP) stays the guarantee: it allows requests
to the archive alone and no script, whatever the rewriting missed.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from datasette.utils.asgi import Response
from lxml import etree

from archive.plugins import hookimpl, links
from archive.plugins import reader_data as data

STAMP = re.compile(r"^\d{14}$")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""", re.IGNORECASE)
_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""", re.IGNORECASE)
RESOURCE_ATTRS = {
    "img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("src", "poster"),
    "audio": ("src",), "track": ("src",), "input": ("src",), "embed": ("src",),
    "object": ("data",), "body": ("background",), "table": ("background",),
    "td": ("background",),
}
REMOVED = ("script", "base", "noscript")


def stamp_of(fetched_at: str | None) -> str:
    """A capture's ISO time as its 14-digit address: 2024-06-01T10:00:00Z -> 20240601100000."""
    digits = re.sub(r"\D", "", fetched_at or "")[:14]
    return digits.ljust(14, "0")


def _absolute(base: str, value: str) -> str | None:
    try:
        target = urljoin(base, value.strip())
    except ValueError:
        return None
    return target if urlsplit(target).scheme in ("http", "https") else None


def replay_href(stamp: str, url: str) -> str:
    """The archive's address that opens `url` as captured nearest to `stamp`."""
    return f"/-/replay/{stamp}/{url}"


def resource_href(stamp: str, url: str) -> str:
    return f"/-/web/{stamp}id_/{url}"


def _css(text: str, base: str, stamp: str) -> str:
    def one(match: re.Match[str]) -> str:
        target = _absolute(base, match.group(2))
        return f'url("{resource_href(stamp, target)}")' if target else 'url("about:blank")'

    def imported(match: re.Match[str]) -> str:
        target = _absolute(base, match.group(2))
        return f'@import "{resource_href(stamp, target)}"' if target else ""

    return _CSS_URL.sub(one, _IMPORT.sub(imported, text))


def _srcset(value: str, base: str, stamp: str) -> str:
    parts = []
    for item in value.split(","):
        bits = item.strip().split(None, 1)
        target = _absolute(base, bits[0]) if bits else None
        if target:
            parts.append(" ".join([resource_href(stamp, target), *bits[1:]]))
    return ", ".join(parts)


def _link(el: Any, base: str, stamp: str) -> None:
    href = el.get("href")
    if href is None:
        return
    if href.strip().startswith("#"):
        return  # a place in the same page
    target = _absolute(base, href)
    if target is None:
        # javascript:, data:, mailto: ... nothing the archive can open
        el.attrib.pop("href")
        return
    el.set("href", replay_href(stamp, target))
    el.set("target", "_top")
    el.set("rel", "noreferrer")


def rewrite(body: bytes, charset: str, url: str, stamp: str) -> bytes:
    """A captured HTML document with every link and resource pointing into the archive."""
    text = body.decode(charset, errors="replace")
    if not text.strip():
        return b""
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return b""
    base = url
    for el in doc.iter("base"):
        if el.get("href"):
            base = urljoin(url, el.get("href"))
            break
    for tag in REMOVED:
        for el in list(doc.iter(tag)):
            el.drop_tree()
    for el in list(doc.iter("meta")):
        if (el.get("http-equiv") or "").lower() in ("refresh", "set-cookie"):
            el.drop_tree()
    for el in doc.iter("a", "area"):
        _link(el, base, stamp)
    for el in doc.iter("link"):
        target = _absolute(base, el.get("href") or "")
        rel = (el.get("rel") or "").lower()
        if target and any(r in rel for r in ("stylesheet", "icon")):
            el.set("href", resource_href(stamp, target))
        else:
            el.drop_tree()  # preload, prefetch, alternate ...: nothing a reader sees
    for tag, attrs in RESOURCE_ATTRS.items():
        for el in doc.iter(tag):
            for attr in attrs:
                value = el.get(attr)
                if value is None:
                    continue
                if attr == "srcset":
                    el.set(attr, _srcset(value, base, stamp))
                else:
                    target = _absolute(base, value)
                    el.set(attr, resource_href(stamp, target) if target else "")
    for el in doc.iter("iframe", "frame"):
        el.set("src", "about:blank")
        el.attrib.pop("srcdoc", None)
    for el in doc.iter("form"):
        el.attrib.pop("action", None)
    for el in doc.iter("style"):
        if el.text:
            el.text = _css(el.text, base, stamp)
    for el in doc.xpath("//*[@style]"):
        el.set("style", _css(el.get("style"), base, stamp))
    for el in doc.iter():
        for attr in [a for a in el.attrib if a.lower().startswith("on")]:
            del el.attrib[attr]  # event handlers: never run (no script), and noise
    return lxml.html.tostring(doc, encoding="utf-8", method="html", doctype="<!DOCTYPE html>")


def nearest_capture(conn: sqlite3.Connection, url: str, stamp: str) -> dict[str, Any] | None:
    """The capture of `url` (in any form the crawler would give it) nearest to `stamp`:
    one that kept a body if any did, else any capture, else None."""
    page = data.find_page(conn, url)
    found: list[dict[str, Any]] = []
    for candidate in ([page["url"]] if page else []) + data.url_candidates(url):
        found = data.page_captures(conn, candidate)
        if found:
            break
    if not found:
        return None
    with_body = [c for c in found if c.get("sha256")] or found
    target = int(stamp)
    return min(with_body, key=lambda c: (abs(int(stamp_of(c["fetched_at"])) - target), c["id"]))


def _target(request: Any) -> str:
    url: str = request.url_vars["url"]
    if "://" not in url and ":/" in url:
        url = url.replace(":/", "://", 1)  # a proxy that merged the scheme's two slashes
    return url + (f"?{request.query_string}" if request.query_string else "")


async def replay_view(request: Any, datasette: Any) -> Response:
    from archive.plugins.reader import read, render

    url, stamp = _target(request), request.url_vars["stamp"]
    found = await read(datasette, nearest_capture, url, stamp)
    if found is None:
        live = url if url.startswith(("http://", "https://")) else None
        return await render(datasette, request, "archive_missing.html", {
            "message": f"The archive holds no capture of {links.iri(url)}: the crawl did not "
                       "reach it (another site, or outside the crawl's scope).",
            "live": live}, 404)
    return Response.redirect(links.capture_href(found["id"]), status=302)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/replay/(?P<stamp>\d{14})/(?P<url>.+)$", replay_view)]
