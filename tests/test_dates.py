"""Dates in every language: parse_date, find_labelled_dates and extract_dates.

One table row per language: its long form, its numeric form, its publication and update
labels, and a trap that must not produce a date (or must produce the other kind of date).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.extract import date_words
from scraper.extract.date_scan import _DIGITS, _LETTERS, fold, labelled_dates
from scraper.extract.dates import extract_dates, find_labelled_dates, parse_date

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REALPAGES = SHARED / "realpages" / "pages"
D = date
TODAY = D(2026, 1, 1)  # extraction is given its day: tests never depend on the clock


@dataclass(frozen=True)
class Lang:
    code: str
    long: str  # a long form of LONG_DATE
    numeric: str  # a numeric form of NUMERIC_DATE
    published_line: str  # a labelled publication line for LONG_DATE
    modified_line: str  # a labelled update line for NUMERIC_DATE
    sidebar: str  # a "latest news" item in a sidebar, dated later than the article

    def __str__(self) -> str:
        return self.code


LONG_DATE, NUMERIC_DATE, SIDEBAR_DATE = D(2011, 7, 4), D(2011, 7, 5), D(2017, 3, 3)

LANGUAGES = [
    Lang("fr", "lundi 4 juillet 2011", "05/07/2011", "publié le 4 juillet 2011",
         "Dernière modification : 05/07/2011", "3 mars 2017"),
    Lang("en", "July 4th, 2011", "05/07/2011", "Published on 4 July 2011",
         "Updated 05/07/2011", "March 3, 2017"),
    Lang("es", "4 de julio de 2011", "05/07/2011", "publicado el 4 de julio de 2011",
         "actualizado el 05/07/2011", "3 de marzo de 2017"),
    Lang("de", "4. Juli 2011", "05.07.2011", "veröffentlicht am 4. Juli 2011",
         "Letzte Änderung 05.07.2011", "3. März 2017"),
    Lang("it", "4 luglio 2011", "05/07/2011", "pubblicato il 4 luglio 2011",
         "aggiornato il 05/07/2011", "3 marzo 2017"),
    Lang("pt", "4 de julho de 2011", "05/07/2011", "publicado em 4 de julho de 2011",
         "atualizado em 05/07/2011", "3 de março de 2017"),
    Lang("nl", "4 juli 2011", "05-07-2011", "gepubliceerd op 4 juli 2011",
         "bijgewerkt op 05-07-2011", "3 maart 2017"),
    Lang("pl", "4 lipca 2011 r.", "05.07.2011", "opublikowano 4 lipca 2011",
         "zaktualizowano 05.07.2011", "3 marca 2017"),
    Lang("tr", "4 Temmuz 2011", "05.07.2011", "Yayınlanma tarihi: 4 Temmuz 2011",
         "Güncelleme tarihi: 05.07.2011", "3 Mart 2017"),
    Lang("ru", "4 июля 2011 г.", "05.07.2011", "опубликовано 4 июля 2011",
         "обновлено 05.07.2011", "3 марта 2017"),
    Lang("uk", "4 липня 2011", "05.07.2011", "опубліковано 4 липня 2011",
         "оновлено 05.07.2011", "3 березня 2017"),
    Lang("ar", "٤ يوليو ٢٠١١", "٠٥/٠٧/٢٠١١", "نشر في 4 تموز 2011", "تم التحديث ٥ يوليو ٢٠١١",
         "3 مارس 2017"),
    Lang("fa", "۱۳ تیر ۱۳۹۰", "۱۳۹۰/۰۴/۱۴", "تاریخ انتشار: ۱۳ تیر ۱۳۹۰",
         "آخرین ویرایش: ۱۴ تیر ۱۳۹۰", "۱۲ اسفند ۱۳۹۵"),
    Lang("sr", "4. jul 2011.", "05.07.2011.", "Objavljeno: 4. јула 2011.",
         "Ažurirano: 05.07.2011.", "3. mart 2017."),
    Lang("hu", "2011. július 4.", "2011.07.05.", "Közzétéve: 2011. július 4.",
         "Frissítve: 2011.07.05.", "2017. március 3."),
    Lang("he", "4 ביולי 2011", "05.07.2011", "פורסם: 4 ביולי 2011", "עודכן: 05.07.2011",
         "3 במרץ 2017"),
    Lang("vi", "ngày 4 tháng 7 năm 2011", "05/07/2011", "Đăng ngày 4 tháng 7 năm 2011",
         "Cập nhật: 05/07/2011", "ngày 3 tháng 3 năm 2017"),
    Lang("zh", "2011年7月4日", "2011/7/5", "发布时间：2011年7月4日", "更新时间：2011-07-05",
         "2017年3月3日"),
    Lang("ja", "平成23年7月4日", "2011/07/05", "公開日：2011年7月4日", "更新日：2011年7月5日",
         "2017年3月3日"),
    Lang("ko", "2011년 7월 4일", "2011. 7. 5.", "게시일: 2011년 7월 4일", "수정일: 2011. 7. 5.",
         "2017년 3월 3일"),
]


@pytest.mark.parametrize("lang", LANGUAGES, ids=str)
def test_the_long_form_reads_as_the_language_writes_it(lang: Lang) -> None:
    assert parse_date(lang.long, lang.code) == LONG_DATE


@pytest.mark.parametrize("lang", LANGUAGES, ids=str)
def test_the_numeric_form_reads_in_the_order_the_language_writes(lang: Lang) -> None:
    assert parse_date(lang.numeric, lang.code) == NUMERIC_DATE


@pytest.mark.parametrize("lang", LANGUAGES, ids=str)
def test_labelled_lines_keep_publication_and_update_apart(lang: Lang) -> None:
    text = f"{lang.modified_line}\n{lang.published_line}"
    assert find_labelled_dates(text, lang.code, today=TODAY) == (LONG_DATE, NUMERIC_DATE)
    assert find_labelled_dates(lang.modified_line, lang.code, today=TODAY) == (None, NUMERIC_DATE)


# One trap per language: (function, text, language, expected).
TRAPS = [
    ("fr", find_labelled_dates, "Dernière modification : 16/11/2017", (None, D(2017, 11, 16))),
    ("en", parse_date, "07/04/2011", D(2011, 4, 7)),  # day first unless the page is American
    ("es", find_labelled_dates, "Ciudad de México, 14 de julio de 2017", (None, None)),
    ("de", find_labelled_dates, "Stand: 12.11.2021", (None, D(2021, 11, 12))),
    ("it", parse_date, "31 febbraio 2011", None),
    ("pt", find_labelled_dates, "publicado em 1 de janeiro de 1900", (None, None)),
    ("nl", parse_date, "juli 2011", None),
    ("pl", find_labelled_dates, "opublikowano 4 lipca 2999", (None, None)),
    ("tr", parse_date, "Tel: 1-2-11", None),
    ("ru", find_labelled_dates, "Москва, 29 июня. Опубликовано агентством", (None, None)),
    ("uk", parse_date, "версія 1.2.3", None),
    ("ar", parse_date, "11 شوال 1441هـ", None),  # a Hijri date is not read as Gregorian
    # A lunar Hijri year (1441) read as Solar Hijri lands in 2062: implausible, so no date.
    ("fa", find_labelled_dates, "تاریخ انتشار: ۱۴۴۱/۱۰/۱۱", (None, None)),
    ("sr", parse_date, "Beograd, 4. jul", None),
    ("hu", parse_date, "2011 július", None),
    ("he", find_labelled_dates, "עודכן לפני 3 שעות", (None, None)),  # "updated 3 hours ago"
    ("vi", parse_date, "tháng 7 năm 2011", None),
    ("zh", parse_date, "04/07/2011", None),  # Chinese writes the year first
    ("ja", parse_date, "[06月24日 11時30分]", None),  # no year: not a date by itself
    ("ko", parse_date, "7월 4일", None),
]


@pytest.mark.parametrize(("code", "function", "text", "expected"), TRAPS,
                         ids=[t[0] for t in TRAPS])
def test_a_trap_gives_no_false_date(code: str, function: object, text: str,
                                    expected: object) -> None:
    assert callable(function)
    if function is find_labelled_dates:
        assert function(text, code, today=TODAY) == expected
    else:
        assert function(text, code) == expected


def page(lang: str, article: str, *, head: str = "", aside: str = "", after: str = "",
         dir_: str = "ltr") -> lxml.html.HtmlElement:
    """A page in the sample site's SPIP article template, with our own words in it."""
    html = f"""<!DOCTYPE html><html lang="{lang}" dir="{dir_}"><head><meta charset="utf-8">
    <title>Article - Ambassade</title>{head}</head>
    <body class="page_article"><div class="page">
    <header class="header"><a class="header-logo" href="/">Ambassade</a>
      <nav class="menu-principal"><ul><li><a href="/-L-ambassade-">L'ambassade</a></li></ul></nav>
    </header>
    <main class="main" id="contenu">
      <p class="ariane"><a href="/">Accueil</a> &raquo; <a href="/-Actualites-">Actualités</a></p>
      <article class="article"><h1 class="titre-article">Titre</h1>{article}</article>
      <aside class="aside"><h2>Dernières actualités</h2><ul>{aside}</ul></aside>
      {after}
    </main>
    <footer class="footer"><p class="back-to-top"><a href="#page">Haut de page</a></p></footer>
    </div></body></html>"""
    return lxml.html.document_fromstring(html)


