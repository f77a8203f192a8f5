"""The visible CSV and excel links of every table and canned query give every row, on an
archive with more rows than Datasette returns at once (max_returned_rows, 1,000) in pages,
sections and page_versions, with sort columns full of ties; excel downloads cannot run a
formula, and the plain CSV is the stored text byte for byte."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from test_publish import Client

from archive import store
from archive.plugins.export_rows import Params
from archive.plugins.exports import excel_cell
from archive.publish import PLUGINS, SETTINGS, load_metadata
from archive.schema import ensure_schema
from scraper.models import Capture, Page, Section

PAGES = 1_300  # above max_returned_rows, and not a multiple of it
SITE = "https://fr.example.org"
HOSTILE = {  # stored text that a spreadsheet would run as a formula
    "/formula": '=HYPERLINK("http://x","y")',
    "/plus": "+33 1 23 45 67 89",
    "/minus": "-rappel: visa",
    "/at": "@consulat",
}
# Parameters that make each canned query return rows on this archive.
QUERY_ARGS = {
    "search": {"q": "consulat"},
    "changes_between": {"since": "2000-01-01", "until": "2100-01-01"},
    "page_versions_side_by_side": {"url": SITE + "/page/7"},
    "page_with_translations": {"url": SITE + "/page/7"},
    "sections_by_site_and_language": {"site": "", "language": "", "q": ""},
}


def build(path: Path) -> None:
    """A few pages through the store (indexed for search), the bulk by plain INSERTs."""
    db = Database(path)
    ensure_schema(db)
    conn = db.conn
    conn.execute("INSERT INTO sites (name, host) VALUES ('fr', 'fr.example.org')")
    conn.execute("INSERT INTO crawls (id, started_at, status) VALUES (1, '2024-01-01', 'done')")
    for path_, title in HOSTILE.items():
        url = SITE + path_
        capture = Capture(url, "2024-01-01T10:00:00Z", status=200,
                          content_type="text/html", body=title.encode())
        capture_id = store.save_capture(db, capture, 1, "new")
        page = Page(url=url, title=title, text=f"{title}\nconsulat", language="fr",
                    sections=[Section(heading=title, level=2, text="-12 jours")])
        store.save_extraction(db, page, capture_id, "fr", "2024-01-01T10:00:00Z")
    rows = range(PAGES)
    # Three distinct times for 1,300 pages: the ties that cut a sorted walk at a page edge.
    conn.executemany(
        "INSERT INTO captures (url, crawl_id, fetched_at, status, outcome, source) "
        "VALUES (?, 1, ?, 200, 'new', 'crawl')",
        [(f"{SITE}/page/{i}", f"2024-02-0{i % 3 + 1}T00:00:00Z") for i in rows])
    conn.executemany(
        "INSERT INTO pages (url, id, site, language, title, text, published, first_seen, "
        "last_seen, last_changed) VALUES (?, ?, 'fr', ?, ?, ?, ?, '2024-02-01', ?, ?)",
        [(f"{SITE}/page/{i}", 1000 + i, "fr" if i % 2 else "en", f"Page {i}",
          f"Texte de la page {i}", f"20{10 + i % 14}-01-{i % 28 + 1:02d}",
          f"2024-02-0{i % 3 + 1}", f"2024-02-0{i % 3 + 1}") for i in rows])
    conn.executemany(
        "INSERT INTO frontier (crawl_id, url, site, depth, state) VALUES (1, ?, 'fr', 1, 'done')",
        [(f"{SITE}/page/{i}",) for i in rows])
    conn.executemany(
        "INSERT INTO sections (page_url, position, heading, level, text) VALUES (?, ?, ?, 2, ?)",
        [(f"{SITE}/page/{i}", n, f"Partie {n}", f"Section {n} de {i}")
         for i in rows for n in (1, 2)])
    conn.executemany(
        "INSERT INTO page_versions (url, version, at, captured_at, title, text, sections, "
        "content_sha256) VALUES (?, ?, ?, ?, ?, 'texte', '[]', ?)",
        [(f"{SITE}/page/{i}", v, f"2024020{v}000000", f"2024-02-0{v}T00:00:00Z",
          f"Page {i} v{v}", f"{i}-{v}") for i in rows for v in (1, 2)])
    conn.executemany("INSERT INTO translations (page_url, language, url) VALUES (?, 'en', ?)",
                     [(f"{SITE}/page/{i}", f"{SITE}/en/page/{i}") for i in range(0, PAGES, 7)])
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Path]]:
    path = tmp_path_factory.mktemp("exports") / "archive.db"
    build(path)
    client = Client(path)
    yield client, path
    client.close()


def count(path: Path, sql: str, params: dict[str, str] | None = None) -> int:
    conn = sqlite3.connect(path)
    try:
        return len(conn.execute(sql, params or {}).fetchall())
    finally:
        conn.close()


class Links(HTMLParser):
    """The links of a page's "This data as ..." paragraph, by their text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self._in_export, self._href = False, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "p" and "export-links" in (attr.get("class") or ""):
            self._in_export = True
        elif tag == "a" and self._in_export:
            self._href = attr.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        self._in_export = self._in_export and tag != "p"

    def handle_data(self, data: str) -> None:
        if self._in_export and self._href:
            self.links[data.strip()] = self._href
            self._href = ""


