"""Crawl and re-extract from Python: the library the `embassy-archive` command is a thin layer on.

    from archive import open_archive
    from scraper import crawl_sites

    with open_archive("archive.db", lock=True) as archive:
        result = crawl_sites(archive, ["https://ml.ambafrance.org/"], max_pages=50)
        print(result.summary())

Both functions need the archive's crawl lock: open it with `lock=True` (so the lock is taken
before any migration), or they take it for their own run (`LockHeld` if another process has
it). Both commit as they go, so what they did survives an interruption.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from archive.api import Archive
from archive.crawlstore import SqliteCrawlStore
from archive.errors import NotAURL
from archive.lock import crawl_lock
from archive.rebuild import reextract as rebuild

from .crawl import CrawlOptions, CrawlResult, extract_capture, run_crawl_sync, site_for_url
from .extract import extract_page
from .http import Politeness
from .models import Site
from .progress import Reporter

__all__ = ["NotAURL", "crawl_sites", "reextract", "seed_site"]


def seed_site(url: str) -> Site:
    """The site a seed URL stands for: its host (with its aliases) is the crawl's scope."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotAURL(f"'{url}' is not an http(s) URL")
    return site_for_url(url)


def crawl_sites(
    archive: Archive,
    targets: Iterable[str | Site],
    *,
    delay: float = 1.0,
    options: CrawlOptions | None = None,
    reporter: Reporter | None = None,
    transport: Any = None,
    **option_values: Any,
) -> CrawlResult:
    """Crawl seed URLs or configured `Site`s into the archive; resumes an interrupted crawl.

    `delay` is the pause between two requests to one host (robots.txt's Crawl-delay wins when
    longer); other keywords are `CrawlOptions` fields (max_pages, max_depth …), or pass
    `options`. `transport` is an httpx transport for tests. Quiet unless given a reporter.
    """
    sites = [t if isinstance(t, Site) else seed_site(t) for t in targets]
    opts = options or CrawlOptions(**option_values)
    with _locked(archive), SqliteCrawlStore(archive.db) as store:
        return run_crawl_sync(
            store, sites, extract_page,
            politeness=Politeness(delay=delay), options=opts,
            reporter=reporter or Reporter(io.StringIO()), transport=transport,
        )


def reextract(archive: Archive) -> dict[str, int]:
    """Rebuild pages, sections, translations and versions from the stored captures, offline.

    One transaction: readers see the old archive until the new one is whole. Returns counts
    (pages, new, changed, unchanged, removed, failed).
    """
    with _locked(archive), archive.db.conn:
        return rebuild(archive.db, partial(extract_capture, extract_page))


@contextmanager
def _locked(archive: Archive) -> Iterator[None]:
    if archive.locked:
        yield
    else:
        with crawl_lock(archive.path):
            yield