def dates_of(doc: lxml.html.HtmlElement, lang: str | None = None,
             url: str = "http://127.0.0.1/Article-1") -> tuple[date | None, date | None]:
    return extract_dates(doc, None, lang, url, today=TODAY)


@pytest.mark.parametrize("lang", LANGUAGES, ids=str)
def test_a_page_takes_its_own_dates_not_a_sidebar_s_or_a_comment_s(lang: Lang) -> None:
    doc = page(
        lang.code,
        f"""<div class="texte"><p>{lang.long}</p><p>Texte.</p></div>
        <p class="date-publication">{lang.published_line}</p>
        <p class="date-maj">{lang.modified_line}</p>
        <div class="comments"><p class="date">{lang.sidebar}</p></div>""",
        aside=f'<li><a href="/a">Autre</a> <span class="date">{lang.sidebar}</span></li>',
        dir_="rtl" if lang.code in ("ar", "fa", "he") else "ltr",
    )
    assert dates_of(doc, lang.code) == (LONG_DATE, NUMERIC_DATE)


@pytest.mark.parametrize("lang", LANGUAGES, ids=str)
def test_a_sidebar_date_alone_dates_nothing(lang: Lang) -> None:
    doc = page(lang.code, '<div class="texte"><p>Texte sans date.</p></div>',
               aside=f'<li><a href="/a">Autre</a> <span class="date">{lang.sidebar}</span></li>',
               after=f'<div id="forum"><p>Réponse</p><time>{lang.sidebar}</time></div>')
    assert dates_of(doc, lang.code) == (None, None)


