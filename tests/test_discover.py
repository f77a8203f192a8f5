"""Sitemaps, sitemap indexes and feeds: small documents we wrote, one per form."""

from __future__ import annotations

import gzip

import pytest

from scraper.discover import discovery_urls, parse_feed, parse_sitemap

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
    assert parse_sitemap(URLSET, BASE) == (
        ["https://ml.ambafrance.org/Article-un-12", "https://ml.ambafrance.org/spip.php?article13"],
        [],
    )


def test_a_sitemap_index_gives_child_sitemaps() -> None:
    assert parse_sitemap(INDEX, BASE) == (
        [], ["https://ml.ambafrance.org/sitemap-1.xml", "https://ml.ambafrance.org/sitemap-2.xml.gz"],
    )


def test_a_gzipped_sitemap_is_read() -> None:
    assert parse_sitemap(gzip.compress(URLSET), BASE) == parse_sitemap(URLSET, BASE)


def test_a_sitemap_without_namespace_and_a_text_sitemap_are_read() -> None:
    bare = b"<urlset><url><loc>https://ml.ambafrance.org/a</loc></url></urlset>"
    text = b"https://ml.ambafrance.org/a\nhttps://ml.ambafrance.org/b\n# comment\n"
    assert parse_sitemap(bare, BASE)[0] == ["https://ml.ambafrance.org/a"]
    assert parse_sitemap(text, BASE)[0] == ["https://ml.ambafrance.org/a", "https://ml.ambafrance.org/b"]


@pytest.mark.parametrize("body", [b"", b"<html><body>404</body></html>", b"\x1f\x8bnot gzip",
                                  b"<urlset><url><loc>https://ml.ambafrance.org/a"])
def test_broken_sitemaps_give_what_they_can_and_never_raise(body: bytes) -> None:
    pages, children = parse_sitemap(body, BASE)
    assert children == [] and pages in ([], ["https://ml.ambafrance.org/a"])


def test_entities_are_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <urlset><url><loc>https://ml.ambafrance.org/&c;</loc></url></urlset>"""
    pages, _ = parse_sitemap(laughs, BASE)
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
    assert parse_feed(body, BASE) == links


def test_discovery_urls_name_the_sitemaps_and_the_spip_feed() -> None:
    assert discovery_urls("https://ML.ambafrance.org/-English-") == [
        "https://ml.ambafrance.org/sitemap.xml",
        "https://ml.ambafrance.org/spip.php?page=sitemap.xml",
        "https://ml.ambafrance.org/spip.php?page=backend",
    ]
