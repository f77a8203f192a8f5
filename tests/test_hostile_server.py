"""The public server against a curious visitor and a hostile crawled page (issue 20).

Each attack request is asserted bounded by what bounds it (an input cap, an error, a NULL),
never by a time; while they run, an ordinary page view completes. The archive is written
through the store API, a hostile page's title and trail included; a real server on
127.0.0.1 shows that a client's errors print no traceback.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import lxml.etree
import lxml.html
import pytest
from servers import stop_process
from sqlite_utils import Database
from test_publish import REPO, Client
from test_search import FR, build_archive

from archive import store
from archive.plugins import guard, highlight, home, links
from archive.schema import ensure_schema
from scraper.models import Capture, Page, Section

EVIL = "https://fr.example.org/evil-1"
HUGE = "https://fr.example.org/huge-2"
LONG = "https://fr.example.org/long-paragraph-3"
EVIL_TITLE = "\u202eAccueil\x01 de\x0c l’ambassade\ufffe\uffff"  # U+202E: right-to-left override
HUGE_TITLE = "Visa " * 200_000  # a 1 MB title


def save_page(db: Database, page: Page, when: str) -> None:
    with db.conn:
        body = f"<html>{page.url} {when}</html>".encode()
        cid = store.save_capture(db, Capture(page.url, when, 200, content_type="text/html",
                                             body=body), None)
        store.set_outcome(db, cid, store.save_extraction(db, page, cid, "fr.example.org", when))


def add_hostile_pages(path: Path) -> None:
    db = Database(path)
    ensure_schema(db)
    for n, when in enumerate(["2024-04-01T00:00:00Z", "2024-05-01T00:00:00Z"]):
        # Two versions each: a changed page is an entry of the feed.
        save_page(db, Page(url=EVIL, title=EVIL_TITLE, language="fr", text=f"Texte {n}.",
                           breadcrumb=["\u202eAccueil", "Visas\x07"],
                           sections=[Section("\u202eTitre", 2, f"Texte {n}.")]), when)
        save_page(db, Page(url=HUGE, title=HUGE_TITLE + str(n), language="fr",
                           text=f"Corps {n}.", sections=[Section(None, 0, f"Corps {n}.")]), when)
    paragraph = "a" * 20_000
    save_page(db, Page(url=LONG, title="Un long paragraphe", language="fr", text=paragraph,
                       sections=[Section(None, 0, paragraph)]), "2024-04-02T00:00:00Z")
    db.conn.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Path]]:
    path = tmp_path_factory.mktemp("hostile") / "archive.db"
    build_archive(path).conn.close()
    add_hostile_pages(path)
    client = Client(path)
    yield client, path
    client.close()


@pytest.mark.slow
def test_the_feed_stays_valid_xml_with_forbidden_characters_in_titles(
        archive: tuple[Client, Path]) -> None:
    client, _ = archive
    response = client.get("/-/changes.atom")
    assert response.status_code == 200
    lxml.etree.fromstring(response.content)  # strict: raises on any character XML forbids
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = {e.title for e in feed.entries}
    evil = "Changed: \u2068\u202eAccueil de l’ambassade\u2069"  # isolated, nothing forbidden
    assert evil in titles
    huge = next(t for t in titles if "Visa Visa" in t)
    assert len(huge) <= len("Changed: ") + links.LABEL_LIMIT
    assert len(response.content) < 100_000  # not the 1 MB title twice


def test_labels_are_capped_and_bidi_isolated_on_the_pages(archive: tuple[Client, Path]) -> None:
    client, path = archive
    home_page = lxml.html.fromstring(client.get("/").text)
    recent = [a for a in home_page.xpath("//ul[@class='recent']//a")]
    assert recent and all(len(a) == 1 and a[0].tag == "bdi" for a in recent)
    shown = [a.text_content() for a in recent]
    assert any(t.startswith("\u202eAccueil") for t in shown)
    assert max(len(t) for t in shown) <= links.LABEL_LIMIT
    table = lxml.html.fromstring(client.get("/DB/pages", params={"url": EVIL,
                                                                 "_columns": "all"}).text)
    trail = table.xpath("//span[@class='trail']/bdi")
    assert [b.text_content() for b in trail] == ["\u202eAccueil", "Visas\x07"]
    # a title cell's link isolates itself (dir=auto) and so aligns as its script runs
    title_cell = table.xpath("//td[contains(@class, 'col-title')]//a[@dir='auto']")
    assert title_cell and title_cell[0].text_content().startswith("\u202eAccueil")
    evil = lxml.html.fromstring(client.get("/-/page", params={"url": EVIL}).text)
    assert [b.text_content() for b in evil.xpath("//nav[@class='trail']//li/bdi")] == [
        "\u202eAccueil", "Visas\x07"]
    assert evil.findtext(".//title").startswith("\u2068\u202eAccueil")  # FSI ... PDI
    huge = lxml.html.fromstring(client.get("/-/page", params={"url": HUGE}).text)
    assert len(huge.xpath("//article/h1")[0].text_content()) == links.LABEL_LIMIT
    assert len(huge.findtext(".//title")) < links.LABEL_LIMIT + 100
    stored = Database(path).execute("SELECT title FROM pages WHERE url = ?", [HUGE]).fetchone()
    assert len(stored[0]) > 1_000_000  # the full text stays in the database


def test_unknown_deep_addresses_are_404_not_500(archive: tuple[Client, Path]) -> None:
    client, _ = archive
    for path in ["/DB/pages/a/b/c/d", "/-/nothing/here", "/-/capture/1/nothing", "/DB/nothing",
                 "/nothing.json"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.text


def test_numbers_out_of_range_and_nul_are_refused_not_500(archive: tuple[Client, Path]) -> None:
    client, _ = archive
    big = str(2**64)
    assert client.get(f"/-/capture/{big}").status_code in (400, 404)
    assert client.get("/-/page", params={"url": FR, "version": big}).status_code in (200, 400,
                                                                                     404)
    nul = client.get("/DB/pages", params={"_facet_year": "\x00"})
    assert nul.status_code == 400 and "No column" in nul.text
    assert client.get("/DB/pages", params={"_facet": "\x00"}).status_code == 400
    assert client.get("/DB/pages", params={"published_year": "\x00"}).status_code == 200
    assert client.get("/DB/pages.json", params={"_facet_year": "nothing"}).status_code == 400


def test_attack_requests_are_bounded_while_a_page_view_completes(
        archive: tuple[Client, Path]) -> None:
    client, _ = archive

    def sql(query: str) -> tuple[str, dict[str, str]]:
        return "/DB.json", {"sql": query, "_shape": "array"}

    attacks = {
        "snippet": sql("select search_snippet(printf('%.*c', 20000, 'a'), 'a') as s"),
        "late hit": sql("select search_snippet(printf('%.*c', 60000, 'b') || ' visa', 'visa')"
                        " as s"),
        "printf": sql("select printf('%.*c', 900000000, 'x') as s"),
        "zeroblob": sql("select length(zeroblob(900000000)) as s"),
        "replace": sql("select length(replace(printf('%.*c', 100000, 'x'), 'x', "
                       "printf('%.*c', 1000, 'y'))) as s"),
        "trim": sql("select length(trim(printf('%.*c', 100000, 'a'), "
                    "printf('%.*c', 100000, 'b') || 'a')) as s"),
        "prefix": ("/DB/search.json", {"q": "a*", "_shape": "array"}),
        "marks": ("/-/page", {"url": LONG, "q": "a"}),
    }
    view = ("/-/page", {"url": FR})

    async def everything() -> list[httpx.Response]:
        requests = [*attacks.values(), view]
        return await asyncio.gather(*(client.ds.client.get(
            path.replace("/DB", "/" + client.name, 1), params=params)
            for path, params in requests))

    *answers, page = client.loop.run_until_complete(everything())
    got = dict(zip(attacks, answers, strict=True))
    assert page.status_code == 200 and "Securit" in page.text
    snippet = got["snippet"].json()[0]["s"]
    assert snippet == "a" * 81 + "…"  # the first hit and its width, nothing quadratic
    assert got["late hit"].json()[0]["s"] == "b" * 160 + "…"  # past SNIPPET_TEXT_LIMIT
    assert got["printf"].json() == [{"s": None}]  # above PRINTF_LIMIT: NULL at once
    assert got["zeroblob"].status_code == 400 and "too big" in got["zeroblob"].text
    assert got["replace"].json() == [{"s": None}]  # 100 MB, past LENGTH_LIMIT: NULL
    assert got["trim"].json() == [{"s": 0}]  # 65 s in SQLite 3.40's own trim
    assert got["prefix"].status_code == 200  # "a*" searched as the word "a"
    assert got["marks"].status_code == 200
    paragraphs = lxml.html.fromstring(got["marks"].text).xpath("//article//p[mark]")
    assert max(len(p.xpath("mark")) for p in paragraphs) == highlight.MARK_LIMIT
    within = client.get("/DB.json", params={"sql": "select length(printf('%.*c', ?1, 'x')) as n",
                                            "_shape": "array", "1": str(guard.PRINTF_LIMIT)})
    assert within.json() == [{"n": guard.PRINTF_LIMIT}]  # SQLite's own printf below the bound


def test_the_home_page_counts_once_per_change_of_the_archive(
        archive: tuple[Client, Path]) -> None:
    client, path = archive

    async def counts() -> dict:
        return await home.home_counts(client.ds, recount_after=0)

    first = client.loop.run_until_complete(counts())
    assert client.loop.run_until_complete(counts()) is first  # nothing changed: not recounted
    pages = first["summary"]["pages"]
    db = Database(path)
    ensure_schema(db)
    save_page(db, Page(url="https://fr.example.org/new-4", title="Nouvelle", language="fr",
                       text="Nouveau.", sections=[Section(None, 0, "Nouveau.")]),
              "2024-06-01T00:00:00Z")
    db.conn.close()
    for _ in range(500):  # the change is recounted once, in the background: wait for it
        latest = client.loop.run_until_complete(counts())
        if latest["summary"]["pages"] == pages + 1:
            break
        client.loop.run_until_complete(asyncio.sleep(0.01))
    assert latest["summary"]["pages"] == pages + 1
    assert client.get("/").status_code == 200


_SERVER = (
    "import sys, uvicorn\n"
    "from archive.publish import make_datasette\n"
    "uvicorn.run(make_datasette(sys.argv[1]).app(), fd=int(sys.argv[2]), log_level='warning')\n"
)


def test_a_clients_errors_print_no_traceback(tmp_path: Path,
                                             archive: tuple[Client, Path]) -> None:
    _, path = archive
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    log = (tmp_path / "stderr.txt").open("w+")
    proc = subprocess.Popen([sys.executable, "-c", _SERVER, str(path), str(sock.fileno())],
                            pass_fds=[sock.fileno()], cwd=REPO, stdout=log, stderr=log)
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        statuses = [httpx.get(base + p, timeout=30).status_code for p in [
            "/archive/pages/a/b/c/d", "/-/nothing/here", "/archive/pages?_facet_year=%00",
            f"/-/capture/{2**64}", "/archive.json?sql=select+nothing",
            "/archive/pages?_facet=%00"]]
    finally:
        stop_process(proc)
        sock.close()
    log.seek(0)
    printed = log.read()
    # a capture number past 2**63 names no capture: 404 with a sentence (issue 18), no 500
    assert statuses == [404, 404, 400, 404, 400, 400]
    assert "Traceback" not in printed and "╭" not in printed, printed[:2000]


def test_a_server_error_is_one_log_line_and_a_plain_500(archive: tuple[Client, Path],
                                                        caplog: pytest.LogCaptureFixture) -> None:
    from datasette.utils.asgi import Request

    client, _ = archive
    try:
        raise RuntimeError("boom\nsecond line " + "x" * 5000)
    except RuntimeError as error:
        failure = error
    requests = [Request.fake("/-/somewhere"), Request.fake("/-/somewhere.json")]
    for request in requests:  # what asgi-csrf puts in every real request's scope
        request.scope["csrftoken"] = lambda: "token"
    with caplog.at_level("ERROR", logger="embassy_archive.serve"):
        html, data = (client.loop.run_until_complete(
            guard.error_response(client.ds, request, failure)) for request in requests)
    assert html.status == data.status == 500
    assert "boom" not in html.body and "Traceback" not in html.body
    assert [r.getMessage().count("\n") for r in caplog.records] == [0, 0]
    line = caplog.records[0].getMessage()
    assert line.startswith("GET /-/somewhere: RuntimeError: boom second line")
    assert len(line) < guard.LOG_LINE_LIMIT * 2 + 200


def bounded_connection() -> sqlite3.Connection:
    """A connection with our bounded functions, as Datasette's connections have them."""
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, guard.LENGTH_LIMIT)
    for name, (arity, function) in guard.bounded_functions(guard.private_connection()).items():
        conn.create_function(name, arity, function, deterministic=True)
    return conn


