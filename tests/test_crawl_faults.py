"""A whole crawl of a hostile server: it finishes, records every failure with its reason, and
stays polite, as measured from the server's own request log."""


import pytest
import sqlite_utils
from servers import assert_polite, gzip_bomb, serve_faults

from archive.crawlstore import SqliteCrawlStore
from archive.schema import ensure_schema
from scraper import extract_page
from scraper.crawl import CrawlOptions, run_crawl_sync, site_for_url
from scraper.http import Politeness
from scraper.progress import Reporter

DELAY = 0.2
POLITE = Politeness(
    delay=DELAY,
    # /slow never answers (it waits for the client to leave): the timeout is no race with
    # the machine's speed, and every other answer has all the time a loaded machine needs.
    connect_timeout=5.0,
    read_timeout=3.0,
    total_timeout=30.0,
    max_body_bytes=2 * 1024 * 1024,
    max_retries=1,
    backoff_base=0.1,
    max_retry_after=5.0,
)


def crawl(db_path, url):
    db = sqlite_utils.Database(db_path)
    ensure_schema(db)
    import io

    result = run_crawl_sync(
            SqliteCrawlStore(db), [site_for_url(url)], extract_page,
        politeness=POLITE, options=CrawlOptions(max_pages=60), reporter=Reporter(io.StringIO()),
    )
    return db, result


@pytest.mark.slow
def test_a_crawl_of_a_hostile_server_records_each_failure_and_stays_polite(tmp_path):
    gzip_bomb()  # built before the crawl, not during it: it takes the CPU for a while
    with serve_faults("127.0.0.2") as canary, serve_faults(
        other_loopback_url=canary.url, ipv6_url="http://[::1]:9"
    ) as srv:
        db, result = crawl(tmp_path / "a.db", srv.url + "/")
        log = list(srv.requests)

    assert result.exit_status == 0, result.summary()
    errors = {
        row["url"].removeprefix(srv.url): (row["status"], row["error"])
        for row in db.query("select url, status, error from captures")
    }
    assert errors["/500"][0] == 500
    assert errors["/503"][0] == 503
    assert errors["/503-once"] == (200, None)  # Retry-After honoured, then it answered
    assert errors["/429"] == (200, None)
    assert errors["/slow"][1] == "timeout"
    assert errors["/reset"][1] in ("connection reset", "truncated body")
    assert errors["/truncated"][1] == "truncated body"
    assert errors["/loop-a"][1] == "redirect loop"
    assert errors["/chain"][1] == "too many redirects"
    assert errors["/big"][1] == "too large"
    assert errors["/bomb"][1] in ("decompression bomb", "too large")
    # Another loopback port is neither in the seed's scope nor its origin: not followed.
    assert errors["/to-other-loopback"][1] == "out of scope"
    assert errors["/to-private"][1] == "disallowed by robots.txt"

    # The failures are recorded, the good pages are archived.
    pages = {r["url"].removeprefix(srv.url) for r in db.query("select url from pages")}
    assert {"/", "/ok", "/gzip", "/latin1-no-charset", "/wrong-charset"} <= pages
    [latin1] = db.query("select text from pages where url = ?", [srv.url + "/latin1-no-charset"])
    assert "Dernière modification" in latin1["text"]
    [cp1252] = db.query("select text from pages where url = ?", [srv.url + "/wrong-charset"])
    assert "L’ambassade « ouverte »" in cp1252["text"]

    paths = [path for _, _, path, _ in log]
    assert not [p for p in paths if p.startswith("/private/")]
    assert canary.requests == []
    assert sum(1 for p in paths if p.startswith("/calendar")) <= 2
    # A sequence known only by its shape is entered (and one step taken), never walked.
    assert sorted(p for p in paths if p.startswith("/vue")) == ["/vue?m=1", "/vue?m=2"]

    assert_polite(log, DELAY)
    assert srv.max_in_flight <= 2


def test_a_site_whose_robots_txt_fails_is_not_crawled_and_exits_3(tmp_path):
    with serve_faults(robots_status=503) as srv:
        _db, result = crawl(tmp_path / "a.db", srv.url + "/")
        paths = [path for _, _, path, _ in srv.requests]
    assert result.exit_status == 3
    assert "robots.txt unavailable" in result.summary()
    assert set(paths) == {"/robots.txt"}


def test_a_site_that_refuses_connections_exits_3_and_says_why(tmp_path):
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db, result = crawl(tmp_path / "a.db", f"http://127.0.0.1:{port}/")
    assert result.exit_status == 3
    [row] = db.query("select * from crawls")
    assert row["status"] == "failed"
    assert db.execute("select count(*) from captures where error is not null").fetchone()[0] >= 1


def test_a_redirect_to_another_site_is_skipped_not_archived_under_our_url(tmp_path):
    import io

    with serve_faults("127.0.0.3") as other, serve_faults(other_loopback_url=other.url) as srv:
        db = sqlite_utils.Database(tmp_path / "a.db")
        ensure_schema(db)
        # Both hosts are seeds, so the address guard lets the redirect through; scope does not.
        start = srv.url + "/to-other-loopback"
        result = run_crawl_sync(
            SqliteCrawlStore(db), [site_for_url(start), site_for_url(other.url + "/ok")],
            extract_page, politeness=POLITE, options=CrawlOptions(max_pages=5, discover=False),
            reporter=Reporter(io.StringIO()),
        )
    assert result.exit_status == 0
    [capture] = db.query("select * from captures where url = ?", [start])
    # The chain stops where it leaves the site: the other site's page is not even requested.
    assert (capture["status"], capture["outcome"], capture["error"]) == (
        302, "skipped", "out of scope")
    assert capture["final_url"] == other.url + "/"
    assert capture["sha256"] is None
    assert "/" not in other.paths()
    assert not db.execute("select count(*) from pages where url in (?, ?)",
                          [start, other.url + "/"]).fetchone()[0]
    ours = srv.url.removeprefix("http://")
    assert [r[0] for r in db.execute("select url from frontier where site = ?", [ours])] == [start]
