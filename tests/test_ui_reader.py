"""The archive a researcher reads, through Datasette's in-process client on a crawled archive
(two editions of the sample site, plus one hostile page): the page view in French, Arabic and
Chinese, what changed, the original capture, the Atom feed, the first screen, search syntax."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import feedparser
import lxml.html
import pytest
from test_publish import Client
from ui_archive import (
    AR_PATH,
    CHANGED_PATH,
    GONE_PATH,
    HOSTILE_URL,
    NEW_PATH,
    SEED_PATH,
    ZH_PATH,
    LiveSite,
    add_hostile_capture,
    crawl_two_editions,
)

from archive import store
from archive.plugins.links import page_href
from archive.search import fold


class Archive:
    def __init__(self, client: Client, path: Path, base: str, hostile_id: int) -> None:
        self.client, self.path, self.base, self.hostile_id = client, path, base, hostile_id

    def html(self, path: str, **params: str) -> lxml.html.HtmlElement:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text[:500]
        return lxml.html.fromstring(response.text)

    def all(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def one(self, sql: str, params: tuple = ()) -> tuple:
        conn = sqlite3.connect(self.path)
        try:
            row = conn.execute(sql, params).fetchone()
        finally:
            conn.close()
        assert row is not None
        return row


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    path = tmp_path_factory.mktemp("reader") / "archive.db"
    base = crawl_two_editions(path)
    with LiveSite() as live:
        hostile_id = add_hostile_capture(path, live.url)
    client = Client(path)
    yield Archive(client, path, base, hostile_id)
    client.close()


def texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def test_the_page_view_reads_like_the_page_in_french(archive: Archive) -> None:
    doc = archive.html("/-/page", url=archive.base + SEED_PATH)
    [article] = doc.xpath("//article")
    assert article.get("lang") == "fr" and article.get("dir") == "ltr"
    assert texts(article, ".//nav[@class='trail']//li") == [
        "Accueil", "L’ambassade", "Direction coop. internationale"]
    assert texts(article, ".//h1") == ["Le Service de Securité Intérieure"]
    assert "Published 2011-07-04" in texts(article, ".//p[@class='dates']")[0]
    headings = texts(article, ".//h2|.//h3|.//h4")
    assert headings == ["LA COOPERATION TECHNIQUE", "LA COOPERATION OPERATIONNELLE"]
    assert len(article.xpath(".//p")) > 3  # paragraphs, not one block of text
    # Translations by language and title, linking to their archived page views.
    translations = {li.xpath("string(.//span[@class='code'])"): li.xpath(".//a")[0]
                    for li in doc.xpath("//ul[@class='translations']/li")}
    assert set(translations) == {"ar", "en", "zh"}
    assert translations["zh"].text_content() == "内部安全服务处"
    assert translations["ar"].get("dir") == "rtl"
    assert all(a.get("href").startswith("/-/page?url=") for a in translations.values())
    # The live page is kept, secondary, outside the article.
    [live] = doc.xpath("//a[contains(@class, 'live')]")
    assert live.get("href") == archive.base + SEED_PATH and not article.xpath(".//a")


def test_the_page_view_of_an_arabic_page_is_right_to_left_with_a_readable_address(
    archive: Archive
) -> None:
    doc = archive.html("/-/page", url=archive.base + AR_PATH)
    [article] = doc.xpath("//article")
    assert article.get("lang") == "ar" and article.get("dir") == "rtl"
    assert texts(article, ".//h1") == ["جهاز الأمن الداخلي"]
    cite = texts(doc, "//p[@class='cite']/a[1]")[0]
    assert "جهاز-الأمن-الداخلي-4212" in cite and "%D8" not in cite
    # The decoded address finds the page too: a citation copied from the screen works.
    decoded = archive.base + "/جهاز-الأمن-الداخلي-4212"
    assert archive.client.get("/-/page", params={"url": decoded}).status_code == 200


def test_the_page_view_of_a_chinese_page(archive: Archive) -> None:
    doc = archive.html("/-/page", url=archive.base + ZH_PATH)
    [article] = doc.xpath("//article")
    assert article.get("lang") == "zh" and article.get("dir") == "ltr"
    assert texts(article, ".//nav[@class='trail']//li") == ["首页", "中文"]
    assert texts(article, ".//h1") == ["内部安全服务处"]


def test_a_changed_page_shows_its_versions_as_a_timeline_linked_to_the_diff(
    archive: Archive
) -> None:
    doc = archive.html("/-/page", url=archive.base + CHANGED_PATH)
    items = doc.xpath("//ol[@class='timeline']/li")
    assert len(items) == 2 and items[1].get("class") == "current"
    [diff] = items[1].xpath(".//a[@class='diff']")
    ats = [r[0] for r in archive.all("SELECT at FROM page_versions WHERE url = ? ORDER BY version",
                                     (archive.base + CHANGED_PATH,))]
    # time addresses, which older captures imported later cannot shift
    assert f"from={ats[0]}" in diff.get("href") and f"to={ats[1]}" in diff.get("href")
    old = archive.html("/-/page", url=archive.base + CHANGED_PATH, version="1")
    assert "version 1 of 2" in old.text_content()
    assert archive.html("/-/page", url=archive.base + CHANGED_PATH,
                        at=ats[0]).xpath("string(//article)") == old.xpath("string(//article)")
    assert "du lundi au jeudi" in old.xpath("string(//article)")
    assert "vendredi de 7 h 30" in doc.xpath("string(//article)")


def test_the_captures_of_a_page_are_listed_like_a_calendar(archive: Archive) -> None:
    doc = archive.html("/-/page", url=archive.base + CHANGED_PATH)
    [year] = doc.xpath("//div[@class='calendar']/div[@class='year']")
    assert len(year.xpath(".//td")) == 12  # the year's twelve months, empty ones too
    links = year.xpath(".//a[contains(@class, 'day')]")
    # the page's captures: its address's and those that redirected to it
    assert len(links) == archive.one("SELECT count(*) FROM captures WHERE url = ? "
                                     "OR final_url = ?", (archive.base + CHANGED_PATH,) * 2)[0]
    assert all(a.get("href").startswith("/-/capture/") for a in links)


def test_a_gone_page_says_so_and_an_unknown_address_is_a_clear_404(archive: Archive) -> None:
    doc = archive.html("/-/page", url=archive.base + GONE_PATH)
    assert "removed from the site" in doc.xpath("string(//p[@class='site-line'])")
    missing = archive.client.get("/-/page", params={"url": "https://nowhere.example/x"})
    assert missing.status_code == 404 and "No archived page" in missing.text
    assert 'href="https://nowhere.example/x"' in missing.text  # the live address, secondary
    hostile = archive.client.get("/-/page", params={"url": "javascript:alert(1)"})
    assert hostile.status_code == 404 and 'href="javascript' not in hostile.text


def test_the_last_change_is_shown_inline_with_insertions_and_deletions(archive: Archive) -> None:
    doc = archive.html("/-/diff", url=archive.base + CHANGED_PATH)
    changed = doc.xpath("//section[contains(@class, 'changed')]")
    assert changed
    deleted = texts(doc, "//section//del")
    inserted = texts(doc, "//section//ins")
    assert "jeudi" in " ".join(deleted) and "Nouveaux horaires" in " ".join(inserted)
    assert "Nouveaux horaires" not in " ".join(deleted)
    assert "2018-01-08" in texts(doc, "//table[@class='fields']//tr[@class='changed']//ins")
    assert texts(doc, "//table[@class='fields']//tr[@class='changed']/th") == ["modified"]


def test_the_diff_side_by_side_and_only_the_changes(archive: Archive) -> None:
    doc = archive.html("/-/diff", url=archive.base + CHANGED_PATH, view="sides", only="changes")
    [old] = doc.xpath("//section//div[@class='old']")
    [new] = doc.xpath("//section//div[@class='new']")
    assert old.xpath(".//del") and not old.xpath(".//ins")
    assert new.xpath(".//ins") and not new.xpath(".//del")
    # Only the changes: unchanged fields are left out.
    assert texts(doc, "//table[@class='fields']//th") == ["modified"]


def test_a_page_with_one_version_has_nothing_to_show_as_changed(archive: Archive) -> None:
    doc = archive.html("/-/diff", url=archive.base + SEED_PATH)
    assert "only one version" in doc.text_content()


def test_a_capture_shows_when_status_headers_and_the_page_in_a_sandbox(archive: Archive) -> None:
    doc = archive.html(f"/-/capture/{archive.hostile_id}")
    facts = dict(zip(texts(doc, "//table[@class='capture-facts']//th"),
                     texts(doc, "//table[@class='capture-facts']//td"), strict=True))
    assert facts["Fetched"] == "2024-06-01T10:00:00Z" and facts["Status"] == "200"
    headers = dict(zip(texts(doc, "//table[@class='headers']//th"),
                       texts(doc, "//table[@class='headers']//td"), strict=True))
    assert headers["x-test"] == "<b>bold?</b>"  # a header is text, never markup
    [frame] = doc.xpath("//iframe")
    # Sandboxed: no script, no same origin; a reader's click may open a replayed link.
    assert frame.get("sandbox") == "allow-top-navigation-by-user-activation"
    assert frame.get("src") == f"/-/capture/{archive.hostile_id}/frame"


def test_the_framed_page_is_served_under_a_csp_that_blocks_scripts_and_requests(
    archive: Archive
) -> None:
    response = archive.client.get(f"/-/capture/{archive.hostile_id}/frame")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    # Images only from the archive itself (replay rewrites them to its captures) or inline.
    assert "img-src 'self' data:" in csp and "connect-src" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_raw_bytes_download_decompressed_and_the_source_reads_as_text(
    archive: Archive
) -> None:
    raw = archive.client.get(f"/-/capture/{archive.hostile_id}/raw")
    assert raw.status_code == 200 and "attachment" in raw.headers["content-disposition"]
    conn = sqlite3.connect(archive.path)
    try:
        [sha] = conn.execute("SELECT sha256 FROM captures WHERE id = ?",
                             (archive.hostile_id,)).fetchone()
        assert raw.content == store.capture_body(conn, sha)
    finally:
        conn.close()
    assert raw.content.startswith(b"<!DOCTYPE html>") and b"<script>" in raw.content
    source = archive.client.get(f"/-/capture/{archive.hostile_id}/source")
    assert source.headers["content-type"].startswith("text/plain")
    assert "Une page piégée" in source.text and "<script>" in source.text


def test_every_page_address_in_tables_and_queries_links_to_its_page_view(
    archive: Archive
) -> None:
    href = page_href(archive.base + SEED_PATH)
    for path in ("/DB/sections?_search=cooperation", "/DB/translations",
                 "/DB/search?q=securite", "/DB/pages?_search=securite"):
        html = archive.client.get(path).text
        # (with &q= the search's words, where there was a search)
        assert re.search(f'href="{re.escape(href)}(&amp;q=[^"]*)?"', html), path


def test_changes_between_tells_new_changed_and_gone_and_links_each(archive: Archive) -> None:
    rows = archive.client.rows("/DB/changes_between.json", since="2000-01-01",
                               until="2100-01-01")
    found = {(r["change"], r["url"].removeprefix(archive.base)) for r in rows}
    assert found == {("changed", CHANGED_PATH), ("new", NEW_PATH), ("gone", GONE_PATH)}
    html = archive.client.get("/DB/changes_between", params={
        "since": "2000-01-01", "until": "2100-01-01"}).text
    assert "/-/diff?url=" in html and html.count("/-/page?url=") >= 2


def test_the_atom_feed_of_changes_parses_for_all_one_site_and_one_page(archive: Archive) -> None:
    everything = feedparser.parse(archive.client.get("/-/changes.atom").content)
    assert not everything.bozo, everything.get("bozo_exception")
    terms = sorted(e.tags[0].term for e in everything.entries)
    assert terms == ["changed", "gone", "new"]
    changed = next(e for e in everything.entries if e.tags[0].term == "changed")
    assert "/-/diff?url=" in changed.link and changed.title.startswith("Changed: Horaires")
    site = archive.base.removeprefix("http://")
    one_site = feedparser.parse(archive.client.get("/-/changes.atom", params={"site": site}
                                                   ).content)
    assert len(one_site.entries) == 3
    assert feedparser.parse(archive.client.get("/-/changes.atom", params={
        "site": "elsewhere.example"}).content).entries == []
    one_page = feedparser.parse(archive.client.get("/-/changes.atom", params={
        "url": archive.base + CHANGED_PATH}).content)
    assert [e.tags[0].term for e in one_page.entries] == ["changed"]
    page = archive.client.get("/-/page", params={"url": archive.base + CHANGED_PATH}).text
    assert 'type="application/atom+xml"' in page


def test_the_home_page_invites_with_a_search_box_a_summary_and_a_chart(archive: Archive) -> None:
    doc = archive.html("/")
    [form] = doc.xpath("//form[@role='search']")
    assert form.get("action").endswith("/search") and form.xpath(".//input[@name='q']")
    summary = {t.split(" ", 1)[1]: t.split(" ", 1)[0]
               for t in texts(doc, "//div[@class='summary']/div")}
    assert summary["pages"] == str(archive.one("SELECT count(*) FROM pages")[0])
    assert summary["languages"] == str(archive.one(
        "SELECT count(DISTINCT language) FROM pages")[0])
    bars = doc.xpath("(//*[local-name()='svg'])[1]//*[local-name()='rect']")
    published = archive.one("SELECT count(DISTINCT substr(published, 1, 7)) FROM pages "
                            "WHERE published IS NOT NULL")[0]
    assert len(bars) == published
    per_language = doc.xpath("//div[@class='lang-chart']/span[@class='code']/text()")
    assert per_language and per_language[0] == "fr"
    # The feeds are found by feed readers (auto-discovery) and offered per site.
    assert doc.xpath("//link[@type='application/atom+xml']/@href") == ["/-/changes.atom"]
    assert doc.xpath("//a[@class='feed' and contains(@href, '?site=')]")
    recent = texts(doc, "//ul[@class='recent']/li")
    assert len(recent) == 3 and recent[0].startswith(("changed", "new", "gone"))
    # Nothing on the first screen loads anything from another origin (no CDN, no chart JS).
    for value in doc.xpath("//@src | //link/@href"):
        assert not value.startswith(("http", "//")) or value.startswith("http://localhost"), value
    assert not doc.xpath("//script[@src]")


@pytest.mark.parametrize(("query", "paths"), [
    ("securite interieure", {SEED_PATH}),
    ("securite -technique", set()),  # the seed page has "technique": excluded
    ('"internal security"', {"/The-Internal-Security-Service"}),
    ("securite OR internal", {SEED_PATH, "/The-Internal-Security-Service"}),
    ("-securite", set()),
    ("secur\x00ite", set()),  # a NUL is a space, not an error
])
def test_the_search_syntax_is_supported_in_the_search_query(
    archive: Archive, query: str, paths: set[str]
) -> None:
    response = archive.client.get("/DB/search.json", params={"q": query, "_shape": "array"})
    assert response.status_code == 200, response.text
    found = {r["url"].removeprefix(archive.base) for r in response.json()}
    assert paths <= found
    if query.startswith("securite -"):
        assert SEED_PATH not in found
    if query == "-securite":
        assert found == set()


def test_datasettes_search_box_reads_the_same_syntax(archive: Archive) -> None:
    both = archive.client.rows("/DB/pages.json", _search="securite OR internal")
    without = archive.client.rows("/DB/pages.json", _search="securite OR internal -technique")
    assert len(without) < len(both)
    assert archive.client.get("/DB/pages.json", params={"_search": "a\x00b"}).status_code == 200


def test_the_syntax_is_documented_where_one_searches(archive: Archive) -> None:
    home = archive.html("/").xpath("string(//p[@class='syntax'])")
    query = archive.html("/DB/search").text_content()
    for text in (home, query):
        assert "OR" in text and "-" in text and "*" in text and '"' in text


def test_years_are_in_order_with_an_undated_bucket(archive: Archive) -> None:
    facet = archive.client.get("/DB/pages.json").json()["facet_results"]["published_year"]
    labels = [r["label"] for r in facet["results"]]
    assert labels[-1] == "undated"
    years = labels[:-1]
    assert years == sorted(years, reverse=True)
    undated = facet["results"][-1]
    assert undated["count"] == archive.one("SELECT count(*) FROM pages WHERE published_year "
                                           "IS NULL")[0]
    assert "published_year__isnull=1" in undated["toggle_url"]


def test_canned_queries_have_readable_tab_titles(archive: Archive) -> None:
    doc = archive.html("/DB/recently_published")
    assert doc.findtext(".//title").startswith("Recently published")
    assert "select" not in doc.findtext(".//title").lower()


def test_sections_can_be_filtered_by_their_pages_site_and_language(archive: Archive) -> None:
    rows = archive.client.rows("/DB/sections_by_site_and_language.json", site="",
                               language="zh", q="")
    assert rows and {r["language"] for r in rows} == {"zh"}
    searched = archive.client.rows("/DB/sections_by_site_and_language.json", site="",
                                   language="fr", q="cooperation")
    assert searched and all(r["language"] == "fr" for r in searched)


def test_a_hostile_page_is_text_in_every_view(archive: Archive) -> None:
    page = archive.client.get("/-/page", params={"url": HOSTILE_URL}).text
    assert "<script" not in page.split("</header>", 1)[1].split("<footer", 1)[0]


def test_the_row_pages_of_pages_and_captures_lead_to_the_readers_views(archive: Archive) -> None:
    from datasette.utils import tilde_encode

    row = archive.client.get("/DB/pages/" + tilde_encode(archive.base + SEED_PATH)).text
    assert f'href="{page_href(archive.base + SEED_PATH)}"' in row
    capture = archive.client.get(f"/DB/captures/{archive.hostile_id}").text
    assert f'href="/-/capture/{archive.hostile_id}"' in capture


def test_a_long_page_opens_on_the_changes_only_unless_the_reader_asks_for_all(
    tmp_path: Path
) -> None:
    from sqlite_utils import Database

    from archive.schema import ensure_schema
    from scraper.models import Capture, Page, Section

    path = tmp_path / "long.db"
    db = Database(path)
    ensure_schema(db)
    url = "https://fr.example.org/Un-long-rapport-1"
    long_text = " ".join(f"Paragraphe {i} du rapport annuel." for i in range(400))
    for n, (when, end) in enumerate([("2024-01-01T00:00:00Z", "ancienne conclusion"),
                                     ("2024-02-01T00:00:00Z", "nouvelle conclusion")]):
        with db.conn:
            body = f"<html>{n}</html>".encode()
            cid = store.save_capture(db, Capture(url, when, 200, content_type="text/html",
                                                 body=body), None)
            text = f"{long_text} {end}."
            page = Page(url=url, title="Rapport", language="fr", text=text,
                        sections=[Section(None, 0, text)])
            store.save_extraction(db, page, cid, "fr.example.org", when)
    db.conn.close()
    client = Client(path)
    try:
        short = client.get("/-/diff", params={"url": url}).text
        assert 'class="gap"' in short and "Paragraphe 200" not in short
        assert "<del>ancienne</del>" in short and "<ins>nouvelle</ins>" in short
        everything = client.get("/-/diff", params={"url": url, "only": "all"}).text
        assert 'class="gap"' not in everything and "Paragraphe 200" in everything
        chosen = client.get("/-/diff", params=[("url", url), ("only", "all"),
                                               ("only", "changes")]).text
        assert 'class="gap"' in chosen
    finally:
        client.close()


def test_a_search_result_opens_its_page_with_the_hits_marked(archive: Archive) -> None:
    html = archive.client.get("/DB/search", params={"q": "cooperation"}).text
    assert "&amp;q=cooperation" in html
    doc = archive.html("/-/page", url=archive.base + SEED_PATH, q="cooperation")
    marks = texts(doc, "//article//mark")
    assert marks and all(fold(m) == "cooperation" for m in marks)  # Coopération too
    hostile = archive.client.get("/-/page", params={"url": HOSTILE_URL, "q": "<b>"}).text
    assert "<b>ordinaire" not in hostile