def visible_links(client: Client, page: str, params: dict[str, str]) -> dict[str, str]:
    response = client.get(page, params=params)
    assert response.status_code == 200, (page, response.text[:300])
    parser = Links()
    parser.feed(response.text)
    return parser.links


def download(client: Client, href: str) -> tuple[bytes, list[dict[str, str]]]:
    response = client.get(href.removeprefix("http://localhost"))
    assert response.status_code == 200, (href, response.text[:300])
    assert "attachment" in response.headers["content-disposition"]
    return response.content, list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_archive_is_larger_than_one_datasette_page(archive: tuple[Client, Path]) -> None:
    _, path = archive
    limit = SETTINGS["max_returned_rows"]
    for table in ("pages", "sections", "page_versions", "captures"):
        assert count(path, f"SELECT 1 FROM {table}") > limit, table


@pytest.mark.parametrize("table", ["pages", "sections", "page_versions", "captures", "sites",
                                   "crawls", "translations", "revisits"])
def test_the_visible_links_of_every_table_give_every_row(archive: tuple[Client, Path],
                                                          table: str) -> None:
    client, path = archive
    expected = count(path, f"SELECT 1 FROM {table}")
    links = visible_links(client, f"/DB/{table}", {})
    if not expected:  # Datasette shows no CSV link for an empty table
        return
    assert {"CSV", "excel"} <= set(links), links
    for name in ("CSV", "excel"):
        body, rows = download(client, links[name])
        assert len(rows) == expected, (table, name, len(rows), expected)
        assert body.startswith(b"\xef\xbb\xbf") == (name == "excel")
    # Each row once, in the page's own order (pages: last_seen descending, full of ties).
    _, rows = download(client, links["CSV"])
    keys = [tuple(r.values()) for r in rows]
    assert len(set(keys)) == expected


def test_every_table_with_a_list_of_tables_in_the_test() -> None:
    # A table added to metadata.yml and not to the test above would go untested.
    tables = load_metadata("archive")["databases"]["archive"]["tables"]
    shown = {name for name, meta in tables.items() if not (meta or {}).get("hidden")}
    assert shown == {"sites", "pages", "sections", "translations", "page_versions",
                     "captures", "crawls", "revisits"}


@pytest.mark.parametrize(("sort", "column"), [("_sort", "site"), ("_sort_desc", "last_seen"),
                                              ("_sort", "language"), ("_sort_desc", "title")])
def test_a_sorted_and_filtered_table_exports_every_row_it_selects(
    archive: tuple[Client, Path], sort: str, column: str
) -> None:
    client, path = archive
    params = {sort: column, "language": "fr", "_size": "10"}
    links = visible_links(client, "/DB/pages", params)
    assert "_size" not in links["CSV"]  # the page's size is not the export's
    expected = count(path, "SELECT 1 FROM pages WHERE language = 'fr'")
    for name in ("CSV", "excel"):
        _, rows = download(client, links[name])
        assert len(rows) == expected and len({r["url"] for r in rows}) == expected
        assert {r["language"] for r in rows} == {"fr"}
        values = [r[column] for r in rows]
        assert values == sorted(values, reverse=sort == "_sort_desc")


