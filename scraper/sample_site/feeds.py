"""robots.txt, sitemaps and the RSS feed: absolute URLs built from the request's Host header."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from scraper.sample_site import render, synthetic
from scraper.sample_site.content import Article
from scraper.sample_site.http_bits import Response, http_date

if TYPE_CHECKING:
    from scraper.sample_site.site import SampleSite

SITEMAP_CHUNK = 1000  # URLs per child sitemap; well under the protocol's 50,000
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")
_CHILD = re.compile(r"/sitemap-(\d{1,7})\.xml")
XML = "application/xml; charset=utf-8"


def base_url(host: str | None) -> str:
    """http://HOST from the Host header; a missing or malformed one falls back to loopback."""
    host = (host or "").strip()
    return f"http://{host}" if _HOST.fullmatch(host) else "http://127.0.0.1"


def robots(base: str) -> str:
    return ("User-agent: *\nDisallow: /ecrire/\nDisallow: /spip.php?page=login\n\n"
            f"Sitemap: {base}/sitemap.xml\n")


def _entries(site: SampleSite) -> tuple[list[tuple[str, date]], int]:
    """The hand-written entries, and how many synthetic ones follow them."""
    static = [("/", site.newest())]
    static += [(render.href(r.path), site.newest()) for r in site.rubriques.values()]
    static += [(render.href(a.path), a.last_date) for a in site.articles]
    return static, site.pages


def _entry(static: list[tuple[str, date]], i: int) -> tuple[str, date]:
    if i < len(static):
        return static[i]
    n = i - len(static) + 1
    return synthetic.path_of(n), synthetic.date_of(n)


def _urlset(base: str, entries: Iterator[tuple[str, date]]) -> str:
    lines = "".join(f"<url><loc>{escape(base + p)}</loc><lastmod>{d.isoformat()}</lastmod></url>\n"
                    for p, d in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{lines}</urlset>\n")


def sitemap(site: SampleSite, path: str, base: str) -> Response:
    """One urlset while the site is small; past SITEMAP_CHUNK URLs, an index of child
    sitemaps made on request (so 100,000 synthetic pages never sit in memory at once)."""
    static, extra = _entries(site)
    total = len(static) + extra
    chunks = (total + SITEMAP_CHUNK - 1) // SITEMAP_CHUNK
    if path == "/sitemap.xml" and chunks <= 1:
        body = _urlset(base, (_entry(static, i) for i in range(total)))
        return Response(200, XML, body.encode(), site.newest())
    if path == "/sitemap.xml":
        items = "".join(f"<sitemap><loc>{escape(base)}/sitemap-{k}.xml</loc></sitemap>\n"
                        for k in range(1, chunks + 1))
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{items}</sitemapindex>\n")
        return Response(200, XML, body.encode(), site.newest())
    m = _CHILD.fullmatch(path)
    k = int(m.group(1)) if m else 0
    if chunks <= 1 or not 1 <= k <= chunks:
        from scraper.sample_site.site import not_found
        return not_found()
    first = (k - 1) * SITEMAP_CHUNK
    rows = (_entry(static, i) for i in range(first, min(first + SITEMAP_CHUNK, total)))
    return Response(200, XML, _urlset(base, rows).encode(), site.newest())


def rss(articles: Sequence[Article], base: str, limit: int = 20) -> str:
    """RSS 2.0 of the most recent hand-written articles, every language."""
    recent = sorted(articles, key=lambda a: (a.sort_date, a.id), reverse=True)[:limit]
    items = []
    for a in recent:
        link = escape(base + render.href(a.path))
        first = next((b.text for b in a.body if not b.heading), "")
        items.append(f"<item><title>{escape(a.title)}</title><link>{link}</link>"
                     f'<guid isPermaLink="true">{link}</guid>'
                     f"<pubDate>{http_date(a.sort_date)}</pubDate>"
                     f"<dc:language>{a.lang}</dc:language>"
                     f"<description>{escape(first)}</description></item>\n")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
            f"<title>{escape(render.SITE_NAME)}</title><link>{escape(base)}/</link>\n"
            f"<description>{escape(render.SITE_SLOGAN)}</description><language>fr</language>\n"
            f"{''.join(items)}</channel>\n</rss>\n")
