"""Extraction runs in worker processes for the crawl, and gives what a direct call gives."""

from __future__ import annotations

import asyncio

from scraper import extract_page
from scraper.extraction import extract_capture
from scraper.models import Page
from scraper.workers import Workers

HTML = ("<html lang='fr'><head><title>Visa de court séjour</title></head><body><h1>Visa de "
        "court séjour</h1><p>Les demandes de visa se font sur rendez-vous, du lundi au "
        "vendredi.</p></body></html>").encode()
URL = "https://ml.ambafrance.org/Visa-de-court-sejour-4150"
HEADERS = {"content-type": "text/html; charset=utf-8"}


def test_a_worker_process_extracts_the_same_page_as_a_direct_call() -> None:
    async def go() -> tuple[bool, tuple[Page, int]]:
        with Workers(None, extract_page, processes=1) as workers:
            return workers.in_processes, await workers.extract(HTML, URL, HEADERS, None, len)

    in_processes, (page, links) = asyncio.run(go())
    assert in_processes
    assert page == extract_capture(extract_page, HTML, URL, HEADERS)
    assert links == len(page.links)  # `then` ran on the page's links, in the worker
    assert page.title == "Visa de court séjour"


def test_an_extractor_that_cannot_travel_runs_in_a_thread() -> None:
    calls: list[str] = []

    def closure(body: bytes, url: str, **kw: str | None) -> Page:
        calls.append(url)
        return Page(url=url, title="local")

    async def go() -> tuple[bool, Page]:
        with Workers(None, closure) as workers:
            page, _ = await workers.extract(HTML, URL, HEADERS, None, len)
            return workers.in_processes, page

    in_processes, page = asyncio.run(go())
    assert not in_processes and page.title == "local" and calls == [URL]


DATED = ("<html lang='fr'><body><h1>Fête nationale</h1><p class='date'>publié le 14 juillet "
         "2021</p><p>La réception a lieu à la résidence de France, ouverte à tous.</p>"
         "</body></html>").encode()


def test_a_capture_is_dated_as_of_its_fetch_day_whenever_it_is_extracted() -> None:
    # The fetch day is the extractor's "today": a date after it is not believed, so the same
    # capture gives the same page in a crawl, in reextract today, or in ten years.
    after = extract_capture(extract_page, DATED, URL, HEADERS, "2021-07-20T08:00:00Z")
    before = extract_capture(extract_page, DATED, URL, HEADERS, "2021-07-01T08:00:00Z")
    assert str(after.published) == "2021-07-14"
    assert before.published is None
    assert before == extract_capture(extract_page, DATED, URL, HEADERS, "2021-07-01T23:59:59Z")