def test_a_page_with_only_a_modification_line_has_no_publication_date() -> None:
    doc = page("en", """<div class="texte"><p>Visa information.</p></div>
        <p class="date-maj">Dernière modification : 16/11/2017</p>""")
    assert dates_of(doc, "en") == (None, D(2017, 11, 16))


def test_a_modification_line_leaves_the_publication_date_to_metadata() -> None:
    ld = {"@context": "https://schema.org", "@type": "Article", "datePublished": "2011-05-02"}
    doc = page("es", '<div class="texte"><p>Texto.</p></div><p>Updated 28/08/2013</p>',
               head=f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert dates_of(doc, "es") == (D(2011, 5, 2), D(2013, 8, 28))


def test_a_declared_update_before_publication_is_no_update() -> None:
    doc = page("ar", '<p><time class="date published">03 يونيو 2020</time></p>',
               head='<meta property="article:published_time" content="2020-06-03T03:01+0400">'
                    '<meta property="article:modified_time" content="2020-03-15T20:18+0400">')
    assert dates_of(doc, "ar") == (D(2020, 6, 3), None)


def test_an_opening_dateline_is_not_the_publication_date() -> None:
    doc = page("es", """<div class="texte"><p>Ciudad de México, 14 de julio de 2017</p>
        <p>Señoras y señores…</p></div>
        <p class="date-publication">publicado el 20 de julio de 2017</p>""")
    assert dates_of(doc, "es") == (D(2017, 7, 20), None)


def test_an_opening_dateline_beside_a_modification_line_leaves_publication_unknown() -> None:
    doc = page("es", """<div class="texte"><p>Ciudad de México, 14 de julio de 2017</p>
        <p>Señoras y señores…</p></div><p class="date-maj">Dernière modification : 16/11/2017</p>""")
    assert dates_of(doc, "es") == (None, D(2017, 11, 16))


def test_a_press_release_dateline_dates_the_page() -> None:
    doc = page("de", """<div class="texte"><p><strong>Bern, 17.08.2007 - Rede des Ministers,
        Basel, 18. August 2007</strong></p><p>Text.</p></div>
        <p><small>Letzte Änderung 14.02.2019</small></p>""")
    assert dates_of(doc, "de") == (D(2007, 8, 17), D(2019, 2, 14))


def test_a_future_date_and_the_year_1900_are_implausible() -> None:
    future = TODAY + timedelta(days=400)
    doc = page("fr", f"""<p class="date-publication">publié le {future:%d/%m/%Y}</p>
        <p class="date-maj">mis à jour le 01/01/1900</p>""",
               head='<meta property="article:published_time" content="2012-05-06T10:00:00+02:00">')
    assert dates_of(doc, "fr") == (D(2012, 5, 6), None)


def test_an_update_on_the_publication_day_is_no_update() -> None:
    doc = page("es", '<div class="fecha"><time datetime="2023-11-02T14:05:26Z">Actualizado '
                     "Jueves, 2 noviembre 2023 - 15:05</time></div>",
               head='<meta property="article:published_time" content="2023-11-02T13:43:27Z">')
    assert dates_of(doc, "es") == (D(2023, 11, 2), None)


def test_stand_is_the_publication_date_when_it_is_the_only_date() -> None:
    doc = page("de", '<span class="heading__meta">Stand - 12.11.2021</span><p>Text.</p>')
    assert dates_of(doc, "de") == (D(2021, 11, 12), None)


def test_stand_is_the_modification_date_beside_a_publication_date() -> None:
    doc = page("de", "<p>veröffentlicht am 3. Juli 2018</p><p>Stand: 12.11.2021</p>")
    assert dates_of(doc, "de") == (D(2018, 7, 3), D(2021, 11, 12))


def test_the_visible_date_wins_over_the_time_element_s_attribute() -> None:
    doc = page("fr", '<p class="info"><time datetime="2019-07-03T10:18:46Z">Publié le 29 juin '
                     "2019</time></p>")
    assert dates_of(doc, "fr") == (D(2019, 6, 29), None)


def test_a_byline_date_needs_no_label() -> None:
    doc = page("fr", '<p class="fecha-articulo">jeudi 13 juin 2019</p><div class="texte"><p>'
                     "Le communiqué du 12 juin 2019 dit…</p></div>")
    assert dates_of(doc, "fr") == (D(2019, 6, 13), None)


def test_json_ld_and_meta_tags_date_a_page_without_visible_dates() -> None:
    ld = {"@graph": [{"@type": "WebPage", "datePublished": "2010-01-01"},
                     {"@type": "NewsArticle", "datePublished": "2020-06-29T00:16:15+03:00",
                      "dateModified": "2020-07-02T09:00:00+03:00"}]}
    doc = page("ru", "<p>МОСКВА, 29 июня. /ТАСС/. Текст.</p>",
               head=f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert dates_of(doc, "ru") == (D(2020, 6, 29), D(2020, 7, 2))


def test_a_date_written_without_its_year_takes_the_year_the_page_s_url_gives() -> None:
    doc = page("ja", '<p class="article-main__date">[06月24日 11時30分]</p><p>本文</p>')
    url = "http://127.0.0.1/news/20190624/k1001.html"
    assert dates_of(doc, "ja", url) == (D(2019, 6, 24), None)


def test_a_solar_hijri_year_is_read_only_on_persian_pages() -> None:
    assert parse_date("1390/04/13", "fa") == D(2011, 7, 4)
    assert parse_date("1390/04/13", "ar") is None


def test_an_american_page_writes_the_month_first() -> None:
    assert find_labelled_dates("Updated 07/04/2011", "en-US", today=TODAY) == (None, D(2011, 7, 4))
    assert find_labelled_dates("Updated 07/04/2011", "en-GB", today=TODAY) == (None, D(2011, 4, 7))
    assert parse_date("12/25/2011", "en") == D(2011, 12, 25)  # the only reading
    assert parse_date("12/25/2011", "fr") is None


def test_htmldate_dates_a_page_from_its_url_as_a_last_resort() -> None:
    doc = page("fr", "<p>Texte sans date.</p>")
    assert dates_of(doc, "fr", "http://127.0.0.1/2017/07/14/article.html") == (D(2017, 7, 14),
                                                                               None)


def test_extract_dates_uses_the_main_element_it_is_given() -> None:
    doc = lxml.html.document_fromstring(
        '<html><body><div class="sidebar-layout"><main><p class="date">4 juillet 2011</p>'
        "</main></div></body></html>")
    main = doc.find(".//main")
    assert extract_dates(doc, main, "fr", "http://127.0.0.1/a", today=TODAY) == (LONG_DATE, None)


@pytest.mark.parametrize("html", ["<html></html>", "<p>publié le 99/99/9999</p>",
                                  "<script type='application/ld+json'>{bad json</script>",
                                  "<div>" * 200 + "publié le 4 juillet 2011" + "</div>" * 200])
def test_odd_documents_give_dates_or_none_never_an_error(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    published, modified = extract_dates(doc, None, None, "", today=TODAY)
    assert published in (None, LONG_DATE) and modified is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.sampled_from([None, "fr", "en-US", "ar", "zh", "fa", "xx"]))
def test_parse_date_never_raises(text: str, language: str | None) -> None:
    result = parse_date(text, language)
    assert result is None or isinstance(result, date)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(1995, 1, 1), max_value=D(2040, 12, 31)),
       st.sampled_from(sorted(date_words.MONTHS)), st.data())
