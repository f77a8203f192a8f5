"""Hit marking and the search syntax's bounds: pure functions, each bound asserted (never a
time): what is read of a text or a query, how many hits are marked, what a prefix needs."""

from __future__ import annotations

import pytest

from archive.plugins import guard, highlight, links, query
from archive.plugins.feed import xml_text
from archive.plugins.highlight import excerpt, hits, mark


@pytest.mark.parametrize(("text", "q", "marked"), [
    ("La Sécurité intérieure", "securite", "La <mark>Sécurité</mark> intérieure"),
    ("SÉCURITÉ", "sécurité", "<mark>SÉCURITÉ</mark>"),
    ("جهاز الأَمْنُ الداخلي", "الامن", "جهاز <mark>الأَمْنُ</mark> الداخلي"),
    ("内部安全服务", "安全", "内部<mark>安全</mark>服务"),
    ("ﬁnance et ﬁscalité", "fiscalite", "ﬁnance et <mark>ﬁscalité</mark>"),
    ("visa <b>", "<b>", "visa <mark>&lt;b&gt;</mark>"),
    ("long séjour, séjour", '"long séjour"', "<mark>long séjour</mark>, séjour"),
])
def test_hits_are_marked_in_the_original_text_in_every_script(text: str, q: str,
                                                                marked: str) -> None:
    assert mark(text, q) == marked


def test_overlapping_words_mark_the_longest_once() -> None:
    assert mark("sécuritaire", "secur securitaire") == "<mark>sécuritaire</mark>"
    assert hits("abab", "ab ba") == [(0, 2), (2, 4)]


def test_a_paragraph_of_one_letter_marks_at_most_the_cap() -> None:
    text = "a" * 20_000
    spans = hits(text, "a")
    assert len(spans) == highlight.MARK_LIMIT
    assert spans[:2] == [(0, 1), (1, 2)] and spans[-1] == (1999, 2000)
    assert mark(text, "a").count("<mark>") == highlight.MARK_LIMIT
    assert len(mark(text, "a")) == 20_000 + highlight.MARK_LIMIT * len("<mark></mark>")


def test_marking_reads_a_bounded_part_of_a_text_and_shows_the_rest_unmarked() -> None:
    limit = highlight.MARK_TEXT_LIMIT
    text = "x" * (limit - 2) + " visa " + "visa " * 3
    html = mark(text, "visa")
    assert html.endswith("visa " * 3) and "<mark>" not in html  # the word crosses the limit
    assert mark("visa " + "x" * limit, "visa").startswith("<mark>visa</mark>")


def test_a_snippet_looks_for_its_hit_in_a_bounded_part_of_the_text() -> None:
    before = "b" * (highlight.SNIPPET_TEXT_LIMIT - 100)
    assert "visa" in excerpt(before + " visa " + "c" * 500, "visa")
    late = "b" * highlight.SNIPPET_TEXT_LIMIT + " visa " + "c" * 500
    shown = excerpt(late, "visa")
    assert shown == "b" * 160 + "…"  # past the bound, the text's opening


def test_a_short_prefix_is_searched_as_the_word_itself() -> None:
    assert query.fts_query("a*") == '("a")'
    assert query.fts_query("ab*") == '("ab")'
    assert query.fts_query("sec*") == '("sec"*)'
    assert query.fts_query("安*") == '("安")'


def test_a_query_is_read_up_to_its_limits() -> None:
    long_query = "visa " * 1000
    assert len(query.parse(long_query)) == query.TERM_LIMIT
    words = " ".join(f"w{i}" for i in range(query.TERM_LIMIT + 10))
    assert query.fts_query(words).count('"w') == query.TERM_LIMIT
    beyond = "x" * query.QUERY_LIMIT + " visa"
    assert "visa" not in query.fts_query(beyond)


@pytest.mark.parametrize(("fmt", "args", "largest"), [
    ("%.*c", (900_000_000, "x"), 900_000_000),
    ("%*c", (12, "x"), 12),
    ("%d %.*c", (5_000_000, 3, "x"), 3),  # a large value printed, not a width
    ("%050d", (1,), 50),
    ("%% %s %.2f", ("a", 1.5), 2),
    ("%-*.*s|", (7, 100_001, "x"), 100_001),
    ("plain", (), 0),
])
def test_printf_bounds_reads_each_width_and_precision(fmt: str, args: tuple[object, ...],
                                                      largest: int) -> None:
    assert guard.printf_bounds(fmt, args) == largest


@pytest.mark.parametrize(("value", "number"), [
    ("12", 12), ("0", 0), (str(2**63 - 1), 2**63 - 1), (str(2**63), None),
    (str(-(2**63)), -(2**63)), ("9" * 40, None), ("1e3", None), ("", None), ("\x00", None),
    (None, None), (" 7", 7),
])
def test_a_number_from_an_address_is_an_sqlite_integer_or_none(value: str | None,
                                                              number: int | None) -> None:
    assert links.sqlite_int(value) == number


def test_labels_are_capped_and_isolated() -> None:
    long_title = "Visa " * 200_000  # a 1 MB title
    shown = links.label(long_title)
    assert len(shown) == links.LABEL_LIMIT and shown.endswith("…")
    assert str(links.bdi("<b>\u202eevil")) == "<bdi>&lt;b&gt;\u202eevil</bdi>"
    assert links.isolated("\u202eevil") == "\u2068\u202eevil\u2069"
    assert links.isolated("السفارة") == "\u2068السفارة\u2069"
    assert links.isolated("Ambassade") == "Ambassade"


def test_an_address_shows_decoded_words_but_never_an_invisible_control() -> None:
    assert links.iri("https://x/%D8%A7%D9%84") == "https://x/ال"
    assert links.iri("https://x/a%E2%80%AEb") == "https://x/a%E2%80%AEb"  # U+202E
    assert links.iri("https://x/%EF%BF%BE") == "https://x/%EF%BF%BE"  # U+FFFE


def test_xml_text_drops_what_xml_forbids_and_keeps_the_rest() -> None:
    assert xml_text("a\x00b\x01c\x0bd\te\n\ufffe\uffff\ud800ok 𝄞") == "abcd\te\nok 𝄞"
