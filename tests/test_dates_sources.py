"""Where a page's publication date comes from, when several places on the page state one.

Labelled lines first, then the day the URL files the page under, then the shown byline
weighed against what the markup declares, then htmldate; quotations, hidden blocks and
teasers of other articles never date the page.
"""

from __future__ import annotations

import json
from datetime import date

import lxml.html
import pytest

from scraper.extract.date_meta import url_date
from scraper.extract.dates import extract_dates

TODAY = date(2026, 1, 1)
D = date


def dates(body: str, *, head: str = "", lang: str = "en",
          url: str = "http://127.0.0.1/news/article-17") -> tuple[date | None, date | None]:
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>T</title>'
            f"{head}</head><body><header class='site-header'><a href='/'>Site</a></header>"
            f"<main><article><h1>Title</h1>{body}<p>Body text of the article.</p></article>"
            "</main><footer><p>Contact</p></footer></body></html>")
    return extract_dates(lxml.html.document_fromstring(html), None, lang, url, today=TODAY)


def meta(published: str, modified: str | None = None) -> str:
    tags = f'<meta property="article:published_time" content="{published}">'
    if modified:
        tags += f'<meta property="article:modified_time" content="{modified}">'
    return tags


@pytest.mark.parametrize(("url", "expected"), [
    ("http://127.0.0.1/home/2017/7/12/unter-uns", D(2017, 7, 12)),
    ("http://127.0.0.1/2019/04/30/a-year-of-protest/", D(2019, 4, 30)),
    ("http://127.0.0.1/news/2019-04-30-a-year-of-protest", D(2019, 4, 30)),
    ("http://127.0.0.1/2023/10/3-questions-to-tina/", None),  # a month and a title
    ("http://127.0.0.1/2030/01/02/plans/", None),  # after today
])
def test_the_day_a_url_files_the_page_under_dates_it(url: str, expected: date | None) -> None:
    assert url_date(url, TODAY) == expected


def test_the_url_s_day_wins_over_a_byline_and_the_markup() -> None:
    found = dates('<p class="date">17 June 2019</p>', head=meta("2019-06-17T10:00:00+02:00"),
                  url="http://127.0.0.1/home/2017/7/12/unter-uns")
    assert found[0] == D(2017, 7, 12)


def test_an_explicit_declaration_wins_over_a_distant_shown_date() -> None:
    found = dates('<span class="timestamp">01.02.2022</span>', lang="de",
                  head=meta("2022-02-04T09:00:00+01:00"))
    assert found == (D(2022, 2, 4), None)


def test_the_shown_day_wins_where_it_is_the_declared_utc_instant_s_local_day() -> None:
    # 23:00 UTC on 4 November is 5 November in Berlin: the publisher's own day.
    assert dates('<p class="meta">5. November 2021</p>', lang="de",
                 head=meta("2021-11-04T23:00Z"))[0] == D(2021, 11, 5)
    # 06:35 UTC on 9 November is still 8 November in Los Angeles.
    assert dates('<div class="article-meta">November 8, 2023</div>',
                 head=meta("2023-11-09T06:35:29+00:00"))[0] == D(2023, 11, 8)


def test_a_shown_day_no_time_zone_explains_yields_to_the_declaration() -> None:
    # 12:32 UTC on 6 December is 6 December from UTC-12 to UTC+11: 5 December is another day.
    assert dates('<div class="field-datetime">05/12/2020 - 15:10</div>', lang="es",
                 head=meta("2020-12-06T12:32:58+00:00"))[0] == D(2020, 12, 6)
    # A declared local time is the publisher's day already.
    assert dates('<time>14. 1. 2020</time>', lang="de",
                 head=meta("2020-01-13T18:54:00+01:00"))[0] == D(2020, 1, 13)


def test_where_the_markup_declares_two_publication_days_the_shown_one_wins() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", '
          '"datePublished": "2023-11-03T10:25:56+00:00"}</script>')
    shown = '<p class="entry-date">6. November 2023, 15:25 Uhr</p>'
    assert dates(shown, lang="de", head=ld + meta("2023-11-06T14:25:00+00:00"))[0] == D(
        2023, 11, 6)
    # Declared once, the markup's day still wins over another shown one.
    assert dates(shown, lang="de", head=ld)[0] == D(2023, 11, 3)


def test_a_bare_dublin_core_date_yields_to_the_shown_date() -> None:
    found = dates('<div class="article-meta">25.01.2022</div>', lang="de",
                  head='<meta name="dcterms.date" content="2022-01-21">')
    assert found == (D(2022, 1, 25), None)


def test_a_bare_dublin_core_date_dates_a_page_that_shows_none() -> None:
    assert dates("", lang="de", head='<meta name="dcterms.date" content="2022-01-21">') == (
        D(2022, 1, 21), None)


def test_json_ld_that_does_not_parse_still_gives_its_dates() -> None:
    broken = ('<script type="application/ld+json">{"@type": "NewsArticle", '
              '"datePublished": "2020-10-26T18:10:00+01:00", "dateModified": '
              '"2020-10-27T08:00:00+01:00",}}</script>')
    assert dates('<span class="article-date">prije 26 minuta</span>', lang="bs",
                 head=broken) == (D(2020, 10, 26), D(2020, 10, 27))


def test_an_ambiguous_numeric_date_reads_in_the_order_the_markup_declares() -> None:
    found = dates("<p>Posted by the editors, 06/01/2020</p>", head=meta("2020-06-01T08:00:00Z"))
    assert found[0] == D(2020, 6, 1)
    assert dates("<p>Posted by the editors, 06/01/2020</p>")[0] == D(2020, 1, 6)


