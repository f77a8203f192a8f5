"""Publication through Datasette: search, canned queries, CSV, read-only, metadata, concurrency.

`served_archive` (a real server in a subprocess on 127.0.0.1) is shared with test_browser.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from servers import stop_process
from sqlite_utils import Database
from test_search import AR, AR_PLAIN, EN, ES, FR, GONE, JA, SEED_TITLE, XSS, ZH, build_archive
from waiting import HANG

from archive import store
from archive.publish import load_metadata, make_datasette
from archive.schema import ensure_schema
from scraper.models import Capture, Page

REPO = Path(__file__).resolve().parents[1]


class Client:
    """Datasette's in-process client (httpx over ASGI) driven from synchronous tests."""

    def __init__(self, db_path: Path) -> None:
        self.ds = make_datasette(db_path)
        self.name = db_path.stem
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.ds.invoke_startup())

    def get(self, path: str, **kw: Any) -> httpx.Response:
        path = path.replace("/DB", "/" + self.name, 1)
        return self.loop.run_until_complete(self.ds.client.get(path, **kw))

    def rows(self, path: str, **params: str) -> list[dict[str, Any]]:
        response = self.get(path, params={**params, "_shape": "array"})
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    # an unusual file name: the metadata must apply whatever the database is called
    path = tmp_path_factory.mktemp("publish") / "my-embassies.db"
    build_archive(path).conn.close()
    c = Client(path)
    yield c
    c.close()


@pytest.mark.parametrize(("query", "urls"), [
    ("securite", {FR}),
    ("intérieure", {FR}),
    ("internal security", {EN}),
    ("الأمن", {AR, AR_PLAIN}),
    ("الأَمْن", {AR, AR_PLAIN}),
    ("安全", {ZH}),
    ("ビザ", {JA}),
    ("cooperacion policia", {ES}),
    ("policiers", {FR}),  # only in a section
])
def test_the_search_canned_query_finds_every_language(client: Client, query: str,
                                                      urls: set[str]) -> None:
    rows = client.rows("/DB/search.json", q=query)
    assert {r["url"] for r in rows} == urls
    assert set(rows[0]) == {"url", "title", "language", "site", "published", "modified",
                            "snippet", "more_offsets", "total"}


def test_search_snippets_show_the_original_text_and_mark_hits_in_html(client: Client) -> None:
    (row,) = client.rows("/DB/search.json", q="安全")
    assert "内部安全服务" in row["snippet"] and "«" not in row["snippet"]
    html = client.get("/DB/search", params={"q": "安全"}).text
    assert "内部<mark>安全</mark>服务" in html


@pytest.mark.parametrize(("query", "urls"), [
    ("securite", {FR}), ("Mexico", {ES}), ("安全", {ZH}), ("الامن", {AR, AR_PLAIN}),
    ("security", {EN}),
])
def test_datasettes_own_search_box_on_pages_works_in_every_language(
    client: Client, query: str, urls: set[str]
) -> None:
    assert {r["url"] for r in client.rows("/DB/pages.json", _search=query)} == urls


def test_datasettes_own_search_box_on_sections_finds_headings(client: Client) -> None:
    rows = client.rows("/DB/sections.json", _search="cooperation operationnelle")
    assert [(r["page_url"], r["heading"]) for r in rows] == [(FR, "LA COOPERATION OPERATIONNELLE")]
    html = client.get("/DB/pages").text
    assert 'name="_search"' in html


def test_hostile_search_input_answers_without_error(client: Client) -> None:
    for query in ['"', "NEAR(", "*", "a OR", "'; drop table pages; --"]:
        assert client.get("/DB/pages.json", params={"_search": query}).status_code == 200
        assert client.get("/DB/search.json", params={"q": query}).status_code == 200


def test_recently_published_lists_pages_newest_first(client: Client) -> None:
    rows = client.rows("/DB/recently_published.json")
    assert [r["url"] for r in rows] == [ES, JA, ZH, AR, FR, EN, AR_PLAIN]


def test_recently_changed_lists_the_page_that_changed(client: Client) -> None:
    rows = client.rows("/DB/recently_changed.json")
    assert [(r["url"], r["versions"]) for r in rows] == [(FR, 2)]
    assert rows[0]["last_changed"] == "2024-03-05T08:00:00Z"


def test_changes_between_two_dates_tells_changed_from_gone(client: Client) -> None:
    march = client.rows("/DB/changes_between.json", since="2024-03-01", until="2024-03-05")
    assert sorted((r["url"], r["change"], r["version"]) for r in march) == [
        (FR, "changed", 2), (GONE, "gone", None)]
    # The first crawl is the start of the archive, not nine new pages.
    assert client.rows("/DB/changes_between.json", since="2024-01-01", until="2024-01-31") == []
    assert client.rows("/DB/changes_between.json", since="2023-01-01", until="2023-12-31") == []
    html = client.get("/DB/changes_between", params={"since": "2024-03-01",
                                                     "until": "2024-03-05"}).text
    assert "/-/diff?url=https://fr.example.org/Le-Service-de-Securite-Interieure-42&amp;from=1" \
        "&amp;to=2" in html


