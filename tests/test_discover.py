"""Sitemaps, sitemap indexes and feeds: small documents we wrote, one per form."""

from __future__ import annotations

import gzip

import pytest

from scraper.discover import (
    FORMATS,
    discovery_urls,
    is_discovery_url,
    parse_feed,
    parse_sitemap,
    read_listing,
    utc_lastmod,
)
from scraper.store_protocol import Listed


def urls(body: bytes) -> tuple[list[str], list[str]]:
    found = parse_sitemap(body, BASE)
    return [e.url for e in found.pages], [e.url for e in found.children]

BASE = "https://ml.ambafrance.org/"

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://ml.ambafrance.org/Article-un-12</loc><lastmod>2017-11-16</lastmod></url>
  <url><loc> https://ml.ambafrance.org/spip.php?article13&amp;var_mode=calcul </loc></url>
  <url><loc>https://ml.ambafrance.org/Article-un-12#dup</loc></url>
  <url><loc>mailto:x@y.z</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://ml.ambafrance.org/sitemap-1.xml</loc></sitemap>
  <sitemap><loc>/sitemap-2.xml.gz</loc></sitemap>
</sitemapindex>"""


def test_a_urlset_gives_page_urls_normalised_and_deduplicated() -> None:
    assert urls(URLSET) == (
        ["https://ml.ambafrance.org/Article-un-12", "https://ml.ambafrance.org/spip.php?article13"],
        [],
    )


def test_a_sitemap_index_gives_child_sitemaps() -> None:
    assert urls(INDEX) == (
        [], ["https://ml.ambafrance.org/sitemap-1.xml", "https://ml.ambafrance.org/sitemap-2.xml.gz"],
    )


def test_a_gzipped_sitemap_is_read() -> None:
    assert parse_sitemap(gzip.compress(URLSET), BASE) == parse_sitemap(URLSET, BASE)
    assert urls(gzip.compress(URLSET))[0]


def test_a_sitemap_without_namespace_and_a_text_sitemap_are_read() -> None:
    bare = b"<urlset><url><loc>https://ml.ambafrance.org/a</loc></url></urlset>"
    text = b"https://ml.ambafrance.org/a\nhttps://ml.ambafrance.org/b\n# comment\n"
    assert urls(bare)[0] == ["https://ml.ambafrance.org/a"]
    assert urls(text)[0] == ["https://ml.ambafrance.org/a", "https://ml.ambafrance.org/b"]


@pytest.mark.parametrize("body", [b"", b"<html><body>404</body></html>", b"\x1f\x8bnot gzip",
                                  b"<urlset><url><loc>https://ml.ambafrance.org/a"])
def test_broken_sitemaps_give_what_they_can_and_never_raise(body: bytes) -> None:
    pages, children = urls(body)
    assert children == [] and pages in ([], ["https://ml.ambafrance.org/a"])


def test_entities_are_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <urlset><url><loc>https://ml.ambafrance.org/&c;</loc></url></urlset>"""
    pages, _ = urls(laughs)
    assert all("aaaaaaaaaa" not in p for p in pages)


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ambassade</title><link>https://ml.ambafrance.org/</link>
<item><title>Fête nationale</title><link>https://ml.ambafrance.org/Fete-nationale-4100</link></item>
<item><title>Visa</title><link>spip.php?article4101</link></item>
<item><title>Guid only</title><guid isPermaLink="true">https://ml.ambafrance.org/Guid-4102</guid></item>
<item><title>Opaque guid</title><guid isPermaLink="false">tag:4103</guid></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<link rel="self" href="https://ml.ambafrance.org/feed"/>
<entry><title>a</title><link rel="alternate" href="https://ml.ambafrance.org/a"/>
  <link rel="enclosure" href="https://ml.ambafrance.org/a.mp3"/></entry>