@pytest.mark.parametrize("block", [
    '<blockquote class="instagram-media"><p><time>Mär 27, 2018</time></p></blockquote>',
    '<div class="hidden"><time class="date">29.08.2018</time></div>',
    ('<ul><li class="post-8526 type-post"><a href="/a">Other</a>'
     '<span class="date">21/05/2019</span></li></ul>'),
])
def test_quotations_hidden_blocks_and_teasers_do_not_date_the_page(block: str) -> None:
    assert dates(block, lang="de", head=meta("2018-05-23T10:00:00+02:00"))[0] == D(2018, 5, 23)
    assert dates(block, lang="de") == (None, None)


def test_a_bare_date_label_is_a_byline_not_a_publication_label() -> None:
    # The astrophotograph was taken on 31 August; the article is of 17 September.
    found = dates('<div class="entry-meta">September 17, 2019</div>'
                  "<p>Datum: 31/08/2019</p>", lang="de")
    assert found == (D(2019, 9, 17), None)
    assert dates("<p>Datum: 31/08/2019</p>", lang="de") == (D(2019, 8, 31), None)


def test_the_labelled_update_shown_again_is_no_publication_date() -> None:
    found = dates('<div class="author-info">Zuletzt geändert am: 15.10.2021</div>'
                  '<ul class="timestamp-list"><li>15.10.2021</li></ul>', lang="de")
    assert found == (None, D(2021, 10, 15))


def test_a_publication_label_in_the_article_s_header_band_counts() -> None:
    found = dates('<div class="post-header"><span>Publié sur 18/02/2020</span></div>'
                  '<ul><li class="item"><span class="date">21/05/2019</span></li></ul>',
                  lang="fr")
    assert found[0] == D(2020, 2, 18)


def test_a_year_alone_gives_no_day() -> None:
    # htmldate completes "© 2019" to 1 January; that is no publication day.
    assert dates("<p>Text without a date.</p><p>© 2019 Example</p>") == (None, None)


def test_a_modification_line_alone_still_leaves_publication_to_the_markup() -> None:
    ld = {"@type": "Article", "datePublished": "2019-06-17"}
    found = dates("<p>Last updated: June 4, 2020</p>",
                  head=f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert found == (D(2019, 6, 17), D(2020, 6, 4))


def test_a_label_in_a_block_of_its_own_reads_with_the_next_line() -> None:
    found = dates('<div><h5 class="title-inline">Datum:</h5>03.02.2022</div>'
                  '<div><label>Letzte Änderung:</label><div>14.03.2022 um 09:25</div></div>',
                  lang="de")
    assert found == (D(2022, 2, 3), D(2022, 3, 14))


@pytest.mark.parametrize(("line", "day"), [
    ("1. Februar 2022 , Daniel Dillenburg", D(2022, 2, 1)),
    ("02.02.2022 10:16 Uhr - 1. Bundesliga - Pressemitteilung", D(2022, 2, 2)),
])
def test_a_short_line_that_opens_with_a_date_and_an_author_or_time_is_a_byline(
        line: str, day: date) -> None:
    # The first byline in the page's order dates it, before the dated box further down.
    later = '<div class="event-date">Termin: 3. Januar 2023</div>'
    assert dates(f"<p>{line}</p><p>Text.</p>{later}", lang="de") == (day, None)


def test_a_utility_class_that_names_a_colour_is_no_sidebar() -> None:
    found = dates('<p class="tw-text-grey-secondary-text lg:tw-font-semibold"><br>'
                  "1. Februar 2022, Daniel Dillenburg</p>", lang="de")
    assert found == (D(2022, 2, 1), None)
    assert dates('<div class="secondary"><p>1. Februar 2022, D. D.</p></div>', lang="de") == (
        None, None)


def test_a_teaser_that_links_nowhere_inside_the_main_element_is_the_article_s_lead() -> None:
    html = ("<html><body><main><section class='news'><h1>Verzicht</h1>"
            "<div class='c-teaser'><a href='/c'>Eine andere Meldung</a>"
            "<em class='teaser__pubdate'>05.01.2022</em></div>"
            "<figure class='teaser'><img src='a.jpg'><div class='info'>"
            "<span class='date'>02.02.2022</span></div></figure><p>Text.</p></section></main>"
            "<div class='teaser'><a href='/b'>Other</a><span class='date'>05.03.2022</span>"
            "</div></body></html>")
    doc = lxml.html.document_fromstring(html)
    main = doc.find(".//section")
    assert extract_dates(doc, main, "de", "http://127.0.0.1/a", today=TODAY) == (
        D(2022, 2, 2), None)
    outside = html.replace("<figure class='teaser'>", "<figure>").replace(
        "<span class='date'>02.02.2022</span>", "")
    doc = lxml.html.document_fromstring(outside)
    assert extract_dates(doc, doc.find(".//section"), "de", "http://127.0.0.1/a",
                         today=TODAY) == (None, None)


def test_no_byline_after_the_end_of_the_main_element() -> None:
    html = ("<html><head><meta name='dcterms.date' content='2020-02-11'></head><body>"
            "<div id='wrap'><div class='body'><h1>Rioja</h1><p>Text.</p></div>"
            "<div class='shop'><span class='datum'>29.02.2020 18:00 Uhr</span></div></div>"
            "</body></html>")
    doc = lxml.html.document_fromstring(html)
    main = doc.find(".//div[@class='body']")
    # Without the shop's date, the page's own Dublin Core date dates it.
    assert extract_dates(doc, main, "de", "http://127.0.0.1/a", today=TODAY)[0] == D(2020, 2, 11)
    assert extract_dates(doc, None, "de", "http://127.0.0.1/a", today=TODAY)[0] == D(2020, 2, 29)
