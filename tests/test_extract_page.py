"""extract_page on pages we wrote ourselves: the embassy SPIP template and generic markup."""

from __future__ import annotations

import pytest

from scraper import extract_page
from scraper.extract.decode import decode_html

URL = "https://xx.ambafrance.org/Visite-du-port-de-peche"

# Our own article in the agreed template (the sample site's structure, our words).
TEMPLATE = """<!DOCTYPE html>
<html lang="fr" dir="ltr"><head><meta charset="utf-8">
<title>Visite du port de pêche - La France au Pays Imaginaire</title>
<meta name="generator" content="SPIP 3.2"></head>
<body class="page_article ltr"><div class="page">
 <header class="header">
  <a class="header-logo" href="/"><span class="site-name">La France au Pays Imaginaire</span></a>
  <div class="font-tools"><a href="#" class="fontsizeup">fontsizeup</a></div>
  <ul class="menu-lang"><li class="on"><span lang="fr">français</span></li>
   <li><a href="/-English-" lang="en" hreflang="en">English</a></li>
   <li><a href="/-Espanol-" lang="es" hreflang="es">Español</a></li></ul>
  <nav class="menu-principal"><ul><li><a href="/-L-ambassade-">L’ambassade</a></li></ul></nav>
 </header>
 <main class="main" id="contenu">
  <p class="ariane"><a href="/">Accueil</a> &raquo; <a href="/-L-ambassade-">L’ambassade</a>
   &raquo; <a href="/-Economie-">Économie&nbsp;bleue</a></p>
  <article class="article">
   <h1 class="titre-article">Visite du port de pêche</h1>
   <p class="traductions"><span class="lang-on">[fr]</span>
    [<a class="tradlang" href="/Visit-of-the-fishing-port" hreflang="en" lang="en">en</a>]</p>
   <div class="chapo"><p>L’ambassadeur a visité le port le matin.</p></div>
   <div class="texte">
    <p>Les pêcheurs ont présenté leurs nouveaux filets.</p>
    <p>1/ Organisation</p>
    <p><strong>Un paragraphe en gras</strong></p>
    <h3 class="spip">LES ÉCHANGES</h3>
    <p>Une discussion a suivi sur les quotas.</p>
   </div>
   <div class="documents"><a class="spip_doc" href="/IMG/pdf/bilan.pdf">Bilan
    <span class="doc-type">PDF - 98 kB</span></a></div>
   <p class="date-publication">publié le 1er août 2019</p>
  </article>
  <aside class="aside"><h2>Liens utiles</h2><ul><li><a href="/Autre">Autre page</a></li></ul></aside>
 </main>
 <footer class="footer"><ul class="social"><li><a href="https://www.facebook.com/x">Facebook</a></li></ul>
  <p class="back-to-top"><a href="#page">Haut de page</a></p></footer>
</div></body></html>"""


@pytest.fixture(scope="module")
def page():
    return extract_page(TEMPLATE.encode("utf-8"), URL)


def test_the_template_is_recognised_by_its_profile(page):
    assert page.extractor == "ambafrance"


def test_the_title_is_the_article_heading_without_site_name(page):
    assert page.title == "Visite du port de pêche"


def test_the_breadcrumb_lists_the_trail_with_spaces_normalised(page):
    assert page.breadcrumb == ["Accueil", "L’ambassade", "Économie bleue"]


def test_sections_split_at_spip_intertitles(page):
    assert [(s.heading, s.level) for s in page.sections] == [(None, 0), ("LES ÉCHANGES", 3)]
    assert page.sections[0].text.split("\n\n") == [
        "L’ambassadeur a visité le port le matin.",
        "Les pêcheurs ont présenté leurs nouveaux filets.",
        "1/ Organisation",
        "Un paragraphe en gras",
    ]


def test_the_body_leaves_out_template_furniture(page):
    for furniture in ("fontsizeup", "français", "[fr]", "PDF - 98 kB", "publié le",
                      "Liens utiles", "Facebook", "Haut de page", "Accueil"):
        assert furniture not in page.text


def test_translations_come_from_article_links_not_the_language_menu(page):
    assert page.translations == {"en": "https://xx.ambafrance.org/Visit-of-the-fishing-port"}


def test_links_are_absolute_deduplicated_and_without_fragments(page):
    assert page.links[0] == "https://xx.ambafrance.org/"
    assert "https://www.facebook.com/x" in page.links
    assert len(page.links) == len(set(page.links))
    assert not any("#" in link for link in page.links)


def test_language_is_declared_and_checked_against_the_body(page):
    assert (page.language, page.language_declared, page.language_detected) == ("fr", "fr", "fr")


