"""Discovery: where a site lists its pages, and how to read those lists, as one registry.

`SOURCES` names every discovery source (a sitemap, SPIP's sitemap page and its `backend` RSS
feed, a WordPress `/feed/`): where to find it for a site, and which `FORMATS` can read what
comes back. A format recognises a body by its first bytes and parses it into `Listed` entries
(a URL and the date it claims the URL last changed). Adding a source is one entry here; the
crawl only asks `discovery_urls`, `is_discovery_url` and `read_listing`.

Parsing is defensive: no entities resolved, no network, a bounded gunzip, broken XML recovered
as far as it goes. Every URL returned is normalised; the caller decides scope.
"""

from __future__ import annotations

import email.utils
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from lxml import etree

from scraper.store_protocol import Listed
from scraper.urls import normalize_url

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
_XHTML = "{http://www.w3.org/1999/xhtml}"


def _gunzip(body: bytes) -> bytes:
    """Inflate a .xml.gz body, stopping at MAX_SITEMAP_BYTES (a bomb yields a truncated prefix)."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(body, MAX_SITEMAP_BYTES)
    except zlib.error:
        return b""
    return out


def _root(body: bytes) -> etree._Element | None:
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    body = body.lstrip()
    if not body.startswith(b"<"):
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, huge_tree=False, load_dtd=False,
    )
    try:
        return etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def utc_lastmod(text: str | None) -> str | None:
    """A W3C datetime (sitemaps, Atom, dc:date) or an RFC 822 date (RSS pubDate) as the
    archive writes times, ISO 8601 UTC to the second; None when absent or unreadable.

    A bare date (2017-11-16) stands for the end of that day: a page changed "on the 16th"
    may have changed after a check made that morning, so it is checked once more.

    >>> utc_lastmod("2017-11-16"), utc_lastmod("2017-11-16T10:00:00+01:00")
    ('2017-11-16T23:59:59Z', '2017-11-16T09:00:00Z')
    """
    text = (text or "").strip()
    if not text:
        return None
    when: datetime | None
    try:
        if len(text) in (4, 7, 10) and text[:4].isdigit():  # YYYY, YYYY-MM, YYYY-MM-DD
            pieces = [int(p) for p in text.split("-")]
            year = pieces[0]
            month = pieces[1] if len(pieces) > 1 else 12
            day = pieces[2] if len(pieces) > 2 else _month_days(year, month)
            when = datetime(year, month, day, 23, 59, 59, tzinfo=UTC)
        else:
            when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _month_days(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1)
    return (following - datetime(year, month, 1)).days


@dataclass
class Found:
    """What a sitemap or a feed lists: pages, and (a sitemap index) child sitemaps."""

    pages: list[Listed] = field(default_factory=list)
    children: list[Listed] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set, repr=False)

    def keep(self, into: list[Listed], raw: str | None, base_url: str, lastmod: str | None) -> None:
        url = normalize_url(raw.strip(), base_url) if raw and raw.strip() else None
        if url and url not in self._seen:
            self._seen.add(url)
            into.append(Listed(url, lastmod))

    @property
    def urls(self) -> list[str]:
        """Child sitemaps first (they list more), then pages."""
        return [e.url for e in self.children] + [e.url for e in self.pages]


def _text_of(element: etree._Element, name: str) -> str | None:
    return next((c.text for c in element if _local(c.tag) == name and c.text), None)


def parse_sitemap(body: bytes, base_url: str) -> Found:
    """The pages (with `<xhtml:link>` alternates) and child sitemaps of a sitemap or sitemap
    index, each with its `<lastmod>`; gzip accepted; a plain-text sitemap (one URL a line)
    read too. Document order, duplicates dropped."""
    found = Found()
    root = _root(body)
    if root is None:
        text = _gunzip(body) if body[:2] == b"\x1f\x8b" else body
        for line in text.decode("utf-8", "replace").splitlines():
            if line.strip().lower().startswith(("http://", "https://")):
                found.keep(found.pages, line, base_url, None)
        return found
    for element in root.iter():
        kind = _local(element.tag)
        if kind not in ("url", "sitemap"):
            continue
        lastmod = utc_lastmod(_text_of(element, "lastmod"))
        found.keep(found.children if kind == "sitemap" else found.pages,
                   _text_of(element, "loc"), base_url, lastmod)
        for alternate in element.iter(_XHTML + "link"):
            # A translation listed with its original changes with it (same entry, same date).
            if alternate.get("rel", "alternate") == "alternate":
                found.keep(found.pages, alternate.get("href"), base_url, lastmod)
    return found


def _item_link(element: etree._Element) -> str | None:
    link = _text_of(element, "link")
    if link is None:
        about = element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        guid = next((c for c in element if _local(c.tag) == "guid"), None)
        if guid is not None and guid.get("isPermaLink", "true").lower() != "false":
            link = guid.text
        link = link or about
    return link


def _item_date(element: etree._Element) -> str | None:
    for name in ("updated", "modified", "date", "pubdate", "published"):
        when = utc_lastmod(_text_of(element, name))
        if when:
            return when
    return None


def parse_feed(body: bytes, base_url: str) -> Found:
    """Item links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in document order, each with
    its date (Atom `updated`, `dc:date`, RSS `pubDate`)."""
    found = Found()
    root = _root(body)
    if root is None:
        return found
    for element in root.iter():
        kind = _local(element.tag)
        if kind == "item":  # RSS 2.0 and RDF
            found.keep(found.pages, _item_link(element), base_url, _item_date(element))
        elif kind == "entry":  # Atom
            links = [c for c in element if _local(c.tag) == "link"]
            chosen = next((c for c in links if c.get("rel", "alternate") == "alternate"), None)
            href = chosen.get("href") if chosen is not None else None
            found.keep(found.pages, href, base_url, _item_date(element))
    return found


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """A listing format: how to recognise a body of it, and how to parse one."""

    name: str
    recognise: Callable[[bytes], bool]
    parse: Callable[[bytes, str], Found]


def _head(body: bytes) -> bytes:
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body[:65536])
    return body[:1024].lstrip().lower()


FEED = Format("feed", lambda b: any(t in _head(b) for t in (b"<rss", b"<feed", b"<rdf")), parse_feed)
SITEMAP = Format("sitemap", lambda b: True, parse_sitemap)  # also plain text: the fallback
FORMATS = (FEED, SITEMAP)  # tried in order


@dataclass(frozen=True)
class Source:
    """A discovery source: the URL it lives at on a site, and how to tell its URLs by shape
    (so a resumed crawl, which kept only URLs, still reads them as listings)."""

    name: str
    path: str  # relative to the site's root
    claims: Callable[[str, str], bool]  # (lower-case path, query) -> is it this source's URL?


def _sitemap_shape(path: str, query: str) -> bool:
    return path.endswith((".xml", ".xml.gz")) or "sitemap" in path.rsplit("/", 1)[-1]


SOURCES: tuple[Source, ...] = (
    Source("sitemap", "sitemap.xml", _sitemap_shape),
    Source("spip sitemap", "spip.php?page=sitemap.xml", lambda p, q: "page=sitemap" in q),
    Source("spip backend", "spip.php?page=backend", lambda p, q: "page=backend" in q),
    Source("wordpress feed", "feed/", lambda p, q: p.endswith(("/feed/", "/feed"))),
)


def discovery_urls(site_url: str) -> list[str]:
    """Where a site lists its pages: every source of `SOURCES`, at the site's root."""
    root = normalize_url("/", site_url)
    if root is None:
        return []
    return [u for u in (normalize_url(root + s.path) for s in SOURCES) if u]


def is_discovery_url(url: str) -> bool:
    """Is `url` a listing (sitemap or feed), read for its links and never stored as a page?

    Told by the URL's shape, not by memory, so a resumed crawl knows them too.
    """
    parts = urlsplit(url)
    return any(s.claims(parts.path.lower(), parts.query) for s in SOURCES)


def read_listing(body: bytes, base_url: str) -> Found:
    """The entries of a listing, parsed by the first format that recognises it."""
    fmt = next(f for f in FORMATS if f.recognise(body))
    return fmt.parse(body, base_url)
