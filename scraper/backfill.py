"""`backfill`: a site's history from before our first crawl, out of a web archive's captures.

For each page (the site's known pages, or every URL under its hosts when the archive holds
none yet, or the URLs given) the CDX server lists its captures; `choose` keeps one per period
(month or year) whose body differs from the one kept before it, and they go into the archive's
persistent to-do list. Then each is fetched raw (`id_`), one polite request at a time, and
stored as a capture of its own date (source 'wayback'), extracted like a crawled page. The
capture and its item's "done" are one transaction: a backfill killed at any moment and run
again fetches only what is left, and stores nothing twice.

This module knows nothing of SQL: it speaks `BackfillStore` (archive.ingest.BackfillQueue).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from scraper.cdx import CdxClient, CdxRow, RawCapture
from scraper.models import Capture, CaptureExtractor, Site
from scraper.urls import normalize_url

Extract = CaptureExtractor
PAGE_TYPES = ("text/html", "application/xhtml+xml", "warc/revisit")
PERIOD_DIGITS = {"year": 4, "month": 6}


class Item(Protocol):
    """One capture to fetch (archive.ingest.Item)."""

    @property
    def url(self) -> str: ...
    @property
    def timestamp(self) -> str: ...
    @property
    def original(self) -> str: ...


ItemT = TypeVar("ItemT", bound=Item)


class BackfillStore(Protocol[ItemT]):
    """What the backfill needs of the archive: its to-do list and its pages."""

    def known_pages(self, site: str) -> list[str]: ...
    def plan(self, site: str, rows: Iterable[tuple[str, CdxRow]]) -> int: ...
    def queued(self, site: str, limit: int | None = None) -> Sequence[ItemT]: ...
    def save(self, item: ItemT, capture: Capture, extract: Extract) -> str | None: ...
    def failed(self, item: ItemT) -> None: ...


@dataclass(frozen=True)
class BackfillOptions:
    """Which captures to take: years (inclusive), one per `every` period, at most N a run."""

    from_year: int | None = None
    to_year: int | None = None
    every: str = "year"  # "month" | "year"
    max_captures: int | None = None


@dataclass
class BackfillResult:
    """What one run did; `remaining` captures stay queued for the next run."""

    site: str
    listed: int = 0
    queued: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    unavailable: int = 0
    remaining: int = 0

    def summary(self) -> str:
        done = ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.items())) or "nothing new"
        return (
            f"backfill {self.site}: {self.listed} captures listed, {self.queued} newly queued; "
            f"stored {done}; {self.duplicates} already held, {self.unavailable} unavailable, "
            f"{self.remaining} left for the next run"
        )


def stamp_to_iso(stamp: str) -> str:
    """A CDX timestamp as the archive writes times.

    >>> stamp_to_iso("20120304101501")
    '2012-03-04T10:15:01Z'
    """
    s = stamp.ljust(14, "0")
    return f"{s[0:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}Z"


def choose(rows: Iterable[CdxRow], options: BackfillOptions) -> list[CdxRow]:
    """One page's captures to fetch: answered pages, within the years, the first of each
    period, and only when its body (digest) differs from the one kept just before."""
    digits = PERIOD_DIGITS[options.every]
    kept: list[CdxRow] = []
    periods: set[str] = set()
    for row in sorted(rows, key=lambda r: r.timestamp):
        year = int(row.timestamp[:4]) if row.timestamp[:4].isdigit() else 0
        if options.from_year and year < options.from_year:
            continue
        if options.to_year and year > options.to_year:
            continue
        if row.status not in ("200", "-") or not row.mime.lower().startswith(PAGE_TYPES):
            continue
        period = row.timestamp[:digits]
        if period in periods or (kept and kept[-1].digest == row.digest):
            continue
        periods.add(period)
        kept.append(row)
    return kept


def targets(store: BackfillStore[ItemT], site: Site, urls: Sequence[str]) -> list[tuple[str, str]]:
    """(URL, matchType) queries for a site: the URLs given, else its known pages, else every
    URL under its hosts."""
    if urls:
        return [(u, "exact") for u in urls]
    known = store.known_pages(site.name)
    if known:
        return [(u, "exact") for u in known]
    return [(f"{host}/", "prefix") for host in site.hosts]


def run_backfill(
    store: BackfillStore[ItemT],
    client: CdxClient,
    site: Site,
    extract: Extract,
    *,
    urls: Sequence[str] = (),
    options: BackfillOptions = BackfillOptions(),
    progress: Callable[[str], None] = lambda line: None,
) -> BackfillResult:
    """List, choose, queue, then fetch and store a site's captures from a web archive.

    Raises `scraper.cdx.ServiceUnavailable` when the web archive cannot be used; what was
    stored until then stays, and the queue lets the next run go on.
    """
    result = BackfillResult(site=site.name)
    since = str(options.from_year) if options.from_year else None
    until = str(options.to_year) if options.to_year else None
    for url, match_type in targets(store, site, urls):
        rows = client.captures(url, match_type=match_type, since=since, until=until)
        result.listed += len(rows)
        by_page: dict[str, list[CdxRow]] = {}
        for row in rows:
            page = url if match_type == "exact" else normalize_url(row.original)
            if page:
                by_page.setdefault(page, []).append(row)
        chosen = [(page, row) for page, group in by_page.items() for row in choose(group, options)]
        result.queued += store.plan(site.name, chosen)
        progress(f"{url}: {len(rows)} captures listed, {len(chosen)} chosen")
    for item in store.queued(site.name, options.max_captures):
        raw = client.fetch(_row_of(item))
        if raw is None:
            store.failed(item)
            result.unavailable += 1
            continue
        outcome = store.save(item, _capture(item.url, raw), extract)
        if outcome is None:
            result.duplicates += 1
        else:
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
        progress(f"{stamp_to_iso(raw.timestamp)} {item.url}: {outcome or 'already held'}")
    result.remaining = len(store.queued(site.name))
    return result


def _row_of(item: Item) -> CdxRow:
    return CdxRow(item.timestamp, item.original, "200", "", "")


def _capture(url: str, raw: RawCapture) -> Capture:
    return Capture(
        url=url,
        fetched_at=stamp_to_iso(raw.timestamp),
        status=raw.status,
        content_type=raw.headers.get("content-type"),
        headers=raw.headers,
        body=raw.body,
    )
