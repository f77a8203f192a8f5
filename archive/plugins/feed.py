"""An Atom feed of changes, so that a researcher can follow an embassy in a feed reader.

`/-/changes.atom` (every site), `?site=NAME` (one site), `?url=U` (one page). An entry is a
page that changed (linked to its diff), appeared after its site's first crawl (new, linked to
the page) or was removed (gone). Built with ElementTree: every text is escaped by it.

Only significant changes by default (archive/changes.py: a moved footer date or a share label
is left out, a changed telephone number or a rewritten paragraph kept); `?all=1` gives every
change, and the feed links to that form. Each entry's category is its class. An unknown
`?site=` or `?url=` answers 404 with a sentence, not an empty feed that looks like calm.

Always well-formed XML: a character XML 1.0 forbids (a control character from a JSON-LD
headline, U+FFFE decoded from an address, a lone surrogate) is dropped from every text and
attribute, since one such character in one page would make the whole feed unreadable. A
page's title is capped (`links.LABEL_LIMIT`) and bidi-isolated, as on the pages.
"""

from __future__ import annotations

import re
import sqlite3
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from archive import changes as change_classes
from archive.plugins import hookimpl, links
from archive.plugins import reader_data as data
from archive.plugins.reader import read

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 100
# A change's class (archive/changes.py) as an Atom category beside changed/new/gone.
CLASS_SCHEME = "https://github.com/embassy-archive/embassy-archive/blob/main/archive/changes.py"
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
        # Time addresses: a feed entry's link keeps its meaning when older captures arrive.
        return links.diff_href(change["url"], change["at_before"], change["at"])
    return links.page_href(change["url"])


def _summary(change: dict[str, Any]) -> str:
    where = links.iri(change["url"])
    if change["change"] == "changed":
        before = change.get("title_before")
        renamed = (f" (was titled {links.isolated(before)})"
                   if before and before != change["title"] else "")
        kind = change.get("kind_label")
        how = f" {kind[0].upper()}{kind[1:]}, {change['size']} characters." if kind else ""
        return f"Version {change['version']} of {where}{renamed}.{how}"
    if change["change"] == "new":
        return f"A new page on {change['site']}: {where}."
    return f"Removed from {change['site']}: {where}."


def atom(changes: list[dict[str, Any]], title: str, base: str, self_path: str,
         all_path: str | None = None) -> bytes:
    """The Atom document of `changes` (newest first); `base` makes links absolute;
    `all_path` is the same feed with every change, when this one holds the significant only."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", title)
    _sub(feed, "id", base + self_path)
    _sub(feed, "link", rel="self", href=base + self_path)
    _sub(feed, "link", rel="alternate", href=base + "/")
    if all_path:
        _sub(feed, "link", rel="related", href=base + all_path,
             title="Every change, dates and boilerplate included")
        _sub(feed, "subtitle", "Significant changes only: a change of dates or boilerplate "
                               f"alone is left out (every change: {base + all_path})")
    _sub(feed, "updated", changes[0]["time"] if changes else "1970-01-01T00:00:00Z")
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
        _sub(entry, "updated", change["time"])
        _sub(entry, "summary", _summary(change))
        _sub(entry, "category", term=change["change"])
        if change.get("kind"):
            _sub(entry, "category", term=change["kind"], scheme=CLASS_SCHEME,
                 label=change["kind_label"])
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _missing(message: str) -> Response:
    return Response.text(message, status=404)


async def feed_view(request: Any, datasette: Any) -> Response:
    site = request.args.get("site") or None
    url = request.args.get("url") or None
    every = request.args.get("all") not in (None, "", "0")
    if url:
        page = await read(datasette, data.find_page, url)
        if page is None:
            return _missing(f"No archived page has the address {url!r}: no feed of its changes.")
        url = page["url"]
    if site and not await read(datasette, data.site_exists, site):
        return _missing(f"No site is named {site!r} in this archive: its feed would be empty "
                        "(site names are those of the sites table).")
    changes = await read(datasette, data.significant_changes, site, url, FEED_SIZE, not every)
    what = (f"page {links.isolated(links.iri(url))}" if url
            else (f"site {links.isolated(site)}" if site else "every site"))
    title = f"Changes in the embassy archive: {what}"
    base = f"{request.scheme}://{request.host}"
    if not every:
        title += " (significant changes)"
    query = {k: v for k, v in (("site", site), ("url", url)) if v}
    all_path = None if every else request.path + "?" + urlencode({**query, "all": "1"})
    body = atom(changes, title, base, request.path + (f"?{request.query_string}"
                                                        if request.query_string else ""),
                all_path)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


def change_class(old_title: str | None, old_text: str | None, old_sections: str | None,
                 new_title: str | None, new_text: str | None, new_sections: str | None) -> str:
    """SQL `change_class(...)` for the canned query changes_between: the class of the change
    between two versions given by their title, text and sections (JSON)."""
    def version(title: str | None, text: str | None, sections: str | None) -> dict[str, Any]:
        return {"title": title, "text": text, "sections": sections}

    return change_classes.classify(version(old_title, old_text, old_sections),
                                   version(new_title, new_text, new_sections)).kind


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    conn.create_function("change_class", 6, change_class, deterministic=True)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/changes\.atom$", feed_view)]
