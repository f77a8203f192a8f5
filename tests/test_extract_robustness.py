"""extract_page never raises: truncated, unclosed, deeply nested, NUL-laden, binary, empty."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import extract_page
from scraper.models import Page

URL = "https://xx.ambafrance.org/a"
SAMPLE = (
    "<html lang='fr'><head><title>T - Site</title></head><body><p class='ariane'>"
    "<a href='/'>Accueil</a> » <a href='/r'>R</a></p><article class='article'>"
    "<h1 class='titre-article'>Titre</h1><div class='texte'><p>Un paragraphe, assez long "
    "pour compter comme prose.</p><h3 class='spip'>Partie</h3><p>Suite du texte.</p></div>"
    "<p class='date-publication'>publié le 4 juillet 2011</p></article></body></html>"
)


def _is_page(page: Page) -> bool:
    return isinstance(page, Page) and page.url == URL and isinstance(page.text, str)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(SAMPLE)))
def test_a_page_cut_anywhere_still_extracts(cut: int) -> None:
    page = extract_page(SAMPLE[:cut].encode(), URL)
    assert _is_page(page)
    # What arrived before the cut is read, not lost to a swallowed error.
    if cut >= SAMPLE.index("</p><h3"):
        assert "Un paragraphe, assez long pour compter comme prose." in page.text


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert _is_page(extract_page(data, URL))


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert _is_page(extract_page(text, URL))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "<p>", "</div>", "<h2>", "x", "\x00", "<a href='/b'>",
                                 "</a>", "<table>", "<td>", "<!--", "<script>", "&#0;", "<h1>",
                                 "<ruby>", "<rt>", "\u00a0", "</p>", "<br>", "»"]), max_size=80))
def test_unclosed_and_nul_laden_markup_never_raises(pieces: list[str]) -> None:
    html = SAMPLE.replace("<div class='texte'>", "<div class='texte'>" + "".join(pieces))
    page = extract_page(html.encode("utf-8", "surrogatepass"), URL)
    assert _is_page(page)
    if not {"<!--", "<script>", "<rt>", "<h1>", "<h2>", "<table>", "<td>", "<a href='/b'>"} & set(pieces):
        # Nothing that hides (a comment, a script, a ruby reading) or moves the text: the
        # article's own prose is still read.
        assert "Suite du texte." in page.text and page.title == "Titre"


@settings(max_examples=6, deadline=None)
@given(st.integers(min_value=1_000, max_value=6_000), st.sampled_from(["div", "span", "b", "li"]))
def test_thousands_of_nested_levels_degrade_gracefully(depth: int, tag: str) -> None:
    html = f"<html><body><h1>Deep</h1>{f'<{tag}>' * depth}<p>Deep text, with a comma.</p>"
    html += f"{f'</{tag}>' * depth}</body></html>"
    page = extract_page(html, URL)
    assert _is_page(page) and page.title == "Deep"


def test_an_empty_document_gives_an_empty_page() -> None:
    page = extract_page(b"", URL)
    assert (page.title, page.sections, page.text, page.links) == (None, [], "", [])


def test_nul_bytes_do_not_hide_the_text_around_them() -> None:
    page = extract_page(SAMPLE.replace("Un paragraphe", "Un\x00 paragraphe").encode(), URL)
    assert "Un paragraphe, assez long" in page.text
