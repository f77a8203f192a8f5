"""The search page (/-/search) and the `search` canned query it reads, through Datasette's
in-process client on a real archive written through the store API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from test_publish import Client
from test_search import save_page

from archive.schema import ensure_schema

FR = "https://fr.example.org"
EXACT = f"{FR}/Les-passeports-1"  # holds the form typed once
OTHER = f"{FR}/Le-passeport-2"  # holds another form, three times: more hits, still second
LISTING = f"{FR}/-Actualites-"
MANY = 230  # more results than the old canned query's silent limit of 200


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    path = tmp_path_factory.mktemp("search_page") / "archive.db"
    db = Database(path)
    ensure_schema(db)
    save_page(db, EXACT, "fr", "Demander des passeports", "Les passeports sont délivrés ici.",
              date(2015, 3, 1))
    save_page(db, OTHER, "fr", "Le passeport", "Un passeport, votre passeport, le passeport.",
              date(2021, 6, 1))
    save_page(db, "https://ar.example.org/1", "ar", "السفارة", "يستقبل السفير الطلاب في التأشيرة",
              date(2019, 1, 1))
    save_page(db, "https://cn.example.org/1", "zh", "簽證", "大使館辦理簽證", date(2018, 1, 1))
    save_page(db, "https://ru.example.org/1", "ru", "Посольство", "встреча с посольствами",
              date(2017, 1, 1))
    # a listing crawled at each of its pagination offsets: one result
    for offset in (None, 10, 20, 30):
        url = LISTING + (f"?debut_articles={offset}" if offset else "")
        save_page(db, url, "fr", "Actualités", f"Toute l'actualité de l'ambassade, page {offset}",
                  date(2020, 1, 1))
    for i in range(MANY):
        save_page(db, f"https://es.example.org/beca-{i}", "es", f"Becas {i}",
                  f"Convocatoria de becas número {i}", date(2000 + i % 20, 1 + i % 12, 1))
    db.conn.close()
    c = Client(path)
    yield c
    c.close()


def urls(client: Client, **params: str) -> list[str]:
    return [r["url"] for r in client.rows("/DB/search.json", **params)]


def test_the_json_api_gives_url_title_and_more_ranked(client: Client) -> None:
    rows = client.rows("/DB/search.json", q="passeports")
    assert {"url", "title", "language", "site", "published", "snippet", "total"} <= set(rows[0])
    assert rows[0]["total"] == 2


def test_the_exact_form_ranks_above_a_page_with_more_hits_of_another_form(client: Client) -> None:
    assert urls(client, q="passeports") == [EXACT, OTHER]
    assert urls(client, q="passeport") == [OTHER, EXACT]


@pytest.mark.parametrize(("query", "expected"), [
    ("سفير", "https://ar.example.org/1"),  # the page says السفير
    ("تأشيرة", "https://ar.example.org/1"),  # the page says التأشيرة
    ("посольство", "https://ru.example.org/1"),  # the page says посольствами
    ("签证", "https://cn.example.org/1"),  # simplified finds traditional
    ("beca", "https://es.example.org/beca-0"),
])
def test_word_forms_are_found_through_the_api(client: Client, query: str, expected: str) -> None:
    assert expected in urls(client, q=query, limit="1000")


def test_filters_by_site_language_and_dates(client: Client) -> None:
    assert urls(client, q="passeport", site="es.example.org") == []
    assert urls(client, q="passeport", language="fr") == [OTHER, EXACT]
    assert urls(client, q="passeport", language="es") == []
    assert urls(client, q="passeport", **{"from": "2020-01-01"}) == [OTHER]
    assert urls(client, q="passeport", to="2016-12-31") == [EXACT]


def test_sort_by_date_newest_or_oldest_first(client: Client) -> None:
    rows = client.rows("/DB/search.json", q="becas", sort="date", limit="1000")
    dates = [r["published"] for r in rows]
    assert len(rows) == MANY and dates == sorted(dates, reverse=True)
    oldest = [r["published"] for r in client.rows("/DB/search.json", q="becas", sort="oldest")]
    assert oldest == sorted(oldest) and oldest[0] == "2000-01-01"


def test_results_page_beyond_two_hundred(client: Client) -> None:
    first = urls(client, q="becas", limit="200")
    rest = urls(client, q="becas", limit="200", offset="200")
    assert len(first) == 200 and len(rest) == MANY - 200 and not set(first) & set(rest)
    html = client.get("/-/search", params={"q": "becas", "page": "12"}).text
    assert f"<strong>{MANY}</strong> pages found" in html
    assert "results 221–230" in html
    assert len(re.findall(r'<li lang="es"', html)) == MANY - 220


def test_a_listings_pagination_offsets_are_one_result(client: Client) -> None:
    rows = client.rows("/DB/search.json", q="actualite")
    assert len(rows) == 1 and rows[0]["url"].startswith(LISTING)
    assert rows[0]["more_offsets"] == 3
    html = client.get("/-/search", params={"q": "actualité"}).text
    assert "and 3 more pages of this listing" in html


def test_the_page_shows_title_site_language_dates_and_marked_snippet(client: Client) -> None:
    response = client.get("/-/search", params={"q": "passeports"})
    assert response.status_code == 200
    html = response.text
    assert "<strong>2</strong> pages found" in html
    assert '<li lang="fr" dir="ltr">' in html and "fr.example.org" in html
    assert '<time class="published">2015-03-01</time>' in html
    assert "Les <mark>passeports</mark> sont délivrés ici." in html
    # the other form is marked in the second result
    assert "<mark>passeport</mark>, le <mark>passeport</mark>" in html
    assert html.index(EXACT.split("/")[-1]) < html.index(OTHER.split("/")[-1])


def test_arabic_results_read_right_to_left(client: Client) -> None:
    html = client.get("/-/search", params={"q": "سفير"}).text
    assert '<li lang="ar" dir="rtl">' in html
    assert "يستقبل <mark>السفير</mark> الطلاب" in html  # the whole word: its letters stay joined


def test_a_stem_marks_its_whole_word_and_cjk_only_its_characters() -> None:
    from archive.analysis.query import marking_query
    from archive.plugins.search_page import mark_words

    assert mark_words("Deux passeports & un visa", marking_query("passeport", "fr")) == (
        "Deux <mark>passeports</mark> &amp; un visa")
    assert mark_words("法国驻华大使馆签证处", marking_query("签证", "zh")) == (
        "法国驻华大使馆<mark>签证</mark>处")


def test_filters_and_sort_are_kept_in_the_page_links(client: Client) -> None:
    html = client.get("/-/search", params={"q": "becas", "language": "es", "sort": "date"}).text
    assert 'href="/-/search?q=becas&amp;language=es&amp;sort=date&amp;page=2"' in html
    assert '<option value="es" selected>' in html
    assert '<option value="date" selected>' in html


def test_nothing_found_says_so_and_offers_what_would_match(client: Client) -> None:
    html = client.get("/-/search", params={"q": "passeports", "language": "ru"}).text
    assert "Nothing found" in html
    assert "in every language (2)" in html
    html = client.get("/-/search", params={"q": "passeports introuvables"}).text
    assert "Nothing found" in html and "only “passeports”" in html
    html = client.get("/-/search", params={"q": '"passeports ici"'}).text
    assert "the words apart, not as a phrase (1)" in html
    html = client.get("/-/search", params={"q": "zzzzzz"}).text
    assert "Try another form of the word" in html


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "a OR", "'; drop table pages; --", "-x",
                                   "\x00", "x" * 5000])
def test_hostile_input_answers_without_error(client: Client, query: str) -> None:
    assert client.get("/-/search", params={"q": query, "page": "-3", "from": "x'"}).status_code == 200
    assert client.get("/DB/search.json", params={"q": query, "limit": "x"}).status_code in (200, 400)


def test_an_empty_search_explains_itself(client: Client) -> None:
    html = client.get("/-/search").text
    assert "Every form of a word is found" in html


def test_the_canned_query_takes_every_filter_the_page_sends(client: Client) -> None:
    # The page reads the canned query: the filters it sends are parameters there.
    sql = Path(__file__).resolve().parents[1].joinpath("archive/metadata.yml").read_text()
    for name in ("q", "site", "language", "from", "to", "sort", "limit", "offset"):
        assert f":{name}" in sql