SAME_AS_SQLITE = [
    "instr(x'00ff00', x'ff')", "instr('été', 'é')", "instr(12.5, '.')", "instr(NULL, 'a')",
    "instr('abc', x'62')", "replace(x'616263', 'b', 'X')", "replace('abc', '', 'x')",
    "replace('a', NULL, 'b')", "replace(12345, 3, 'x')", "trim('xxaxx', 'x')", "trim('  a ')",
    "ltrim('xxa', 'x')", "rtrim('axx', 'x')", "trim(x'78786178', 'x')", "trim('a-]^b', ']-^ab')",
    "printf('%5.2f|%-4s|%d', 3.14159, 'ab', 42)", "format('%q', 'it''s')", "printf(NULL)",
]


@pytest.mark.parametrize("expression", SAME_AS_SQLITE)
def test_our_bounded_functions_answer_as_sqlites_own(expression: str) -> None:
    plain = sqlite3.connect(":memory:").execute(f"SELECT {expression}").fetchone()
    assert bounded_connection().execute(f"SELECT {expression}").fetchone() == plain


def test_quadratic_string_functions_run_linear_past_their_bound() -> None:
    conn = bounded_connection()
    n = 100_000
    assert n * n > guard.QUADRATIC_LIMIT
    a, b = "a" * n, "b" * n
    one = conn.execute("SELECT instr(?, ?), instr(?, ?)", (a, a[: n // 2] + "b", a + "b", "ab"))
    assert one.fetchone() == (0, n)
    assert conn.execute("SELECT trim(?, ?), ltrim(?, ?), rtrim(?, ?)",
                        (a, b + "a", "x" + a, b + "a", a + "x", b + "a")).fetchone() == (
        "", "x" + a, a + "x")
    assert conn.execute("SELECT length(replace(?, ?, 'c'))", (a + "b" + a, a + "b")).fetchone() \
        == (n + 1,)
    huge = conn.execute("SELECT replace(?, 'a', ?)", (a, "y" * 1000)).fetchone()
    assert huge == (None,)  # 100 MB past the length limit: NULL at once
    wide = conn.execute("SELECT replace(?, ?, ?)", (a + "b", a[:200] + "b", "y" * 10**6))
    assert wide.fetchone() == (a[:-200] + "y" * 10**6,)  # the linear path, within the limit
