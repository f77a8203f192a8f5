"""What the crawl needs of an archive, and nothing more: `CrawlStore`, and the records it takes.

The crawl (scraper/crawl.py) speaks only this protocol; `archive.crawlstore.SqliteCrawlStore`
implements it over SQLite and owns the transactions. One visited URL is one `record_visit`
call, committed whole: a crawl killed at any moment leaves all or nothing of that URL's work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from scraper.models import Capture, Page, Site
from scraper.outcomes import Outcome

# A URL to visit: (url, depth in link hops from a start URL, the URL it was found on).
QueuedURL = tuple[str, int, str | None]


@dataclass(frozen=True)
class Validators:
    """What the archive kept of a URL's last full answer, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class NextURL:
    """A queued URL taken up for a visit, with its last full answer's validators (None for a
    URL never answered 200): what its conditional request sends, read in the same step."""

    url: str
    depth: int  # link hops from a start URL
    found_on: str | None
    validators: Validators | None = None


@dataclass(frozen=True)
class Listed:
    """A URL as a sitemap or feed lists it, with the date it claims the URL last changed."""

    url: str
    lastmod: str | None = None  # ISO 8601 UTC ("2026-11-28T15:58:36Z"), None when not given


@dataclass(frozen=True)
class KnownURL:
    """What the archive remembers of one URL of a site, to decide whether to re-check it."""

    url: str
    last_checked: str | None  # ISO 8601 UTC of the last fetch that got an answer
    listed_lastmod: str | None = None  # what the site's sitemap or feed says now
    checked_lastmod: str | None = None  # what it said when we last checked the URL
    checks: int = 0  # answered fetches so far
    changes: int = 0  # of which brought new content
    # Listed by an earlier night's sitemap or feed, but not by the latest listing of its site,
    # and not checked since: a page taken off the sitemap may be gone.
    unlisted: bool = False


@dataclass(frozen=True)
class Visit:
    """Everything one visited URL adds to the archive, recorded in one transaction.

    `capture` is None when nothing was fetched (robots.txt forbids the URL). `page` is the
    extraction of a new body. `links` are the URLs to queue (already scoped, filtered and
    capped by the crawl); `landed_on` is a redirect's in-site target, marked visited too;
    `listed` are the entries of a sitemap or feed. A visit that brought nothing new (a 304, or
    `same_body`) is recorded compactly, without a capture row.
    """

    site: str
    url: str
    outcome: Outcome
    capture: Capture | None = None
    page: Page | None = None
    links: tuple[QueuedURL, ...] = ()
    landed_on: str | None = None
    landed_depth: int = 0
    listed: tuple[Listed, ...] = ()
    same_body: bool = False  # the body is the one the archive already has: nothing new


@dataclass(frozen=True)
class Recorded:
    """What `record_visit` did: the final outcome (an extraction may say new, changed or
    unchanged) and how many URLs it added to the site's frontier."""

    outcome: Outcome
    added: int


class CrawlStore(Protocol):
    """The archive as the crawl sees it."""

    def open_crawl(self, sites: Sequence[Site]) -> tuple[int, bool]:
        """Resume the unfinished crawl of exactly these sites, or start one; save the sites.
        -> (crawl id, resumed)."""
        ...

    def waiting_crawls(self, sites: Sequence[Site]) -> list[tuple[int, list[str]]]:
        """(id, site names) of the unfinished crawls of other sites, left waiting."""
        ...

    def finish_crawl(self, crawl_id: int, status: str) -> dict[str, int]:
        """Close the crawl with its counts (returned) and prune its finished frontier."""
        ...

    def interrupt_crawl(self, crawl_id: int) -> dict[str, int]:
        """Leave the crawl interrupted, frontier kept, with its counts so far (returned)."""
        ...

    def queue(self, crawl_id: int, site: str, urls: Sequence[QueuedURL]) -> int:
        """Add URLs to the site's frontier (ignoring those already in it); -> how many added."""
        ...

    def next_urls(self, crawl_id: int, site: str, limit: int) -> list[NextURL]:
        """Up to `limit` queued URLs of the site, first in first out, each with its
        validators."""
        ...

    def frontier_size(self, crawl_id: int, site: str) -> int:
        """URLs in the site's frontier for this crawl, visited or not."""
        ...

    def frontier_urls(self, crawl_id: int, site: str) -> list[str]:
        """Every URL in the site's frontier for this crawl, visited or not."""
        ...

    def known(self, site: str) -> list[KnownURL]:
        """Every URL of the site the archive has an answer for (the re-check candidates)."""
        ...

    def unqueued(self, crawl_id: int, urls: Sequence[str]) -> dict[str, KnownURL | None]:
        """Those of `urls` not yet in this crawl's frontier, each with what is known of it
        (None: never checked)."""
        ...

    def site_lists_dates(self, site: str) -> bool:
        """Does the site's sitemap or feed give dates (so lastmod may decide re-checks)?"""
        ...

    def body(self, sha256: str) -> bytes | None:
        """A body the archive keeps (a listing answered 304 is read again from it)."""
        ...

    def record_visit(self, crawl_id: int, visit: Visit) -> Recorded:
        """Record one visited URL, atomically."""
        ...
