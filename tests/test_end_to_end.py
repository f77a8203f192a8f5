"""The whole slice: the sample site on loopback, crawled by the real command into a real SQLite
file, then read back as rows and through Datasette's JSON and CSV."""

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from shared_data import require

from archive.publish import make_datasette
from scraper.cli import cli
from scraper.sample_site import SampleSite, serve_sample_site

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "expected.json"


def crawl(url: str, db: Path, *extra: str):
    result = CliRunner().invoke(cli, ["crawl", url, "--db", str(db), "--delay", "0", *extra])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The sample site, crawled once; the server keeps running for the tests that look at it."""
    db = tmp_path_factory.mktemp("e2e") / "archive.db"
    with serve_sample_site() as server:
        result = crawl(server.url + "/", db)
        yield server, db, result


def rows(db: Path, sql: str, params=()) -> list[dict]:
    return list(sqlite_utils.Database(db).query(sql, params))


def test_the_archive_holds_every_html_page_of_the_sample_site(crawled):
    server, db, _ = crawled
    stored = {r["url"] for r in rows(db, "select url from pages")}
    wanted = {server.url + path for path in SampleSite().html_urls()}
    assert wanted - stored == set()


def test_the_archive_holds_pages_in_at_least_five_languages(crawled):
    _, db, _ = crawled
    languages = {r["language"] for r in rows(db, "select distinct language from pages")}
    assert {"fr", "en", "ar", "zh", "es"} <= languages


def test_the_summary_line_counts_what_the_crawl_did(crawled):
    _server, db, result = crawled
    [crawl_row] = rows(db, "select * from crawls")
    assert crawl_row["status"] == "done" and crawl_row["finished_at"]
    # Every HTML page of the site, plus the first page of the agenda.
    assert crawl_row["new"] == rows(db, "select count(*) as n from pages")[0]["n"]
    assert crawl_row["new"] == len(SampleSite().html_urls()) + 1
    assert f"{crawl_row['new']} new" in result.output.splitlines()[-1]


def test_the_seed_page_rows_hold_exactly_the_expected_extraction(crawled):
    require(SEED, "../shared/seed")  # skipped on a stranger's clone, a failure under CI=true
    server, db, _ = crawled
    want = json.loads(SEED.read_text(encoding="utf-8"))
    url = server.url + SampleSite().seed_path
    [page] = rows(db, "select * from pages where url = ?", [url])
    assert page["title"] == want["title"]
    assert json.loads(page["breadcrumb"]) == want["breadcrumb"]
    assert page["language"] == want["language"]
    assert page["published"] == want["published"]
    sections = rows(db, "select * from sections where page_url = ? order by position", [url])
    assert [(s["heading"], s["text"]) for s in sections] == [
        (s["heading"], "\n\n".join(s["paragraphs"])) for s in want["sections"]
    ]
    for boilerplate in want["not_in_body"]:
        assert all(boilerplate not in s["text"] for s in sections), boilerplate
        assert boilerplate not in page["text"]


def test_translations_link_the_seed_page_to_its_versions(crawled):
    server, db, _ = crawled
    url = server.url + SampleSite().seed_path
    found = {r["language"] for r in rows(db, "select * from translations where page_url = ?", [url])}
    assert {"en", "ar", "zh"} <= found


def test_the_redirected_old_spip_url_lands_on_its_clean_page(crawled):
    server, db, _ = crawled
    [capture] = rows(db, "select * from captures where url = ?", [server.url + "/spip.php?article12"])
    assert capture["status"] == 200 and capture["final_url"] != capture["url"]
    assert rows(db, "select url from pages where url = ?", [capture["final_url"]])


def test_the_pdf_is_a_document_with_type_and_size_not_a_page(crawled):
    _, db, _ = crawled
    [doc] = rows(db, "select * from captures where url like '%.pdf'")
    assert doc["outcome"] == "document"
    assert doc["content_type"].startswith("application/pdf") and doc["size"] > 0
    assert not rows(db, "select url from pages where url like '%.pdf'")


def test_robots_disallowed_paths_are_never_requested(crawled):
    server, _, _ = crawled
    paths = [path for _, method, path, _ in server.requests]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/ecrire") or "page=login" in p]


def test_the_endless_calendar_is_entered_but_not_walked(crawled):
    server, _db, _ = crawled
    calendar = [p for _, _, p, _ in server.requests if p.startswith("/agenda")]
    assert 1 <= len(calendar) <= 2


def test_a_broken_link_is_recorded_as_a_failed_capture_with_its_status(crawled):
    _, db, _ = crawled
    [broken] = rows(db, "select * from captures where url like '%/Ancien-communique-supprime-3999'")
    assert (broken["status"], broken["outcome"]) == (404, "failed")
    # A site without SPIP's sitemap page is not broken: that miss is only skipped.
    [miss] = rows(db, "select * from captures where url like '%page=sitemap.xml'")
    assert (miss["status"], miss["outcome"]) == (404, "skipped")


def test_the_latin1_page_is_decoded_right(crawled):
    server, db, _ = crawled
    [page] = rows(db, "select * from pages where url = ?", [server.url + "/Avis-aux-voyageurs-4131"])
    assert "é" in page["text"] and "\ufffd" not in page["text"] and "Ã" not in page["text"]


def _get(db: Path, path: str):
    async def go():
        return await make_datasette(db).client.get(path)

    return asyncio.run(go())


def test_datasette_serves_the_pages_as_json(crawled):
    _, db, _ = crawled
    response = _get(db, "/archive/pages.json?_shape=array&language=zh&_size=max")
    assert response.status_code == 200
    data = response.json()
    assert data and all(p["language"] == "zh" for p in data)
    assert any("内部安全服务" in p["title"] for p in data)


def test_datasette_streams_every_page_as_csv_with_a_header(crawled):
    _, db, _ = crawled
    response = _get(db, "/archive/pages.csv?_stream=on&_size=max")
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert {"url", "title", "language", "published"} <= set(table[0])
    assert len(table) == rows(db, "select count(*) as n from pages")[0]["n"]


def _query(db: Path, name: str, **params) -> list[dict]:
    from urllib.parse import urlencode

    response = _get(db, f"/archive/{name}.json?_shape=array&{urlencode(params)}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    "q, path",
    [
        ("securite", "/Le-Service-de-Securite-Interieure"),  # accents folded
        ("internal security", "/The-Internal-Security-Service"),
        ("安全", "/Service-de-securite-interieure-zh-4222"),  # inside unspaced Chinese
        ("دورات تدريبية", "/%D8%AC%D9%87%D8%A7%D8%B2-%D8%A7%D9%84%D8%A3%D9%85%D9%86-%D8%A7%D9%84%D8%AF%D8%A7%D8%AE%D9%84%D9%8A-4212"),
        ("يُنَظِّمُ", "/%D8%AC%D9%87%D8%A7%D8%B2-%D8%A7%D9%84%D8%A3%D9%85%D9%86-%D8%A7%D9%84%D8%AF%D8%A7%D8%AE%D9%84%D9%8A-4212"),
        ("cooperacion cultural", "/Encuentro-regional-de-cooperacion-4234"),
    ],
)
def test_the_search_query_finds_crawled_pages_in_every_language(crawled, q, path):
    server, db, _ = crawled
    found = [r["url"] for r in _query(db, "search", q=q)]
    assert server.url + path in found


def test_datasettes_own_search_box_folds_accents_on_the_pages_table(crawled):
    server, db, _ = crawled
    data = _get(db, "/archive/pages.json?_shape=array&_search=securite+interieure").json()
    assert server.url + SampleSite().seed_path in [r["url"] for r in data]


def test_the_page_with_translations_query_lines_up_the_seed_page_and_its_versions(crawled):
    server, db, _ = crawled
    found = _query(db, "page_with_translations", url=server.url + SampleSite().seed_path)
    assert [r["language"] for r in found if not r["is_translation"]] == ["fr"]
    translated = {r["language"]: r["title"] for r in found if r["is_translation"]}
    assert {"en", "ar", "zh"} <= set(translated) and all(translated.values())


def test_crawl_health_reports_the_sample_site(crawled):
    server, db, _ = crawled
    [row] = _query(db, "crawl_health")
    assert row["site"] == server.url.removeprefix("http://")
    assert row["pages"] == rows(db, "select count(*) as n from pages")[0]["n"]
    assert row["http_errors"] >= 1  # the broken link


def test_recently_published_is_newest_first(crawled):
    _, db, _ = crawled
    dates = [r["published"] for r in _query(db, "recently_published")]
    assert dates and dates == sorted(dates, reverse=True)
