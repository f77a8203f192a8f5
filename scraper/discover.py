"""Pure discovery functions: sitemaps (and sitemap indexes), RSS/Atom feeds, SPIP entry points.

Parsing is defensive: no entities resolved, no network, a bounded gunzip, broken XML recovered
as far as it goes. Every URL returned is normalised; the caller decides scope.
"""

from __future__ import annotations

import zlib

from lxml import etree

from scraper.urls import normalize_url

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed


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


def _keep(found: list[str], seen: set[str], raw: str | None, base_url: str) -> None:
    url = normalize_url(raw.strip(), base_url) if raw and raw.strip() else None
    if url and url not in seen:
        seen.add(url)
        found.append(url)


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index; gzip accepted.

    A plain-text sitemap (one URL a line) is read too. Order is document order, duplicates
    dropped.
    """
    pages: list[str] = []
    children: list[str] = []
    seen: set[str] = set()
    root = _root(body)
    if root is None:
        text = _gunzip(body) if body[:2] == b"\x1f\x8b" else body
        for line in text.decode("utf-8", "replace").splitlines():
            if line.strip().lower().startswith(("http://", "https://")):
                _keep(pages, seen, line, base_url)
        return pages, children
    for element in root.iter():
        kind = _local(element.tag)
        if kind not in ("url", "sitemap"):
            continue
        for child in element:
            if _local(child.tag) == "loc":
                _keep(children if kind == "sitemap" else pages, seen, child.text, base_url)
                break
    return pages, children


def parse_feed(body: bytes, base_url: str) -> list[str]:
    """Item links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in document order."""
    found: list[str] = []
    seen: set[str] = set()
    root = _root(body)
    if root is None:
        return found
    for element in root.iter():
        kind = _local(element.tag)
        if kind == "item":  # RSS 2.0 and RDF
            link = next((c.text for c in element if _local(c.tag) == "link" and c.text), None)
            if link is None:
                about = element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
                guid = next((c for c in element if _local(c.tag) == "guid"), None)
                if guid is not None and guid.get("isPermaLink", "true").lower() != "false":
                    link = guid.text
                link = link or about
            _keep(found, seen, link, base_url)
        elif kind == "entry":  # Atom
            links = [c for c in element if _local(c.tag) == "link"]
            chosen = next((c for c in links if c.get("rel", "alternate") == "alternate"), None)
            _keep(found, seen, chosen.get("href") if chosen is not None else None, base_url)
    return found


def discovery_urls(site_url: str) -> list[str]:
    """Where a site lists its pages: sitemap.xml, SPIP's sitemap page and its RSS feed."""
    root = normalize_url("/", site_url)
    if root is None:
        return []
    urls = [f"{root}sitemap.xml", f"{root}spip.php?page=sitemap.xml", f"{root}spip.php?page=backend"]
    return [u for u in (normalize_url(u) for u in urls) if u]
