"""A lifecycle a cron job can trust: an interrupted crawl is resumed only by a crawl of the
same sites; SIGINT and SIGTERM end a crawl with its summary, `crawls.status = 'interrupted'`,
no warning, and the next run resumes it exactly.

Signals are sent on an event (the sample site's own log has seen N requests), never after a
sleep; the crawl's stop is awaited, not timed.
"""

from __future__ import annotations

import asyncio
import io
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archive import open_archive
from archive.crawlstore import SqliteCrawlStore
from scraper import crawl_sites
from scraper.crawl import CrawlOptions, CrawlResult, crawl, site_for_url
from scraper.extract import extract_page
from scraper.http import Politeness
from scraper.progress import Reporter
from scraper.sample_site import serve_sample_site
from scraper.sample_site.server import RunningSite

pytestmark = pytest.mark.slow
HANG = 300  # seconds: only a hung process reaches it; the crawl's own stop takes one or two


class StopAfter(Reporter):
    """Sets the crawl's stop event once `n` URLs were visited (as a signal would)."""

    def __init__(self, n: int, stop: asyncio.Event) -> None:
        super().__init__(io.StringIO())
        self.n, self.stop = n, stop

    def page(self, site: str, url: str, outcome: str, error: str | None = None) -> None:
        super().page(site, url, outcome, error)
        if sum(self.total.values()) >= self.n:
            self.stop.set()


def crawl_in_process(db: Path, url: str, stop_after: int | None = None) -> CrawlResult:
    async def run() -> CrawlResult:
        stop = asyncio.Event()
        reporter = StopAfter(stop_after, stop) if stop_after else Reporter(io.StringIO())
        with open_archive(str(db), create=True, lock=True) as archive, \
                SqliteCrawlStore(archive.db) as store:
            return await crawl(store, [site_for_url(url)], extract_page,
                               politeness=Politeness(delay=0), reporter=reporter, stop=stop,
                               options=CrawlOptions(extract_processes=0))
    return asyncio.run(run())


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def snapshot(db: Path) -> dict[str, object]:
    return {
        "pages": dict(rows(db, "select url, text from pages")),
        "bodies": set(rows(db, "select sha256 from bodies")),
        "new": sorted(rows(db, "select url from captures where outcome = 'new'")),
        "twice": rows(db, "select crawl_id, url from captures group by 1, 2 having count(*) > 1"),
        "integrity": rows(db, "pragma integrity_check"),
    }


def assert_resumed_exactly(db: Path, reference: Path) -> None:
    got, want = snapshot(db), snapshot(reference)
    assert got["integrity"] == [("ok",)]
    assert got["twice"] == []
    assert got["new"] == want["new"]  # every page new once, none reported new twice
    assert got["pages"] == want["pages"] and got["bodies"] == want["bodies"]


def test_a_crawl_of_other_sites_leaves_an_interrupted_crawl_waiting_for_its_own(tmp_path):
    db, reference = tmp_path / "a.db", tmp_path / "reference.db"
    with serve_sample_site(pages=40) as x, serve_sample_site() as y:
        crawl_in_process(reference, x.url + "/")
        first = crawl_in_process(db, x.url + "/", stop_after=15)
        assert first.interrupted and first.exit_status == 130
        frontier = rows(db, "select url, state from frontier where crawl_id = ? order by 1",
                        first.crawl_id)
        assert ("queued",) in {(state,) for _, state in frontier}

        other = crawl_in_process(db, y.url + "/")
        assert other.crawl_id != first.crawl_id and not other.resumed
        x_name = site_for_url(x.url + "/").name
        assert other.waiting == ((first.crawl_id, (x_name,)),)
        assert f"crawl {first.crawl_id} ({x_name}) left waiting" in other.summary()
        # X's crawl is untouched: still interrupted, its frontier as it was.
        assert rows(db, "select status from crawls where id = ?", first.crawl_id) == [
            ("interrupted",)]
        assert rows(db, "select url, state from frontier where crawl_id = ? order by 1",
                    first.crawl_id) == frontier

        again = crawl_in_process(db, x.url + "/")
    assert (again.crawl_id, again.resumed, again.waiting) == (first.crawl_id, True, ())
    assert rows(db, "select id, status from crawls order by id") == [
        (first.crawl_id, "done"), (other.crawl_id, "done")]
    x_only = tmp_path / "x_only.db"
    x_only.write_bytes(db.read_bytes())
    with sqlite3.connect(x_only) as conn:  # Y's pages aside, the archive is X's reference
        conn.execute("delete from pages where site != ?", (x_name,))
        conn.execute("delete from captures where crawl_id != ?", (first.crawl_id,))
        conn.execute("delete from bodies where sha256 not in (select sha256 from captures "
                     "where sha256 is not null)")
    conn.close()
    assert_resumed_exactly(x_only, reference)


# -- SIGINT and SIGTERM on the command line ----------------------------------------------------

@pytest.fixture(scope="module")
def site_and_reference(tmp_path_factory) -> Iterator[tuple[RunningSite, Path]]:
    with serve_sample_site(pages=150) as server:
        reference = tmp_path_factory.mktemp("reference") / "reference.db"
        with open_archive(str(reference), create=True, lock=True) as archive:
            assert not crawl_sites(archive, [server.url + "/"], delay=0).interrupted
        yield server, reference


def crawl_command(url: str, db: Path) -> list[str]:
    return [sys.executable, "-m", "scraper.cli", "crawl", url, "--db", str(db), "--delay", "0",
            "--quiet"]


def wait_for(event: Callable[[], bool], proc: subprocess.Popen[str], what: str) -> None:
    """Until `event()` holds; the crawl ending first fails the test (no time limit: a crawl
    that neither gets there nor ends is a hang, which the process's end settles)."""
    while not event():
        if proc.poll() is not None:
            pytest.fail(f"the crawl ended before {what}: {proc.communicate()}")
        time.sleep(0.01)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_crawl_with_its_summary_interrupted_and_the_next_run_resumes_it(
    tmp_path, site_and_reference, sig
):
    server, reference = site_and_reference
    db = tmp_path / "a.db"
    url = server.url + "/"
    seen = len(server.requests)
    proc = subprocess.Popen(crawl_command(url, db), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    wait_for(lambda: len(server.requests) - seen >= 40, proc, "40 requests")
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"the crawl did not stop on {sig.name}: {proc.communicate()}")
    assert proc.returncode == 130, (out, err)
    assert out.startswith("crawl 1 interrupted: "), out
    assert out.rstrip().endswith("the next crawl of the same sites resumes it"), out
    assert "Traceback" not in err and "leaked" not in err and "Error" not in err, err
    assert rows(db, "select status from crawls") == [("interrupted",)]
    assert rows(db, "select count(*) from frontier where state = 'queued'")[0][0] > 0

    final = subprocess.run(crawl_command(url, db), capture_output=True, text=True,
                           timeout=HANG, check=False)
    assert final.returncode == 0, final.stderr
    assert final.stdout.startswith("crawl 1 resumed and finished: "), final.stdout
    assert "leaked" not in final.stderr
    assert rows(db, "select id, status from crawls") == [(1, "done")]
    assert_resumed_exactly(db, reference)
