"""extract_page on pages we wrote ourselves for the first pass's gaps: diplomatie.gouv.fr-style
language versions, skip-link and share labels, the trafilatura fallback, Content-Language."""

from __future__ import annotations

import pytest
from lxml import etree

from scraper import extract_page
from scraper.extract.dom import parse
from scraper.extract.fallback import needs_fallback, trafilatura_sections
from scraper.extract.lang_names import code_of_name

URL = "https://xx.diplomatie.gouv.fr/Signature-d-un-accord-culturel-123"

# Our own page in the diplomatie.gouv.fr manner: a skip block, a share label under the
# title, and the "All the versions of this article" line with language names as link texts.
DIPLOMATIE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Signature d’un accord culturel - Ambassade de France</title></head>
<body>
 <div><p>Accès rapide :</p>
  <ul><li><a href="#contenu">Aller au contenu</a></li><li><a href="#menu">Menu</a></li>
  <li><a href="#recherche">Recherche</a></li></ul></div>
 <div id="contenu">
  <h1>Signature d’un accord culturel</h1>
  <p>Partager</p>
  <p>All the versions of this article: [<a href="/%D8%AA%D9%88%D9%82%D9%8A%D8%B9-124">عربي</a>]
   [<a href="https://xx.diplomatie.gouv.fr/Signing-of-a-cultural-agreement-125">English</a>]
   [<a href="/Firma-de-un-acuerdo-cultural-126" hreflang="es-MX">Castellano</a>]
   [<a href="/Signature-d-un-accord-culturel-123">français</a>]</p>
  <p>Les deux ministres ont signé mardi un accord qui ouvre les écoles d’art aux étudiants
   des deux pays, et qui prévoit un programme commun de résidences pour les artistes.</p>
  <h2>Les résidences</h2>
  <p>Douze artistes seront accueillis chaque année pendant trois mois, dans des ateliers
   mis à disposition par les villes partenaires du programme.</p>
 </div>