def test_a_pages_versions_side_by_side_link_to_what_changed(client: Client) -> None:
    rows = client.rows("/DB/page_versions_side_by_side.json", url=FR)
    assert [(r["version"], r["diff"]) for r in rows] == [(1, "first version"),
                                                         (2, "what changed")]
    assert rows[1]["previous_title"] == rows[0]["title"]
    html = client.get("/DB/page_versions_side_by_side", params={"url": FR}).text
    assert "&amp;from=1&amp;to=2" in html


def test_a_page_with_its_translations_side_by_side(client: Client) -> None:
    rows = client.rows("/DB/page_with_translations.json", url=FR)
    assert [(r["is_translation"], r["language"], r["url"]) for r in rows] == [
        (0, "fr", FR), (1, "ar", AR), (1, "en", EN), (1, "zh", ZH)]
    assert rows[2]["title"] == "Internal Security Service"


def test_crawl_health_per_site_reports_its_latest_crawl(client: Client) -> None:
    rows = {r["site"]: r for r in client.rows("/DB/crawl_health.json")}
    assert set(rows) == {"ar.example.org", "cn.example.org", "fr.example.org", "jp.example.org",
                         "mx.example.org"}
    fr = rows["fr.example.org"]
    assert (fr["crawl_id"], fr["fetches"], fr["answered"], fr["http_errors"], fr["gone"]) == (
        2, 4, 3, 1, 1)
    mx = rows["mx.example.org"]
    assert (mx["fetches"], mx["failures"], mx["pages"]) == (2, 1, 1)


