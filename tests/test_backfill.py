"""Backfill from a web archive on loopback: the sample site crawled for real, then its home
page's history brought from a CDX server (ours, speaking the Wayback Machine's API, and a real
pywb serving WARCs we wrote), politely, resumably, nothing stored twice."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from pywb_server import serve_pywb
from waiting import HANG, wait_until
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from wayback_server import FakeWayback, Snapshot, serve_wayback

from archive.api import open_archive
from archive.publish import make_datasette
from scraper.backfill import BackfillOptions
from scraper.cdx import CdxClient, CdxPoliteness, ServiceUnavailable
from scraper.cli import cli
from scraper.sample_site import serve_sample_site
from scraper.webarchive import backfill, site_of_url

ROOT = Path(__file__).resolve().parents[1]


def page(year: str, extra: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>Ambassade de France ({year})</title></head><body><h1>Ambassade de France ({year})</h1>"
        f"<p>Le site de l'ambassade tel qu'il était en {year}. {extra}</p></body></html>"
    ).encode()


def history(home: str) -> dict[str, list[Snapshot]]:
    """Seven listed captures of the home page; three of them are the ones to take by year."""
    return {home: [
        Snapshot("20110315120000", page("2011")),
        Snapshot("20110920120000", page("2011", "Rentrée.")),  # same year: not taken by year
        Snapshot("20130510120000", page("2013")),
        Snapshot("20150101120000", page("2013")),  # same body as the one before: not taken
        Snapshot("20160101120000", b"", status="302"),  # a redirect: no page
        Snapshot("20170707120000", page("2017")),
        Snapshot("20180101000000", b"\xff\xd8", mime="image/jpeg"),
    ]}


@pytest.fixture(scope="module")
def crawled_once(tmp_path_factory):
    path = tmp_path_factory.mktemp("backfill") / "crawled.db"
    with serve_sample_site() as server:
        result = CliRunner().invoke(cli, ["crawl", server.url + "/", "--db", str(path), "--delay", "0"])
        assert result.exit_code == 0, result.output
    return server.url + "/", path


@pytest.fixture
def crawled(crawled_once, tmp_path):
    """A copy of the crawled archive for one test; yields (home URL, path)."""
    home, source = crawled_once
    path = tmp_path / "archive.db"
    shutil.copy(source, path)
    return home, path


def wayback_rows(path: Path) -> list[tuple]:
    db = sqlite_utils.Database(path)
    return db.execute("SELECT url, fetched_at, source FROM captures WHERE source = 'wayback' "
                      "ORDER BY fetched_at").fetchall()


def run(path: Path, home: str, cdx_url: str, **options):
    with open_archive(path, lock=True) as archive:
        site = site_of_url(archive, home)
        return backfill(archive, site, urls=[home], cdx_url=cdx_url, delay=options.pop("delay", 0),
                        options=BackfillOptions(**options))


def test_a_page_gets_three_dated_versions_older_than_its_first_crawl(crawled):
    home, path = crawled
    with serve_wayback(FakeWayback(history(home))) as srv:
        result = run(path, home, srv.cdx_url)
    assert result.outcomes == {"changed": 3} and result.remaining == 0
    assert [r[1] for r in wayback_rows(path)] == [
        "2011-03-15T12:00:00Z", "2013-05-10T12:00:00Z", "2017-07-07T12:00:00Z"]
    db = sqlite_utils.Database(path)
    versions = db.execute("SELECT captured_at, title, source FROM page_versions WHERE url = ? "
                          "AND source = 'wayback' ORDER BY captured_at", (home,)).fetchall()
    assert [v[1] for v in versions] == [f"Ambassade de France ({y})" for y in (2011, 2013, 2017)]
    first_crawl = db.execute("SELECT min(fetched_at) FROM captures WHERE source = 'crawl'").fetchone()[0]
    assert all(v[0] < first_crawl for v in versions)


def test_the_backfilled_versions_come_first_in_date_order(crawled):
    home, path = crawled
    db = sqlite_utils.Database(path)
    current = db.execute("SELECT title FROM pages WHERE url = ?", (home,)).fetchone()[0]
    with serve_wayback(FakeWayback(history(home))) as srv:
        run(path, home, srv.cdx_url)
    versions = db.execute("SELECT version, captured_at, source FROM page_versions WHERE url = ? "
                          "ORDER BY version", (home,)).fetchall()
    assert [v[1] for v in versions] == sorted(v[1] for v in versions)
    assert [v[2] for v in versions] == ["wayback"] * 3 + ["crawl"]
    assert db.execute("SELECT title FROM pages WHERE url = ?", (home,)).fetchone()[0] == current


def test_every_month_and_the_year_range_choose_other_captures(crawled):
    home, path = crawled
    with serve_wayback(FakeWayback(history(home))) as srv:
        run(path, home, srv.cdx_url, from_year=2012, to_year=2016)
        assert [r[1][:4] for r in wayback_rows(path)] == ["2013"]
        run(path, home, srv.cdx_url, every="month")
    assert [r[1][:7] for r in wayback_rows(path)] == ["2011-03", "2011-09", "2013-05", "2017-07"]


def test_requests_go_one_at_a_time_with_the_delay_and_retry_after_is_honoured(crawled):
    home, path = crawled
    archive = FakeWayback(history(home), busy_once=True)
    with serve_wayback(archive) as srv:
        run(path, home, srv.cdx_url, delay=0.3)
    starts = [t for t, _ in archive.requests]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert archive.max_in_flight == 1
    assert gaps[0] >= 1 - 0.05  # the 503 asked for one second
    # Measured on arrival: a loaded machine may deliver one request late, the next on time.
    assert min(gaps) >= 0.3 - 0.05 and len(starts) == 1 + 1 + 3  # 503, CDX query, 3 fetches
    # The Wayback Machine is asked to leave out what the backfill would not take anyway.
    assert "collapse=digest" in archive.requests[1][1]
    assert "filter=statuscode%3A200" in archive.requests[1][1]


@pytest.mark.slow
def test_a_web_archive_that_is_down_stops_the_run_with_one_line_and_exit_3(crawled):
    home, path = crawled
    with serve_wayback(FakeWayback(history(home), down=True)) as srv:
        with pytest.raises(ServiceUnavailable, match="not answering"):
            run(path, home, srv.cdx_url)
        result = CliRunner().invoke(cli, ["backfill", home, "--db", str(path), "--cdx", srv.cdx_url,
                                          "--delay", "0", "--quiet"])
    assert result.exit_code == 3
    assert result.output.strip().splitlines()[-1].startswith("Error: 127.0.0.1:")
    assert "Traceback" not in result.output
    assert wayback_rows(path) == []


def test_a_second_run_stores_nothing_twice(crawled):
    home, path = crawled
    with serve_wayback(FakeWayback(history(home))) as srv:
        run(path, home, srv.cdx_url)
        again = run(path, home, srv.cdx_url)
    assert again.queued == 0 and again.outcomes == {} and len(wayback_rows(path)) == 3


@pytest.mark.slow
def test_kill_9_mid_backfill_then_a_rerun_stores_each_capture_once(crawled):
    home, path = crawled
    pages = {home + f"page-{n}": [Snapshot(f"20{10 + k}0101000000", page(f"20{10 + k}", str(n)))
                                  for k in range(3)] for n in range(4)}
    archive = FakeWayback(pages, hold_after=3)  # the fourth replay waits for the kill
    with serve_wayback(archive) as srv:
        command = [sys.executable, "-m", "scraper.cli", "backfill", *pages, "--db", str(path),
                   "--cdx", srv.cdx_url, "--delay", "0", "--quiet"]
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_until(lambda: _done_items(path) >= 3, "three items done", proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        archive.release.set()
        assert _done_items(path) == 3  # killed mid-way, whatever the machine's speed
        rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=HANG,
                               check=False)
    assert rerun.returncode == 0, rerun.stderr
    rows = wayback_rows(path)
    assert len(rows) == len(set(rows)) == 12
    fetched = [p for _, p in archive.requests if "id_/" in p]
    assert len(fetched) - len(set(fetched)) <= 1  # at most the one cut off by the kill


def _done_items(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=5) as conn:
            return int(conn.execute(
                "SELECT count(*) FROM backfill_items WHERE state = 'done'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _pywb_warc(path: Path, home: str) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        for year in ("2012", "2015", "2019"):
            body = page(year)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                home, "response", payload=BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": f"{year}-06-01T10:00:00Z"}))


def test_a_real_pywb_serves_as_the_cdx_server_and_replay(crawled, tmp_path):
    home, path = crawled
    warc = tmp_path / "old.warc.gz"
    _pywb_warc(warc, home)
    with serve_pywb([warc], tmp_path / "pywb") as base:
        result = run(path, home, base + "cdx")
    assert result.outcomes == {"changed": 3}
    assert [r[1] for r in wayback_rows(path)] == [f"{y}-06-01T10:00:00Z" for y in (2012, 2015, 2019)]
    db = sqlite_utils.Database(path)
    titles = db.execute("SELECT title FROM page_versions WHERE source = 'wayback' "
                        "ORDER BY captured_at").fetchall()
    assert titles == [(f"Ambassade de France ({y})",) for y in (2012, 2015, 2019)]


def test_a_spip_query_url_is_fetched_back_with_its_query_as_it_is(crawled):
    home, path = crawled
    article = home + "spip.php?article123"
    with serve_wayback(FakeWayback({article: [Snapshot("20140101000000", page("2014"))]})) as srv:
        result = run(path, article, srv.cdx_url)
        replayed = [p for _, p in srv.requests if "id_/" in p]
    assert result.outcomes == {"new": 1}
    assert replayed == [f"/web/20140101000000id_/{article}"]
    assert wayback_rows(path) == [(article, "2014-01-01T00:00:00Z", "wayback")]


def test_datasette_facets_captures_and_versions_on_their_source(crawled):
    home, path = crawled
    with serve_wayback(FakeWayback(history(home))) as srv:
        run(path, home, srv.cdx_url)
    ds = make_datasette(path)

    async def facets(table: str) -> dict:
        answer = await ds.client.get(f"/archive/{table}.json")
        assert answer.status_code == 200, answer.text
        results = answer.json()["facet_results"]["source"]["results"]
        return {r["value"]: r["count"] for r in results}

    db = sqlite_utils.Database(path)
    crawled_captures = db.execute("SELECT count(*) FROM captures WHERE source = 'crawl'").fetchone()[0]
    assert asyncio.run(facets("captures")) == {"crawl": crawled_captures, "wayback": 3}
    assert asyncio.run(facets("page_versions"))["wayback"] == 3


def _sites_file(folder: Path, name: str, host: str) -> Path:
    path = folder / "sites.yml"
    path.write_text(f"sites:\n  - name: '{name}'\n    hosts: ['{host}']\n", encoding="utf-8")
    return path


def test_a_site_of_the_sites_file_is_asked_for_page_by_page(crawled):
    home, path = crawled
    host = home.split("/")[2]
    sites = _sites_file(path.parent, host, host)
    with serve_wayback(FakeWayback(history(home))) as srv:
        result = CliRunner().invoke(cli, ["backfill", "--sites", str(sites), "--site", host,
                                          "--db", str(path), "--cdx", srv.cdx_url, "--delay", "0"])
        queries = [p for _, p in srv.requests if p.startswith("/cdx/")]
    assert result.exit_code == 0, result.output
    assert "stored 3 changed" in result.output.splitlines()[-1]
    known = sqlite_utils.Database(path).execute("SELECT count(*) FROM pages").fetchone()[0]
    assert len(queries) == known and all("matchType=exact" in q for q in queries)


def test_a_site_the_archive_has_no_page_of_is_asked_for_by_prefix(tmp_path):
    host = "ml.ambafrance.org"
    pages = {f"http://{host}/": [Snapshot("20100101000000", page("2010"))],
             f"http://{host}/Visas-12": [Snapshot("20110101000000", page("2011", "Visas"))]}
    sites = _sites_file(tmp_path, "ml", host)
    path = tmp_path / "empty.db"
    with serve_wayback(FakeWayback(pages)) as srv:
        result = CliRunner().invoke(cli, ["backfill", "--sites", str(sites), "--site", "ml",
                                          "--db", str(path), "--cdx", srv.cdx_url, "--delay", "0",
                                          "--quiet"])
        queries = [p for _, p in srv.requests if p.startswith("/cdx/")]
    assert result.exit_code == 0, result.output
    assert len(queries) == 1 and "matchType=prefix" in queries[0]
    db = sqlite_utils.Database(path)
    assert db.execute("SELECT url, site FROM pages ORDER BY url").fetchall() == [
        (f"http://{host}/", "ml"), (f"http://{host}/Visas-12", "ml")]
    assert db.execute("SELECT name FROM sites").fetchall() == [("ml",)]


@pytest.mark.parametrize("resume_keys, asked", [(True, 3), (False, 2)])
def test_a_long_history_is_listed_whole_whether_the_server_pages_it_or_not(resume_keys, asked):
    host = "ml.ambafrance.org"
    pages = {f"http://{host}/{n}": [Snapshot(f"20{10 + n}0101000000", page(str(n)))]
             for n in range(7)}
    with serve_wayback(FakeWayback(pages, resume_keys=resume_keys)) as srv:
        client = CdxClient(srv.cdx_url, CdxPoliteness(delay=0), page_rows=3)
        rows = client.captures(f"{host}/", match_type="prefix")
        client.close()
        queries = [p for _, p in srv.requests if p.startswith("/cdx/")]
    assert sorted(r.original for r in rows) == sorted(pages)
    assert len(queries) == asked
