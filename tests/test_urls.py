"""URL rules as tables: one row per form."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.urls import (
    in_scope,
    normalize_url,
    sequence_step,
    site_aliases,
    trap_reason,
    walks_a_sequence,
)


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTP://ML.AmbaFrance.ORG/Article-1", "http://ml.ambafrance.org/Article-1"),
    ("http://ml.ambafrance.org:80/", "http://ml.ambafrance.org/"),
    ("https://ml.ambafrance.org:443/x", "https://ml.ambafrance.org/x"),
    ("http://ml.ambafrance.org:8080/x", "http://ml.ambafrance.org:8080/x"),
    ("http://ml.ambafrance.org", "http://ml.ambafrance.org/"),
    ("http://ml.ambafrance.org/x#haut", "http://ml.ambafrance.org/x"),
    ("http://ex.org/p?b=2&a=1", "http://ex.org/p?a=1&b=2"),
    ("http://ex.org/p?PHPSESSID=abc&x=1", "http://ex.org/p?x=1"),
    ("http://ex.org/p;jsessionid=ABC123?x=1", "http://ex.org/p?x=1"),
    ("http://ex.org/p?utm_source=tw&utm_medium=x&fbclid=1", "http://ex.org/p"),
    ("http://ex.org/spip.php?article12&var_mode=calcul", "http://ex.org/spip.php?article12"),
    ("http://ex.org/spip.php?article12&var_mode=recalcul&var_hasard=99",
     "http://ex.org/spip.php?article12"),
    ("http://ex.org/spip.php?article12&lang=fr&lang=en", "http://ex.org/spip.php?article12&lang=fr"),
    ("http://ex.org/spip.php?lang=EN&rubrique3", "http://ex.org/spip.php?lang=en&rubrique3"),
    ("http://ex.org/a/./b/../c", "http://ex.org/a/c"),
    ("http://ex.org/%7euser/%d8%a7", "http://ex.org/~user/%D8%A7"),
    ("http://ex.org/السفارة", "http://ex.org/%D8%A7%D9%84%D8%B3%D9%81%D8%A7%D8%B1%D8%A9"),
    ("http://ex.org/a%2Fb", "http://ex.org/a%2Fb"),
    ("http://user:secret@ex.org/", "http://ex.org/"),
    ("http://ex.org/-Rubrique-Slug-2492-?debut_artsRubDirect=10",
     "http://ex.org/-Rubrique-Slug-2492-?debut_artsRubDirect=10"),
    ("http://[::1]:80/x", "http://[::1]/x"),
    ("http://bücher.example/", "http://xn--bcher-kva.example/"),
])
def test_normalize_url_gives_one_canonical_form(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", [
    "mailto:info@ambafrance.org", "javascript:void(0)", "ftp://ex.org/f", "tel:+33123",
    "data:text/html,x", "", "   ", "http://", "http://ex.org:99999/", "//ex.org/x", "/relative",
])
def test_normalize_url_refuses_what_is_not_http(url: str) -> None:
    assert normalize_url(url) is None


@pytest.mark.parametrize(("href", "base", "expected"), [
    ("../x", "http://ex.org/a/b/c", "http://ex.org/a/x"),
    ("spip.php?article5", "https://ml.ambafrance.org/-English-", "https://ml.ambafrance.org/spip.php?article5"),
    ("//ml.ambafrance.org/y", "https://ex.org/", "https://ml.ambafrance.org/y"),
    ("#top", "http://ex.org/p?a=1", "http://ex.org/p?a=1"),
])
def test_normalize_url_resolves_against_a_base(href: str, base: str, expected: str) -> None:
    assert normalize_url(href, base) == expected


@given(st.text(max_size=60))
def test_normalize_url_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize_url("http://ex.org/" + text)
    assert once is None or normalize_url(once) == once


@pytest.mark.parametrize(("host", "aliases"), [
    ("ml.ambafrance.org", ["ml.ambafrance.org", "www.ambafrance-ml.org", "ml.diplomatie.gouv.fr"]),
    ("www.ambafrance-br.org", ["www.ambafrance-br.org", "br.ambafrance.org", "br.diplomatie.gouv.fr"]),
    ("ambafrance-ma.org", ["ambafrance-ma.org", "ma.ambafrance.org", "www.ambafrance-ma.org",
                           "ma.diplomatie.gouv.fr"]),
    ("IN.Diplomatie.Gouv.FR", ["in.diplomatie.gouv.fr", "in.ambafrance.org", "www.ambafrance-in.org"]),
    ("fr.ambafrance-jp.org", ["fr.ambafrance-jp.org", "jp.ambafrance.org", "www.ambafrance-jp.org",
                              "jp.diplomatie.gouv.fr"]),
    ("franceintheus.org", ["franceintheus.org", "www.franceintheus.org"]),
    ("www.diplomatie.gouv.fr", ["www.diplomatie.gouv.fr", "diplomatie.gouv.fr"]),
    ("127.0.0.1", ["127.0.0.1"]),
])
def test_site_aliases_of_each_host_form(host: str, aliases: list[str]) -> None:
    assert site_aliases(host) == aliases


@pytest.mark.parametrize(("url", "hosts", "expected"), [
    ("https://ml.ambafrance.org/x", site_aliases("www.ambafrance-ml.org"), True),
    ("https://ML.ambafrance.org/x", ["ml.ambafrance.org"], True),
    ("https://ne.ambafrance.org/x", site_aliases("ml.ambafrance.org"), False),
    ("https://evil.com/ml.ambafrance.org", ["ml.ambafrance.org"], False),
    ("https://ml.ambafrance.org.evil.com/", ["ml.ambafrance.org"], False),
    ("mailto:x@ml.ambafrance.org", ["ml.ambafrance.org"], False),
    ("http://127.0.0.1:8000/a", ["127.0.0.1:8000"], True),
    ("http://127.0.0.1:8001/a", ["127.0.0.1:8000"], False),
    ("http://127.0.0.1:8001/a", ["127.0.0.1"], True),
    ("http://[::1]:8000/a", ["[::1]:8000"], True),
    ("http://[::1]:8000/a", ["::1"], True),
    ("http://ex.org/a", ["http://ex.org/"], True),
])
def test_in_scope_matches_hosts_and_ports(url: str, hosts: list[str], expected: bool) -> None:
    assert in_scope(url, hosts) is expected


@pytest.mark.parametrize(("url", "reason"), [
    ("http://ex.org/calendar?month=2026-01", "calendar"),
    ("http://ex.org/spip.php?page=agenda&mois=11&annee=2017", "calendar"),
    ("http://ex.org/agenda/2017/07/", "calendar"),
    ("http://ex.org/x?date=2031-02-30", "calendar"),
    ("http://ex.org/a/b/a/b/a/b", "repeated segments"),
    ("http://ex.org/IMG/IMG/IMG/x.png", "repeated segments"),
    ("http://ex.org/a/b/c/a/b/c/", "repeated segments"),
    ("http://ex.org/" + "x" * 1100, "too long"),
    ("http://ex.org/" + "/".join(f"d{i}" for i in range(20)), "too deep"),
    ("http://ex.org/-Actualites-?debut_articles=99990", "deep pagination"),
    ("http://ex.org/news?page=9999", "deep pagination"),
    ("http://ex.org/p;jsessionid=0123456789abcdef", "session"),
    ("http://ex.org/p?PHPSESSID=0123456789abcdef0123", "session"),
    ("http://ex.org/spip.php?action=converser&var_lang=en&redirect=x", "spip action"),
    ("http://ex.org/spip.php?page=recherche&recherche=visa", "search"),
    ("ftp://ex.org/", "not http"),
])
def test_trap_reason_names_each_trap(url: str, reason: str) -> None:
    assert trap_reason(url) == reason


@pytest.mark.parametrize("url", [
    "https://ml.ambafrance.org/",
    "https://ml.ambafrance.org/Article-slug-4100",
    "https://ml.ambafrance.org/-Rubrique-Slug-2492-?debut_artsRubDirect=10",
    "https://ml.ambafrance.org/Titre,1205",
    "https://ml.ambafrance.org/spip.php?article123&lang=fr",
    "https://ml.ambafrance.org/spip.php?page=backend",
    "https://ml.ambafrance.org/-English-",
    "https://ir.ambafrance.org/%D8%B3%D9%81%D8%A7%D8%B1%D8%AA",
    "https://ex.org/2017/07/14/fete-nationale",
    "https://ex.org/news/news-archive",
])
def test_ordinary_embassy_urls_are_not_traps(url: str) -> None:
    assert trap_reason(url) is None


@pytest.mark.parametrize(("a", "b", "step"), [
    ("http://ex.org/calendar?m=5", "http://ex.org/calendar?m=6", True),
    ("http://ex.org/vue?m=5", "http://ex.org/vue?m=4", True),  # whatever the words, either way
    ("http://ex.org/agenda/2017/07/", "http://ex.org/agenda/2017/08/", True),
    ("http://ex.org/agenda/2017/12/", "http://ex.org/agenda/2018/01/", True),  # a year turns
    ("http://ex.org/j?d=2017-12-31", "http://ex.org/j?d=2018-01-01", True),
    ("http://ex.org/spip.php?article12", "http://ex.org/spip.php?article13", True),
    ("http://ex.org/Article-un-12", "http://ex.org/Article-deux-13", False),  # other words
    ("http://ex.org/x?m=5&y=1", "http://ex.org/x?m=6&y=2", False),  # two unrelated numbers
    ("http://ex.org/-Actus-?debut_articles=10", "http://ex.org/-Actus-?debut_articles=20", False),
    ("http://ex.org/news?page=2", "http://ex.org/news?page=3", False),  # pagination is walked
    ("http://ex.org/calendar?m=5", "http://ex.org/calendar?m=5", False),
    ("http://ex.org/calendar?m=5", "http://other.org/calendar?m=6", False),
])
def test_sequence_step_is_told_by_shape_alone(a: str, b: str, step: bool) -> None:
    assert sequence_step(a, b) is step


@pytest.mark.parametrize(("found_on", "page", "link", "walks"), [
    ("http://ex.org/", "http://ex.org/vue?m=1", "http://ex.org/vue?m=2", False),  # entered
    ("http://ex.org/vue?m=1", "http://ex.org/vue?m=2", "http://ex.org/vue?m=3", True),
    ("http://ex.org/vue?m=1", "http://ex.org/vue?m=2", "http://ex.org/Article-4", False),
    (None, "http://ex.org/vue?m=2", "http://ex.org/vue?m=3", False),
])
def test_a_sequence_is_entered_never_walked(found_on, page, link, walks) -> None:
    assert walks_a_sequence(found_on, page, link) is walks


# -- idempotence (issue 20): one page, one URL ---------------------------------------------------

_PIECES = st.sampled_from(
    list("aZ09.-_~%/?&=+;:@!$'()*,[]é \\|^`{}\"<>")
    + [".", "..", "%2e", "%2E", "%2e%2E", "%2f", "%2F", "%41", "%7e", "%c3%A9", "%00", "%25",
       "%ff", "%G1", "%", "\u202e", "\x7f", "\t", "lang=FR", "utm_source=x", "var_mode=calcul"]
)
_TEXT = st.lists(_PIECES, max_size=14).map("".join)
_URLS = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}://{host}/{path}"
    + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else ""),
    st.sampled_from(["http", "HTTPS"]),
    st.sampled_from(["a.test", "A.Test:80", "b.test:8080", "[::1]", "bücher.de", "u:p@a.test"]),
    _TEXT, _TEXT, _TEXT,
)


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(_URLS)
def test_normalising_a_normalised_url_changes_nothing(url: str) -> None:
    once = normalize_url(url)
    if once is not None:
        assert normalize_url(once) == once


@pytest.mark.parametrize(("url", "expected"), [
    ("http://a.test/a/%2e%2e/b", "http://a.test/b"),
    ("http://a.test/a/%2E/b", "http://a.test/a/b"),
    ("http://a.test/%2e", "http://a.test/"),
    ("http://a.test/a/.%2e/", "http://a.test/"),
    ("http://a.test/a%2fb/../c", "http://a.test/c"),  # an escaped slash is not a separator
])
def test_escaped_dot_segments_are_resolved_like_plain_ones(url: str, expected: str) -> None:
    assert normalize_url(url) == expected == normalize_url(expected)
