"""An Atom feed of changes, so that a researcher can follow an embassy in a feed reader.

`/-/changes.atom` (every site), `?site=NAME` (one site), `?url=U` (one page). An entry is a
page that changed (linked to its diff), appeared after its site's first crawl (new, linked to
the page) or was removed (gone). Built with ElementTree: every text is escaped by it.

Always well-formed XML: a character XML 1.0 forbids (a control character from a JSON-LD
headline, U+FFFE decoded from an address, a lone surrogate) is dropped from every text and
attribute, since one such character in one page would make the whole feed unreadable. A
page's title is capped (`links.LABEL_LIMIT`) and bidi-isolated, as on the pages.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from datasette.utils.asgi import Response

from archive.plugins import hookimpl, links
from archive.plugins import reader_data as data
from archive.plugins.reader import read

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 100
# Everything but XML 1.0's Char production: tab, newline, carriage return, U+0020-U+D7FF,
# U+E000-U+FFFD, U+10000-U+10FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _entry_link(change: dict[str, Any]) -> str:
    if change["change"] == "changed":
        return links.diff_href(change["url"], change["version"] - 1, change["version"])
    return links.page_href(change["url"])


def _summary(change: dict[str, Any]) -> str:
    where = links.iri(change["url"])
    if change["change"] == "changed":
        before = change.get("title_before")
        renamed = (f" (was titled {links.isolated(before)})"
                   if before and before != change["title"] else "")
        return f"Version {change['version']} of {where}{renamed}."
    if change["change"] == "new":
        return f"A new page on {change['site']}: {where}."
    return f"Removed from {change['site']}: {where}."


def atom(changes: list[dict[str, Any]], title: str, base: str, self_path: str) -> bytes:
    """The Atom document of `changes` (newest first); `base` makes links absolute."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", title)
    _sub(feed, "id", base + self_path)
    _sub(feed, "link", rel="self", href=base + self_path)
    _sub(feed, "link", rel="alternate", href=base + "/")
    _sub(feed, "updated", changes[0]["at"] if changes else "1970-01-01T00:00:00Z")
    author = _sub(feed, "author")
    _sub(author, "name", "embassy-archive")
    for change in changes:
        entry = _sub(feed, "entry")
        label = {"changed": "Changed", "new": "New", "gone": "Gone"}[change["change"]]
        shown = links.isolated(change["title"] or links.iri(change["url"]))
        _sub(entry, "title", f"{label}: {shown}")
        href = base + _entry_link(change)
        _sub(entry, "link", rel="alternate", href=href)
        _sub(entry, "id", f"{base}{links.page_href(change['url'])}#{change['change']}-"
                          f"{change['version'] or change['at']}")
        _sub(entry, "updated", change["at"])
        _sub(entry, "summary", _summary(change))
        _sub(entry, "category", term=change["change"])
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


async def feed_view(request: Any, datasette: Any) -> Response:
    site = request.args.get("site") or None
    url = request.args.get("url") or None
    if url:
        page = await read(datasette, data.find_page, url)
        url = page["url"] if page else url
    changes = await read(datasette, data.changes, site, url, FEED_SIZE)
    what = (f"page {links.isolated(links.iri(url))}" if url
            else (f"site {links.isolated(site)}" if site else "every site"))
    title = f"Changes in the embassy archive: {what}"
    base = f"{request.scheme}://{request.host}"
    body = atom(changes, title, base, request.path + (f"?{request.query_string}"
                                                        if request.query_string else ""))
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/changes\.atom$", feed_view)]