def test_the_visible_links_of_every_canned_query_give_every_row(
    archive: tuple[Client, Path]
) -> None:
    client, path = archive
    queries = load_metadata("archive")["databases"]["archive"]["queries"]
    big = 0
    conn = sqlite3.connect(path)
    for plugin in PLUGINS:  # the canned queries call our SQL functions, as on Datasette
        prepare = getattr(plugin, "prepare_connection", None)
        if prepare is not None:
            prepare(conn, "DB", None)
    for name, query in queries.items():
        args = QUERY_ARGS.get(name, {})
        try:
            expected = len(_run(conn, query["sql"], args))
        except sqlite3.OperationalError:  # needs the page's own arguments: ask Datasette
            expected = -1
        links = visible_links(client, f"/DB/{name}", args)
        assert {"CSV", "excel"} <= set(links), (name, links)
        for link in ("CSV", "excel"):
            body, rows = download(client, links[link])
            if expected >= 0:
                assert len(rows) == expected, (name, link, len(rows), expected)
            assert rows, name
            assert body.startswith(b"\xef\xbb\xbf") == (link == "excel")
        big += expected > SETTINGS["max_returned_rows"]
    conn.close()
    assert big >= 1  # at least one query returns more than one page of Datasette's


def _run(conn: sqlite3.Connection, sql: str, args: dict[str, str]) -> list[Any]:
    return conn.execute(sql, Params(args)).fetchall()  # a name not given is "", as on the page


def test_a_query_of_more_rows_than_a_page_exports_whole(archive: tuple[Client, Path]) -> None:
    client, path = archive
    sql = "select p.url, s.position from pages p join sections s on s.page_url = p.url"
    links = visible_links(client, "/DB", {"sql": sql})
    expected = count(path, sql)
    assert expected > SETTINGS["max_returned_rows"]
    for name in ("CSV", "excel"):
        _, rows = download(client, links[name])
        assert len(rows) == expected and len({tuple(r.values()) for r in rows}) == expected


def test_excel_cells_cannot_run_and_csv_stays_byte_exact(archive: tuple[Client, Path]) -> None:
    client, _ = archive
    links = visible_links(client, "/DB/pages", {"url__startswith": SITE + "/", "_sort": "url"})
    csv_body, csv_rows = download(client, links["CSV"])
    excel_body, excel_rows = download(client, links["excel"])
    by_url = {r["url"]: r for r in csv_rows}
    excel_by_url = {r["url"]: r for r in excel_rows}
    for path_, title in HOSTILE.items():
        assert by_url[SITE + path_]["title"] == title  # the plain CSV: as stored
        assert excel_by_url[SITE + path_]["title"] == "'" + title  # excel: shown, never run
    assert json.dumps(HOSTILE["/formula"])[1:-1].replace('\\"', '""') in csv_body.decode()
    assert b"'=HYPERLINK" in excel_body and b"'=HYPERLINK" not in csv_body
    # Cells that start otherwise are the same in both.
    assert excel_by_url[SITE + "/page/3"] == by_url[SITE + "/page/3"]
    # Sections: "-12 jours" is text starting with "-"; a level of 2 is a number, untouched.
    links = visible_links(client, "/DB/sections", {"text__startswith": "-"})
    _, rows = download(client, links["excel"])
    assert rows and all(r["text"] == "'-12 jours" and r["level"] == "2" for r in rows)


@pytest.mark.parametrize(("value", "safe"), [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), ("'=x", "'=x"),
])
def test_excel_cell_prefixes_only_what_a_spreadsheet_would_run(value: str, safe: str) -> None:
    assert excel_cell(value) == safe


def test_an_export_says_why_it_cannot_be_given(archive: tuple[Client, Path]) -> None:
    client, path = archive
    for address, status, words in (
        ("/-/export/DB/nowhere.csv", 404, "no table or canned query"),
        ("/-/export/nodb/pages.csv", 404, "no database"),
        ("/-/export/DB.csv?sql=select+nope", 400, "no such column: nope"),
        ("/-/export/DB.csv?sql=delete+from+pages", 400, "Only a SELECT"),
        ("/-/export/DB/pages.csv?_sort=text", 400, "Cannot sort"),
    ):
        response = client.get(address)
        assert response.status_code == status, (address, response.text)
        assert words in response.text, (address, response.text)
    assert count(path, "SELECT 1 FROM pages") == PAGES + len(HOSTILE)