def test_every_month_word_reads_back_the_date_it_writes(day: date, code: str,
                                                        data: st.DataObject) -> None:
    word = data.draw(st.sampled_from(date_words.MONTHS[code][day.month]))
    assert parse_date(f"{day.day} {word} {day.year}", code) == day


def _decoded(raw: bytes) -> str:
    # The extractor decodes before parsing; lxml alone misses some pages' <meta charset>.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


REAL = sorted(REALPAGES.glob("*.expected.json")) if REALPAGES.is_dir() else []


def test_the_real_pages_are_there_in_ci() -> None:
    # On a stranger's clone the real-page rows below skip; in CI their absence is a failure.
    if not REAL:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{REALPAGES} is missing: CI must have ../shared beside the checkout")
        pytest.skip("../shared/realpages is absent (a stranger's clone)")
    assert len(REAL) >= 22


@pytest.mark.skipif(not REAL, reason="../shared/realpages is absent")
@pytest.mark.parametrize("expected_path", REAL, ids=lambda p: p.name.split(".")[0])
def test_real_pages_get_their_expected_dates(expected_path: Path) -> None:
    want = json.loads(expected_path.read_text(encoding="utf-8"))
    raw = expected_path.with_name(expected_path.name.replace(".expected.json", ".html"))
    doc = lxml.html.document_fromstring(_decoded(raw.read_bytes()))
    published, modified = extract_dates(doc, None, want["language"], want["url"] or "",
                                       today=TODAY)
    assert (published and published.isoformat(), modified and modified.isoformat()) == (
        want["published"], want["modified"])


def _fold_by_definition(text: str) -> str:
    # fold as specified, one character at a time: the fast version must agree with it.
    text = unicodedata.normalize("NFKC", text).translate(_LETTERS).translate(_DIGITS).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.sampled_from(["Publié le ٤ يوليو ٢٠١١", "Dernière MODIFICATION :\u00a016/11/2017",
                          "Ngày 4 tháng 7 năm 2011", "2011년 7월 4일", "İstanbul, 4 Temmuz"]))
def test_fold_agrees_with_its_definition(text: str) -> None:
    assert fold(text) == _fold_by_definition(text)


@pytest.mark.parametrize(("line", "kind"), [
    ("Dernière modification : 16/11/2017", "modified"),
    ("republié le 4 juillet 2011", None),  # "publié" inside a word is no label
    ("发布时间：2019-08-01", "published"),
    ("Stand: 12.11.2021", "asof"),
])
def test_a_label_counts_only_at_a_word_start(line: str, kind: str | None) -> None:
    found = labelled_dates(line, None)
    assert [k for k, _ in found][:1] == ([kind] if kind else [])