<entry><title>b</title><link href="/b"/></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<item rdf:about="https://ml.ambafrance.org/r1"><title>r1</title></item>
<item rdf:about="https://ml.ambafrance.org/x"><link>https://ml.ambafrance.org/r2</link></item>
</rdf:RDF>"""


@pytest.mark.parametrize(("body", "links"), [
    (RSS, ["https://ml.ambafrance.org/Fete-nationale-4100", "https://ml.ambafrance.org/spip.php?article4101",
           "https://ml.ambafrance.org/Guid-4102"]),
    (ATOM, ["https://ml.ambafrance.org/a", "https://ml.ambafrance.org/b"]),
    (RDF, ["https://ml.ambafrance.org/r1", "https://ml.ambafrance.org/r2"]),
    (b"not xml at all", []),
])
def test_parse_feed_gives_item_links_of_each_feed_form(body: bytes, links: list[str]) -> None:
    assert [e.url for e in parse_feed(body, BASE).pages] == links


def test_discovery_urls_name_the_sitemaps_and_the_spip_feed() -> None:
    assert discovery_urls("https://ML.ambafrance.org/-English-") == [
        "https://ml.ambafrance.org/sitemap.xml",
        "https://ml.ambafrance.org/spip.php?page=sitemap.xml",
        "https://ml.ambafrance.org/spip.php?page=backend",
        "https://ml.ambafrance.org/feed/",
    ]


def test_a_sitemap_entry_carries_its_lastmod_as_utc() -> None:
    assert parse_sitemap(URLSET, BASE).pages[0] == Listed(
        "https://ml.ambafrance.org/Article-un-12", "2017-11-16T23:59:59Z"
    )


ALTERNATES = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url><loc>https://ml.ambafrance.org/Article-12</loc><lastmod>2024-03-01T10:00:00+01:00</lastmod>
    <xhtml:link rel="alternate" hreflang="en" href="https://ml.ambafrance.org/Article-en-13"/></url>
</urlset>"""

INDEX_DATED = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>/sitemap-1.xml</loc><lastmod>2024-02</lastmod></sitemap>
</sitemapindex>"""

RSS_DATED = b"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><item><link>https://ml.ambafrance.org/a-1</link><pubDate>Tue, 04 Jul 2017 10:00:00 +0200</pubDate></item>
<item><link>https://ml.ambafrance.org/b-2</link><dc:date>2017-07-05</dc:date></item>
<item><link>https://ml.ambafrance.org/c-3</link></item></channel></rss>"""


@pytest.mark.parametrize(("body", "parse", "want"), [
    (ALTERNATES, parse_sitemap, [("https://ml.ambafrance.org/Article-12", "2024-03-01T09:00:00Z"),
                                 ("https://ml.ambafrance.org/Article-en-13", "2024-03-01T09:00:00Z")]),
    (INDEX_DATED, parse_sitemap, [("https://ml.ambafrance.org/sitemap-1.xml", "2024-02-29T23:59:59Z")]),
    (RSS_DATED, parse_feed, [("https://ml.ambafrance.org/a-1", "2017-07-04T08:00:00Z"),
                             ("https://ml.ambafrance.org/b-2", "2017-07-05T23:59:59Z"),
                             ("https://ml.ambafrance.org/c-3", None)]),
])
def test_listings_keep_each_urls_date_alternates_and_child_sitemaps_included(body, parse, want) -> None:
    found = parse(body, BASE)
    assert [(e.url, e.lastmod) for e in found.children + found.pages] == want


@pytest.mark.parametrize(("text", "utc"), [
    ("2017-11-16", "2017-11-16T23:59:59Z"),  # a bare date: the end of that day
    ("2017-11", "2017-11-30T23:59:59Z"),
    ("2016", "2016-12-31T23:59:59Z"),
    ("2017-11-16T10:00:00+01:00", "2017-11-16T09:00:00Z"),
    ("2017-11-16T10:00:00Z", "2017-11-16T10:00:00Z"),
    ("Thu, 16 Nov 2017 10:00:00 GMT", "2017-11-16T10:00:00Z"),
    ("yesterday", None),
    ("", None),
    (None, None),
])
def test_utc_lastmod_reads_w3c_and_rfc822_dates(text, utc) -> None:
    assert utc_lastmod(text) == utc


@pytest.mark.parametrize(("url", "listing"), [
    ("https://a.org/sitemap.xml", True),
    ("https://a.org/sitemap-3.xml.gz", True),
    ("https://a.org/spip.php?page=backend", True),
    ("https://a.org/spip.php?page=sitemap.xml", True),
    ("https://a.org/feed/", True),
    ("https://a.org/Article-feed-12", False),
    ("https://a.org/spip.php?article12", False),
])
def test_a_listing_is_told_by_its_urls_shape(url: str, listing: bool) -> None:
    assert is_discovery_url(url) is listing


@pytest.mark.parametrize(("body", "fmt"), [(RSS_DATED, "feed"), (URLSET, "sitemap"),
                                            (b"https://a.org/x\n", "sitemap")])
def test_read_listing_picks_the_format_by_what_came_back(body: bytes, fmt: str) -> None:
    fmts = {f.name: f for f in FORMATS}
    assert next(f for f in FORMATS if f.recognise(body)) is fmts[fmt]
    assert read_listing(body, BASE).pages == fmts[fmt].parse(body, BASE).pages