</body></html>"""


@pytest.fixture(scope="module")
def diplomatie():
    return extract_page(DIPLOMATIE.encode("utf-8"), URL)


def test_language_names_in_a_versions_line_become_translations(diplomatie) -> None:
    assert diplomatie.translations == {
        "ar": "https://xx.diplomatie.gouv.fr/%D8%AA%D9%88%D9%82%D9%8A%D8%B9-124",
        "en": "https://xx.diplomatie.gouv.fr/Signing-of-a-cultural-agreement-125",
        "es": "https://xx.diplomatie.gouv.fr/Firma-de-un-acuerdo-cultural-126",
    }


def test_an_hreflang_attribute_wins_over_the_link_text() -> None:
    page = extract_page(
        DIPLOMATIE.replace('hreflang="es-MX">Castellano', 'hreflang="pt">English'), URL
    )
    assert page.translations["pt"] == "https://xx.diplomatie.gouv.fr/Firma-de-un-acuerdo-cultural-126"


def test_the_skip_block_and_the_share_label_are_not_body_text(diplomatie) -> None:
    assert diplomatie.title == "Signature d’un accord culturel"
    assert "Accès rapide" not in diplomatie.text
    assert "Aller au contenu" not in diplomatie.text
    assert "Partager" not in diplomatie.text
    assert diplomatie.text.startswith("Les deux ministres ont signé mardi")
    assert [s.heading for s in diplomatie.sections] == [None, "Les résidences"]


def test_a_share_label_inside_a_sentence_stays_body_text() -> None:
    page = extract_page(DIPLOMATIE.replace(
        "<p>Partager</p>", "<p>Partager les savoir-faire est le but premier de cet accord culturel.</p>"
    ), URL)
    assert "Partager les savoir-faire" in page.text


@pytest.mark.parametrize(
    ("text", "code"),
    [("English", "en"), ("[عربي]", "ar"), ("Español", "es"), ("français", "fr"),
     ("Русский", "ru"), ("中文", "zh"), ("فارسی", "fa"), ("한국어", "ko"), ("Türkçe", "tr"),
     ("Português", "pt"), ("Accueil", None), ("", None)],
)
def test_a_language_name_maps_to_its_iso_code(text: str, code: str | None) -> None:
    assert code_of_name(text) == code


# Prose written as bare <span>s and <br>s in a <section>: no paragraph for our rules to score.
SPANS = """<html lang="en"><head><title>Budget talks - Embassy</title></head><body>
<div id="top"><a href="/">Home</a> <a href="/news">News</a></div>
<section>
<h1>Budget talks</h1>
<span>The two delegations met on Tuesday in the capital to discuss the joint budget for the
cultural programme, which covers exchanges, scholarships and exhibitions.</span><br><br>
<h2>Scholarships</h2>
<span>Forty students will receive a scholarship this year, twice as many as last year, thanks
to a new agreement between the two ministries of education.</span><br><br>
<span>Applications open in March and close at the end of April; the selection committee meets
in May and publishes its results in June on this website.</span><br><br>
<h2>Exhibitions</h2>
<span>Three exhibitions will travel between the two countries, the first of them opening in the
national museum in September with works never shown abroad.</span>
</section></body></html>"""


def test_a_page_our_rules_cannot_read_falls_back_to_trafilatura() -> None:
    page = extract_page(SPANS, "https://xx.ambafrance.org/Budget-talks")
    assert page.extractor == "trafilatura"
    assert page.title == "Budget talks"
    assert [(s.heading, s.level) for s in page.sections] == [
        (None, 0), ("Scholarships", 2), ("Exhibitions", 2)]
    assert page.sections[0].text.startswith("The two delegations met on Tuesday")
    assert "Forty students will receive a scholarship" in page.sections[1].text
    assert "Home" not in page.text


def test_the_fallback_reads_our_tree_and_leaves_it_as_it_was() -> None:
    doc = parse(SPANS)
    assert doc is not None
    before = etree.tostring(doc)
    from_tree = trafilatura_sections(doc, "Budget talks")
    assert etree.tostring(doc) == before  # the dates and links read the same tree after it
    assert from_tree == trafilatura_sections(SPANS, "Budget talks")
    assert [s.heading for s in from_tree] == [None, "Scholarships", "Exhibitions"]


@pytest.mark.parametrize(("body", "prose", "wanted"), [
    (0, 500, True),        # nothing found on a page of prose
    (150, 400, False),     # a tiny page: nothing more to find
    (600, 2000, True),     # one block of a page holding three times more
    (600, 1500, False),
    (1200, 9000, False),   # a body of some length is ours, whatever the page holds
])
def test_a_second_opinion_is_asked_for_an_empty_or_short_body_on_a_page_of_prose(
    body: int, prose: int, wanted: bool
) -> None:
    assert needs_fallback("x" * body, prose) is wanted


def test_a_page_our_rules_read_keeps_our_extractor() -> None:
    page = extract_page(DIPLOMATIE, URL)
    assert page.extractor == "generic"


def test_a_page_without_prose_does_not_call_for_the_fallback() -> None:
    page = extract_page("<html><body><nav><a href='/a'>A</a> <a href='/b'>B</a></nav>"
                        "<p>Short.</p></body></html>", "https://xx.ambafrance.org/")
    assert page.extractor == "generic"


def test_the_content_language_header_is_a_declared_language() -> None:
    html = SPANS.replace('<html lang="en">', "<html>")
    page = extract_page(html, "https://xx.ambafrance.org/a", content_language="de-DE, en")
    assert page.language_declared == "de"
    assert page.language == "de"
    assert page.language_detected == "en"


def test_html_lang_wins_over_the_content_language_header() -> None:
    page = extract_page(SPANS, "https://xx.ambafrance.org/a", content_language="de")
    assert page.language_declared == "en"


def test_callers_passing_only_html_url_and_content_type_still_work() -> None:
    page = extract_page(SPANS.encode("utf-8"), "https://xx.ambafrance.org/a",
                        content_type="text/html; charset=utf-8")
    assert page.language == "en"
