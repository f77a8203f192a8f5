"""The crawler stays responsive under load: a backpressure gate bounds the work fetched and not
yet stored, store calls run on one writer thread, and a request held at the gate does not
shorten the host's politeness gap."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from contextlib import ExitStack

import pytest
import sqlite_utils

from archive.crawlstore import SqliteCrawlStore
from archive.schema import LATEST, ensure_schema
from scraper import extract_page
from scraper.crawl import CrawlOptions, run_crawl_sync, site_for_url
from scraper.http import Politeness
from scraper.models import Page
from scraper.progress import Reporter
from scraper.sample_site import serve_sample_site
from scraper.scheduler import Gate
from scraper.throttle import HostThrottle, Turn
from scraper.workers import Workers

HOSTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]


class Timings(Reporter):
    def __init__(self) -> None:
        super().__init__(io.StringIO())
        self.timed: list[tuple[str, Turn, float]] = []

    def fetch_timed(self, site: str, url: str, turn: Turn, stored: float) -> None:
        self.timed.append((url, turn, stored))


def _crawl_counting(tmp_path, backlog: int) -> tuple[int, Timings, sqlite_utils.Database]:
    """Crawl four sample sites at once with an extractor (in threads) that counts how many
    pages it is extracting at the same time; -> the most at once, the timings, the archive."""
    lock = threading.Lock()
    now, most = 0, 0

    def counting(body: bytes, url: str, **kw: object) -> Page:
        nonlocal now, most
        with lock:
            now += 1
            most = max(most, now)
        try:
            time.sleep(0.01)  # long enough for pages of other sites to overlap
            return extract_page(body, url, **kw)  # type: ignore[arg-type]
        finally:
            with lock:
                now -= 1

    db = sqlite_utils.Database(tmp_path / f"b{backlog}.db")
    ensure_schema(db)
    reporter = Timings()
    with ExitStack() as stack:
        sites = [stack.enter_context(serve_sample_site(host=h)) for h in HOSTS]
        result = run_crawl_sync(
            SqliteCrawlStore(db), [site_for_url(s.url + "/") for s in sites], counting,
            politeness=Politeness(delay=0), reporter=reporter,
            options=CrawlOptions(max_pages=12, backlog=backlog, extract_processes=0),
        )
    assert result.exit_status == 0, result.summary()
    return most, reporter, db


def test_no_more_pages_than_the_backlog_bound_are_between_fetch_and_store(tmp_path):
    most, reporter, db = _crawl_counting(tmp_path, backlog=1)
    assert most == 1
    # Every site was crawled whole all the same.
    from scraper.discover import is_discovery_url  # listings have a budget of their own
    per_site: dict[str, int] = {}
    for site, url in db.execute("select site, url from frontier").fetchall():
        per_site[site] = per_site.get(site, 0) + (not is_discovery_url(url))
    assert sorted(per_site.values()) == [12] * len(HOSTS)
    # And every answered fetch was timed: due, then started, then stored.
    assert len(reporter.timed) >= 10 * len(HOSTS)
    assert all(t.due <= t.started + 1e-6 and t.started <= stored for _, t, stored in reporter.timed)


def test_without_a_tight_bound_pages_of_several_sites_are_extracted_at_once(tmp_path):
    # The measure above can fail: eight visits may run at once (two per site).
    most, _, _ = _crawl_counting(tmp_path, backlog=8)
    assert most > 1


def test_the_gate_holds_its_bound_and_gives_a_place_back_after_the_grace():
    # Events only: nothing but the grace's timer can free a place for the third, so its
    # entry at all proves the grace, and no later than the grace after the first entered.
    async def scenario() -> tuple[bool, bool, float]:
        gate = Gate(bound=2, grace=0.2)
        before_first = time.monotonic()
        first = await gate.enter()
        second = await gate.enter()
        second.fetched()  # answered: held for our work until released
        third = asyncio.create_task(gate.enter())
        await asyncio.sleep(0)  # it runs, and waits: two places, both taken
        waited = not third.done()
        # The first is still "on the wire": its place is given up at the grace.
        (await third).fetched()
        after = time.monotonic() - before_first
        first.release()  # a second release (after the grace's) gives nothing more back
        fourth = asyncio.create_task(gate.enter())
        await asyncio.sleep(0.3)  # past any grace: the second answered, keeps its place
        still = not fourth.done()
        second.release()
        (await fourth).release()
        return waited, still, after

    waited, still, after = asyncio.run(scenario())
    assert waited and still
    assert after >= 0.2  # the grace, measured from the first's entry: never sooner


def test_a_request_held_at_the_gate_does_not_shorten_the_hosts_next_gap():
    async def scenario() -> list[float]:
        throttle = HostThrottle(delay=0.2, connections=2)
        starts = []

        async def held() -> None:
            await asyncio.sleep(0.3)  # the crawl's gate keeps it back past its due time

        async with throttle.turn() as turn:
            starts.append(turn.started)
        async with throttle.turn(held) as turn:
            starts.append(turn.started)
            assert turn.held >= 0.29 and turn.due <= turn.started
        async with throttle.turn() as turn:
            starts.append(turn.started)
        return starts

    first, second, third = asyncio.run(scenario())
    assert second - first >= 0.2 + 0.3 - 0.01  # its due time, then the gate
    assert third - second >= 0.2 - 0.01  # spaced from the real start, not the due time


def test_store_calls_run_in_order_on_one_thread_that_is_not_the_loops():
    class Recording:
        thread_safe = True

        def __init__(self) -> None:
            self.calls: list[tuple[int, int]] = []

        def record(self, n: int) -> int:
            self.calls.append((n, threading.get_ident()))
            return n * 2

    store = Recording()

    async def scenario() -> list[int]:
        with Workers(store, extract_page, processes=0) as workers:
            assert workers.threaded
            return list(await asyncio.gather(*(workers.store(store.record, n)
                                               for n in range(20))))

    assert asyncio.run(scenario()) == [2 * n for n in range(20)]
    assert [n for n, _ in store.calls] == list(range(20))
    threads = {t for _, t in store.calls}
    assert len(threads) == 1 and threading.get_ident() not in threads


def test_a_store_that_is_not_thread_safe_is_called_on_the_loops_thread():
    seen = []

    class Plain:
        def record(self) -> None:
            seen.append(threading.get_ident())

    async def scenario() -> None:
        with Workers(Plain(), extract_page, processes=0) as workers:
            assert not workers.threaded
            await workers.store(Plain().record)

    asyncio.run(scenario())
    assert seen == [threading.get_ident()]


@pytest.mark.parametrize(("where", "upto", "threaded"), [
    ("file", None, True), ("memory", None, False), ("file", LATEST - 1, False),
])
def test_the_sqlite_store_is_thread_safe_only_over_a_file_of_the_latest_schema(
    tmp_path, where: str, upto: int | None, threaded: bool
):
    db = sqlite_utils.Database(memory=True) if where == "memory" else sqlite_utils.Database(
        tmp_path / "a.db")
    ensure_schema(db, upto=upto)
    store = SqliteCrawlStore(db)
    assert store.thread_safe is threaded
    if threaded:  # its own connection, usable from another thread, sees the same archive
        crawl_id = threading.Thread(target=lambda: store.open_crawl([]))
        crawl_id.start()
        crawl_id.join()
        assert db.execute("select count(*) from crawls").fetchone()[0] == 1
