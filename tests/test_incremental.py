"""Night after night: an unchanged site costs no body and no version; a changed one is
recorded as a new version, a removed page is marked gone and kept, a new page is added."""

import sqlite_utils
from click.testing import CliRunner

from scraper.cli import cli
from scraper.sample_site import SampleSite, serve_sample_site


def crawl(url, db):
    result = CliRunner().invoke(cli, ["crawl", url, "--db", str(db), "--delay", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_site_recrawled_unchanged_then_changed(tmp_path):
    db_path = tmp_path / "archive.db"
    with serve_sample_site() as server:
        base, port = server.url, server.port
        crawl(base + "/", db_path)
        server.clear_requests()
        crawl(base + "/", db_path)
        second = server.requests
    db = sqlite_utils.Database(db_path)
    pages = db.execute("select count(*) from pages").fetchone()[0]

    # Second night: every known page asked conditionally, answered 304, nothing re-extracted.
    known = set(SampleSite().html_urls())
    html_gets = [
        {k.lower() for k in h} for _, m, path, h in second if m == "GET" and path in known
    ]
    assert {path for _, m, path, _ in second if m == "GET"} >= known
    assert all("if-none-match" in h or "if-modified-since" in h for h in html_gets)
    statuses = {r["status"] for r in db.query("select status from captures where crawl_id = 2 and outcome != 'skipped'")}
    assert statuses <= {304, 404}
    assert db.execute("select count(*) from page_versions").fetchone()[0] == pages
    [night2] = db.query("select * from crawls where id = 2")
    assert (night2["new"], night2["changed"], night2["fetched"] > 0) == (0, 0, True)

    # Third night, edition 2 of the site on the same address.
    with serve_sample_site(edition=2, port=port) as server:
        crawl(base + "/", db_path)
    [night3] = db.query("select * from crawls where id = 3")
    assert night3["changed"] >= 1 and night3["new"] >= 1 and night3["gone"] >= 1
    [gone] = db.query("select * from pages where url = ?", [base + "/Visa-de-long-sejour-4152"])
    assert gone["gone_status"] == 410 and gone["gone_at"] and gone["text"]  # marked, kept
    assert db.execute(
        "select count(*) from pages where url = ?", [base + "/Permanence-consulaire-a-Kayes-4170"]
    ).fetchone()[0] == 1
    changed = list(db.query(
        "select url, count(*) as n from page_versions group by url having n > 1"
    ))
    assert changed, "the changed article should have a second version"
    assert db.execute("select count(*) from page_versions").fetchone()[0] == pages + 1 + len(changed)