def test_csv_streaming_returns_every_row_of_pages_with_a_header(client: Client) -> None:
    response = client.get("/DB/pages.csv", params={"_stream": "on", "_size": "max"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["url", "site", "language", "title"]
    assert sorted(r[0] for r in rows[1:]) == sorted([FR, EN, AR, AR_PLAIN, ZH, JA, ES, XSS, GONE])


def test_the_excel_csv_is_linked_from_table_pages_and_starts_with_a_bom(client: Client) -> None:
    html = client.get("/DB/pages").text
    assert f'href="/-/export/{client.name}/pages.excel' in html
    download = client.get("/-/export/DB/pages.excel", params={"language": "ar"})
    assert download.status_code == 200 and "location" not in download.headers
    assert download.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert sorted(r["url"] for r in rows) == sorted([AR, AR_PLAIN])
    assert "الأَمْنُ الدَّاخِلِيُّ" in {r["title"] for r in rows}


def test_plain_csv_has_no_bom(client: Client) -> None:
    assert not client.get("/DB/pages.csv").content.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("sql", [
    "insert into pages(url) values ('x')",
    "delete from pages",
    "update pages set title = 'x'",
    "drop table pages",
    "select 1; delete from pages",
])
def test_writes_sent_through_sql_are_refused(client: Client, sql: str) -> None:
    response = client.get("/DB.json", params={"sql": sql})
    assert response.status_code == 400
    assert client.rows("/DB.json", sql="select count(*) as n from pages") == [{"n": 9}]


def test_settings_limit_queries_and_allow_csv_streaming(client: Client) -> None:
    settings = client.get("/-/settings.json").json()
    assert settings["sql_time_limit_ms"] > 0 and settings["max_returned_rows"] > 0
    assert settings["allow_csv_stream"] is True
    plugins = {p["name"] for p in client.get("/-/plugins.json").json()}
    assert {"archive.plugins.fts", "archive.plugins.exports", "archive.plugins.reader",
            "archive.plugins.feed", "archive.plugins.home"} <= plugins


def test_metadata_applies_to_the_database_whatever_its_file_name(client: Client) -> None:
    page = client.get("/DB/pages").text
    assert "The latest extracted content of every archived page" in page
    listing = client.get("/DB.json").json()
    tables = {t["name"]: t for t in listing["tables"]}
    for name in ("frontier", "bodies", "migrations", "pages_fts", "sections_fts_data"):
        assert tables[name]["hidden"] is True
    for name in ("pages", "sections", "translations", "page_versions", "captures", "crawls",
                 "sites"):
        assert tables[name]["hidden"] is False


def test_the_seed_page_shows_its_breadcrumb_and_escapes_hostile_titles(client: Client) -> None:
    html = client.get("/DB/pages").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert SEED_TITLE in html and "Direction coop. internationale" in html


def test_every_column_researchers_see_has_a_description(tmp_path: Path) -> None:
    db = Database(tmp_path / "fresh.db")
    ensure_schema(db)
    metadata = load_metadata("fresh")
    tables = metadata["databases"]["fresh"]["tables"]
    for name in db.table_names():
        assert name in tables, f"{name} is neither described nor hidden"
        if tables[name].get("hidden"):
            continue
        assert tables[name]["description"]
        # table_xinfo: table_info leaves out generated columns such as pages.text
        columns = {row[1] for row in db.execute(f"PRAGMA table_xinfo([{name}])")}
        assert set(tables[name]["columns"]) == columns, name
    for key in ("title", "description", "license", "source"):
        assert metadata[key]
    # the repository's metadata.yml is the packaged one
    assert yaml.safe_load((REPO / "metadata.yml").read_text()) == yaml.safe_load(
        (REPO / "archive" / "metadata.yml").read_text())


def test_an_older_database_is_migrated_and_searchable_through_datasette(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    ensure_schema(old, upto=1)
    with old.conn:
        old.conn.execute("INSERT INTO pages(url, site, title, text) VALUES "
                         "('https://x/1', 'x', 'Sécurité', '内部安全服务')")
    old.conn.close()
    db = Database(path)
    ensure_schema(db)
    db.conn.close()
    c = Client(path)
    try:
        assert [r["title"] for r in c.rows("/DB/search.json", q="安全")] == ["Sécurité"]
        assert [r["url"] for r in c.rows("/DB/pages.json", _search="securite")] == ["https://x/1"]
    finally:
        c.close()


# --- a real server ----------------------------------------------------------------------

_SERVER = (
    "import sys, uvicorn\n"
    "from archive.publish import make_datasette\n"
    "uvicorn.run(make_datasette(sys.argv[1]).app(), fd=int(sys.argv[2]), log_level='warning')\n"
)


@contextlib.contextmanager
def served_archive(db_path: Path) -> Iterator[str]:
    """Serve the archive as `embassy-archive serve` does, in a subprocess on 127.0.0.1.

    The socket is bound here on port 0 and handed to the child, so no port can collide.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(db_path), str(sock.fileno())],
        pass_fds=[sock.fileno()], cwd=REPO,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + HANG  # a start awaited, never timed
        while True:
            try:
                if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the archive server did not start")
            time.sleep(0.1)
        yield base
    finally:
        stop_process(proc)
        sock.close()


@pytest.mark.slow
def test_twenty_readers_get_answers_while_a_crawl_writes(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    build_archive(path).conn.close()
    name = path.stem
    stop = threading.Event()
    written: list[int] = []
    errors: list[str] = []

    def writer() -> None:
        db = Database(path)
        ensure_schema(db)
        db.conn.execute("PRAGMA wal_autocheckpoint=20")  # checkpoints while readers read
        i = 0
        while not stop.is_set() and i < 400:
            url = f"https://fr.example.org/busy-{i % 25}"
            when = f"2024-05-01T00:{i // 60:02d}:{i % 60:02d}Z"
            body = f"<html>{i} sécurité</html>".encode() * 40
            with db.conn:  # one URL's work, as the crawl loop does it
                cid = store.save_capture(db, Capture(url, when, 200, content_type="text/html",
                                                     body=body), None)
                page = Page(url=url, title=f"Sécurité {i}", text=f"安全 {i} " * 200)
                store.set_outcome(db, cid, store.save_extraction(db, page, cid, "fr.example.org",
                                                                 when))
            written.append(i)
            i += 1
        db.conn.close()

    paths = [f"/{name}/pages.json?_search=securite", f"/{name}/search.json?q=安全",
             f"/{name}/pages?_facet=site", f"/{name}/captures.json?_sort_desc=fetched_at",
             f"/{name}/page_versions.csv?_stream=on", f"/{name}/recently_changed.json"]

    def reader(n: int, base: str) -> None:
        with httpx.Client(base_url=base, timeout=HANG) as http:
            for k in range(8):
                try:
                    r = http.get(paths[(n + k) % len(paths)])
                    if r.status_code != 200 or "locked" in r.text:
                        errors.append(f"{r.status_code} {r.text[:200]}")
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))

    with served_archive(path) as base:
        w = threading.Thread(target=writer)
        w.start()
        readers = [threading.Thread(target=reader, args=(n, base)) for n in range(20)]
        for t in readers:
            t.start()
        for t in readers:
            t.join(timeout=HANG)
        stop.set()
        w.join(timeout=HANG)
    assert errors == []
    assert written, "the writer wrote nothing while the readers read"
    check = Database(path)
    assert check.execute("SELECT count(*) FROM captures WHERE url LIKE '%busy%'").fetchone()[0] \
        == len(written)
    assert not any(t.is_alive() for t in readers)


def test_served_archive_answers_json(tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    build_archive(path).conn.close()
    with served_archive(path) as base:
        r = httpx.get(f"{base}/small/search.json", params={"q": "securite", "_shape": "array"})
    assert [row["url"] for row in json.loads(r.text)] == [FR]




def test_pages_are_faceted_by_site_language_year_and_breadcrumb_items(client: Client) -> None:
    data = client.get("/DB/pages.json").json()
    facets = data["facet_results"]
    assert set(facets) == {"site", "language", "published_year", "breadcrumb"}
    crumbs = {f["value"]: f["count"] for f in facets["breadcrumb"]["results"]}
    assert crumbs["Accueil"] == 9 and crumbs["Direction coop. internationale"] == 1
    years = {f["value"]: f["count"] for f in facets["published_year"]["results"]}
    assert years[2017] == 1
    sites = {f["value"]: f["count"] for f in facets["site"]["results"]}
    assert sites["fr.example.org"] == 4
