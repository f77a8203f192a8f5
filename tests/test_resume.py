"""kill -9 at random moments: the crawl resumes and ends with the archive an uninterrupted
crawl makes — same URLs, same content hashes, no duplicate rows, a sound database file.

The moments are events, not times: at once (start-up, imports, schema), or once the sample
site's own log has seen a random number of the crawl's requests."""

import random
import signal
import sqlite3
import subprocess
import sys

import pytest
from waiting import HANG, wait_until

from scraper.sample_site import serve_sample_site

pytestmark = pytest.mark.slow
KILLS = 8


def crawl_command(url: str, db) -> list[str]:
    return [sys.executable, "-m", "scraper.cli", "crawl", url, "--db", str(db), "--delay", "0",
            "--quiet"]


def snapshot(db) -> dict:
    conn = sqlite3.connect(db)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]
        return {
            "integrity": one("pragma integrity_check"),
            "pages": dict(conn.execute("select url, text from pages")),
            "sections": one("select count(*) from sections"),
            "translations": one("select count(*) from translations"),
            "versions": one("select count(*) from page_versions"),
            "bodies": {r[0] for r in conn.execute("select sha256 from bodies")},
            "captured": {r[0] for r in conn.execute("select sha256 from captures where sha256 is not null")},
            "duplicate_captures": one(
                "select count(*) from (select crawl_id, url from captures"
                " group by crawl_id, url having count(*) > 1)"
            ),
            "crawls": conn.execute("select status from crawls").fetchall(),
            "queued": one("select count(*) from frontier where state = 'queued'"),
        }
    finally:
        conn.close()


def test_a_crawl_killed_again_and_again_ends_equal_to_an_uninterrupted_one(tmp_path):
    rng = random.Random(20261128)
    with serve_sample_site(pages=300) as server:
        url = server.url + "/"
        reference = tmp_path / "reference.db"
        before = len(server.requests)
        subprocess.run(crawl_command(url, reference), check=True, capture_output=True,
                       timeout=HANG)
        whole = len(server.requests) - before  # requests in one whole crawl

        killed = tmp_path / "killed.db"
        kills = 0
        while kills < KILLS:
            seen = len(server.requests)
            child = subprocess.Popen(crawl_command(url, killed), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            # Anywhere from start-up (0: at once) to a good way into what is left.
            n = rng.choice([0, rng.randint(1, whole // (KILLS + 2))])
            try:
                wait_until(lambda seen=seen, n=n: len(server.requests) - seen >= n,
                           f"{n} requests", child)
            except AssertionError:
                if child.poll() is None:
                    raise
                break  # it finished on its own: no more to interrupt
            child.send_signal(signal.SIGKILL)
            child.wait()
            kills += 1
        final = subprocess.run(
            crawl_command(url, killed), capture_output=True, text=True, check=False, timeout=HANG
        )
        assert final.returncode == 0, final.stderr

    assert kills >= 6, "the crawl finished before it could be killed often enough"
    want, got = snapshot(reference), snapshot(killed)
    assert got["integrity"] == "ok"
    assert got["pages"] == want["pages"]
    assert got["sections"] == want["sections"]
    assert got["translations"] == want["translations"]
    assert got["versions"] == want["versions"] == len(want["pages"])
    assert got["bodies"] == want["bodies"] == got["captured"]
    assert got["duplicate_captures"] == want["duplicate_captures"] == 0
    # Every restart resumed the one interrupted crawl. (Had the last kill come just after the
    # crawl finished, the final run is a second, conditional crawl: nothing new in it.)
    assert got["crawls"][0] == ("done",) and set(got["crawls"]) == {("done",)}
    assert got["queued"] == 0