def test_a_language_disagreement_is_recorded_not_hidden():
    html = ("<html lang='de'><body><article><h1>Title</h1><p>This page is written in English "
            "although its markup declares German, which happens on migrated sites.</p>"
            "<p>Another English paragraph follows, long enough for detection.</p>"
            "</article></body></html>")
    page = extract_page(html, "https://example.org/a")
    assert page.language_declared == "de"
    assert page.language_detected == "en"


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        ("Café élevé".encode("latin-1"), "text/html; charset=ISO-8859-1", "Café élevé"),
        ("L’œuvre de l’été – “visite”".encode("cp1252"), None, "L’œuvre de l’été – “visite”"),
        ("<meta charset='iso-8859-1'>Ambassade à Bamako".encode(), None,
         "<meta charset='iso-8859-1'>Ambassade à Bamako"),
        ("Ambassade à Bamako".encode("latin-1"), "text/html; charset=utf-8", "Ambassade à Bamako"),
        ("\ufeffمرحبا".encode("utf-8"), None, "مرحبا"),
        ("Привет".encode("utf-16"), None, "Привет"),
    ],
    ids=["header-latin1", "undeclared-cp1252", "meta-lies-utf8", "header-lies-latin1",
         "utf8-bom", "utf16-bom"],
)
def test_bytes_decode_whatever_the_declaration_says(data, content_type, expected):
    assert decode_html(data, content_type) == expected


def test_an_iso_8859_1_spip_page_keeps_its_accents():
    html = TEMPLATE.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    page = extract_page(html.encode("cp1252"), URL, content_type="text/html; charset=iso-8859-1")
    assert page.title == "Visite du port de pêche"
    assert "Les pêcheurs ont présenté" in page.text


GENERIC = """<html lang="en"><head><title>Trade week opens | Embassy of Somewhere</title>
<script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": [
 {"@type": "ListItem", "position": 2, "name": "News"},
 {"@type": "ListItem", "position": 1, "name": "Home"}]}</script>
<link rel="alternate" hreflang="fr" href="/fr/semaine">
<link rel="alternate" hreflang="en" href="/en/week"></head>
<body><nav class="topnav"><a href="/">Home</a> <a href="/about">About</a></nav>
<div id="content"><h1>Trade week opens <span class="lang">[en]</span></h1>
<p>The trade week opened on Monday with a\u00a0speech by the ambassador, and many guests.</p>
<h2>Programme</h2><p>Workshops run every after\u00adnoon in the main hall of the embassy.</p>
<p><ruby>東<rt>とう</rt></ruby>京 delegates will attend, the organisers said on Monday.</p>
<div class="related"><h2>Related articles</h2><ul><li><a href="/x">Another story</a></li></ul></div>
</div><footer><p>Copyright the embassy, all rights reserved, every year.</p></footer></body></html>"""


def test_generic_pages_get_title_without_site_name_or_language_marker():
    page = extract_page(GENERIC, "https://example.org/en/week")
    assert page.extractor == "generic"
    assert page.title == "Trade week opens"


def test_generic_pages_read_breadcrumbs_from_json_ld_in_order():
    assert extract_page(GENERIC, "https://example.org/en/week").breadcrumb == ["Home", "News"]


def test_generic_sections_ignore_related_boxes_and_footers():
    page = extract_page(GENERIC, "https://example.org/en/week")
    assert [s.heading for s in page.sections] == [None, "Programme"]
    assert "Another story" not in page.text and "Copyright" not in page.text


def test_text_is_normalised_and_ruby_readings_dropped():
    page = extract_page(GENERIC, "https://example.org/en/week")
    assert "with a\u00a0speech" in page.text  # a lone no-break space is kept in body text
    assert "every afternoon" in page.text
    assert "東京 delegates" in page.text


def test_hreflang_alternates_are_translations_but_not_the_page_itself():
    page = extract_page(GENERIC, "https://example.org/en/week")
    assert page.translations == {"fr": "https://example.org/fr/semaine"}


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (('<nav aria-label="Breadcrumb"><ol><li><a href="/">Start</a></li><li><a href="/n">'
          'News</a></li><li>Trade week opens</li></ol></nav>'), ["Start", "News"]),
        (('<div class="breadcrumb">You are here: <a href="/">Home</a> &gt; <a href="/n">News</a>'
          '</div>'), ["Home", "News"]),
        ('<p><a href="/">Accueil</a> » <a href="/-Actualites-">Actualités</a></p>',
         ["Accueil", "Actualités"]),
        (('<div id="hierarchie"><a href="/">Accueil</a> &gt; <a href="/r">Rubrique</a> &gt; '
          'Trade week opens</div>'), ["Accueil", "Rubrique"]),
    ],
    ids=["aria-label", "you-are-here-label", "link-trail", "spip-hierarchie"],
)
def test_breadcrumbs_from_markup_lose_labels_and_the_title(markup, expected):
    html = (f"<html><body>{markup}<article><h1>Trade week opens</h1><p>Body text of the "
            "article, long enough to be prose, with a comma or two.</p></article></body></html>")
    assert extract_page(html, "https://example.org/a").breadcrumb == expected
