"""The article's title: kickers inside its heading and site-name headings are not its words."""

from __future__ import annotations

import pytest

from scraper import extract_page

BODY = ("<p>Der erste Absatz des Artikels erzählt vom offiziellen Besuch der Delegation, von den "
        "Treffen mit den Behörden und von den unterzeichneten Abkommen in der Hauptstadt.</p>")


@pytest.mark.parametrize("kicker", [
    "<span class='article-heading__kicker'>Klimaschutz</span><span class='visually-hidden'>: </span>",
    "<span class='entry-title__toptitle'>Forderungsausfälle vermeiden</span>",
    "<div class='topic-label'>100. Geburtstag</div>",
    "<span class='roofline'>Wurmkiste</span>",
    "<span class='label label--blue'>Patch Notes</span>",
    "<span class='dachzeile'>Energie</span>: ",
])
def test_a_kicker_inside_the_heading_is_not_part_of_the_title(kicker: str) -> None:
    # The <title> often carries the kicker too: it does not make the kicker a title word.
    words = kicker.split(">")[1].split("<")[0]
    html = (f"<html><head><title>{words}: Bohren, bis es heiß wird | Die Zeitung</title></head><body>"
            f"<article><h1>{kicker}Bohren, bis es heiß wird</h1>{BODY}</article></body></html>")
    assert extract_page(html, "https://example.org/a").title == "Bohren, bis es heiß wird"


def test_a_heading_that_is_only_a_kicker_keeps_its_words() -> None:
    html = ("<html><body><article><h1><span class='kicker'>Bohren, bis es heiß wird</span></h1>"
            f"{BODY}</article></body></html>")
    assert extract_page(html, "https://example.org/a").title == "Bohren, bis es heiß wird"


@pytest.mark.parametrize("site_heading", [
    "<h1><a href='/'>Krimiblog</a></h1>",                      # a lone link home
    "<h1><a href='../index.html'>Krimiblog</a></h1>",
    "<h1 class='visually-hidden'>Krimiblog</h1>",
    "<h1>Krimiblog</h1>",                                       # og:site_name's words
])
def test_the_site_name_heading_loses_to_the_article_heading(site_heading: str) -> None:
    html = ("<html><head><title>Ins neue Jahr | Krimiblog</title>"
            "<meta property='og:site_name' content='Krimiblog'></head><body>"
            f"<div class='top'>{site_heading}</div><main><h2 class='entry-title'>Ins neue Jahr</h2>"
            f"{BODY}</main></body></html>")
    assert extract_page(html, "https://example.org/2019/01/01/ins-neue-jahr/").title == "Ins neue Jahr"


def test_without_an_article_heading_the_title_is_the_longest_part_of_the_title_element() -> None:
    html = ("<html><head><title>Krimiblog » Blog Archiv » Weitere Digitalisierung der Kinos</title>"
            "</head><body><h1><a href='/'>Krimiblog</a></h1>" + BODY + "</body></html>")
    assert extract_page(html, "https://example.org/?p=1").title == "Weitere Digitalisierung der Kinos"


@pytest.mark.parametrize("head_title", [
    "Schneeflöckchen – mit Hund im Winter - Hundeschule Rütter",   # the site's name after
    "Hundeschule Rütter | Schneeflöckchen – mit Hund im Winter",   # or before
])
def test_a_meta_title_the_title_element_repeats_with_the_site_s_name_is_whole(
        head_title: str) -> None:
    # No heading of the page names the article: the og:title is its title, dash and all,
    # since the <title> shows which part is the site's name.
    html = (f"<html><head><title>{head_title}</title><meta property='og:title' "
            "content='Schneeflöckchen – mit Hund im Winter'></head><body>"
            f"<h1><a href='/'>Hundeschule Rütter</a></h1>{BODY}</body></html>")
    assert extract_page(html, "https://example.org/?p=1").title == (
        "Schneeflöckchen – mit Hund im Winter")
