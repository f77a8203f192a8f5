"""Night after night: an unchanged site costs a few requests and almost no bytes; a page whose
sitemap date moved is found the same night; a removed page is marked gone (and kept) when its
turn to be re-checked comes; a new page is added."""

import sqlite3

import sqlite_utils
from click.testing import CliRunner

from scraper.cli import cli
from scraper.discover import is_discovery_url
from scraper.sample_site import SampleSite, serve_sample_site

CHANGED = "/Horaires-d-ouverture-de-la-section-consulaire-12"


def crawl(url, db, *more):
    result = CliRunner().invoke(cli, ["crawl", url, "--db", str(db), "--delay", "0", "--quiet",
                                      *more])
    assert result.exit_code == 0, result.output
    return result.output


def db_bytes(path):
    """The archive's size on disk, its write-ahead log folded in first."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def night(db, crawl_id):
    [row] = db.query("select * from crawls where id = ?", [crawl_id])
    return row


def test_the_site_recrawled_unchanged_then_changed(tmp_path):
    db_path = tmp_path / "archive.db"
    with serve_sample_site() as server:
        base, port = server.url, server.port
        crawl(base + "/", db_path)
        size_after_first = db_bytes(db_path)
        server.clear_requests()
        crawl(base + "/", db_path)
        second = server.requests
        size_after_second = db_bytes(db_path)
    db = sqlite_utils.Database(db_path)
    pages = db.execute("select count(*) from pages").fetchone()[0]
    captures = db.execute("select count(*) from captures where crawl_id = 1").fetchone()[0]

    # Second night: the sitemap says nothing moved, so only the home page, robots.txt and the
    # listings are asked for, conditionally; the other known pages are left for their night.
    gets = {path for _, m, path, _ in second if m == "GET"}
    assert gets - {"/", "/robots.txt"} and all(
        is_discovery_url(base + p) for p in gets - {"/", "/robots.txt"}
    ), gets
    home = [h for _, m, path, h in second if m == "GET" and path == "/"]
    assert all({k.lower() for k in h} & {"if-none-match", "if-modified-since"} for h in home)
    night2 = night(db, 2)
    assert (night2["new"], night2["changed"]) == (0, 0)
    assert night2["skipped_by_lastmod"] >= pages - 2
    # Nothing new, nothing kept: no capture but for the listings the site does not have.
    kept = list(db.query("select url, status, outcome from captures where crawl_id = 2"))
    assert all(r["outcome"] == "skipped" and r["status"] == 404 for r in kept), kept
    assert captures > len(kept)
    assert db.execute("select count(*) from frontier where crawl_id = 2").fetchone()[0] == len(kept)
    assert db.execute("select count(*) from page_versions").fetchone()[0] == pages
    # An unchanged night costs at most 50 bytes per known page (here: nothing but the 404s).
    assert (size_after_second - size_after_first) / pages <= 50

    # Third night, edition 2 of the site on the same address: the changed article's lastmod
    # moved, so it is fetched and found changed; the new article comes from the sitemap.
    with serve_sample_site(edition=2, port=port) as server:
        crawl(base + "/", db_path)
        third = {path for _, m, path, _ in server.requests if m == "GET"}
    night3 = night(db, 3)
    assert CHANGED in third
    assert night3["changed"] >= 1 and night3["new"] >= 1
    assert len(third) < len(SampleSite().html_urls()) // 2
    changed = list(db.query("select url, count(*) as n from page_versions group by url having n > 1"))
    assert base + CHANGED in [r["url"] for r in changed]
    assert db.execute(
        "select count(*) from pages where url = ?", [base + "/Permanence-consulaire-a-Kayes-4170"]
    ).fetchone()[0] == 1
    # The removed article left the sitemap: it is re-checked that same night, and found gone.
    assert "/Visa-de-long-sejour-4152" in third and night3["gone"] >= 1
    [gone] = db.query("select * from pages where url = ?", [base + "/Visa-de-long-sejour-4152"])
    assert gone["gone_status"] == 410 and gone["gone_at"] and gone["text"]  # marked, kept

    # A full re-check (--full-every 0: every known page tonight) still finds it gone, and the
    # next nights do not ask for it again: it is re-checked once, not every night.
    with serve_sample_site(edition=2, port=port) as server:
        crawl(base + "/", db_path, "--full-every", "0")
        server.clear_requests()
        crawl(base + "/", db_path)
        fifth = {path for _, m, path, _ in server.requests if m == "GET"}
    assert night(db, 4)["gone"] >= 1 and "/Visa-de-long-sejour-4152" not in fifth
    assert db.execute("select count(*) from page_versions").fetchone()[0] == pages + 1 + len(changed)
