"""Which links of a visited page go into the frontier: a pure function of the links, the page,
and the site's scope, so the crawl can run it in an extraction worker beside the page's
extraction instead of on the event loop (it was a fifth of the loop's time per page)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .discover import is_discovery_url
from .store_protocol import QueuedURL
from .urls import in_scope, normalize_url, trap_reason, walks_a_sequence


def links_to_queue(
    links: Iterable[str], source: str, hosts: Sequence[str], depth: int, max_depth: int,
    found_on: str | None = None,
) -> list[QueuedURL]:
    """The links of a page worth visiting: in scope, not traps, not a step further into a
    sequence the page was reached by (urls.walks_a_sequence), within `max_depth`."""
    if depth + 1 > max_depth:
        return []
    # A calendar is entered, never walked: its first page linked from an ordinary page is
    # archived, the endless "next month" links from calendar pages are not followed.
    in_calendar = trap_reason(source) == "calendar"
    out: list[QueuedURL] = []
    for link in links:
        url = normalize_url(link)
        if not url or not in_scope(url, hosts):
            continue
        if walks_a_sequence(found_on, source, url):
            continue
        reason = trap_reason(url)
        if reason is None or (reason == "calendar" and not in_calendar):
            out.append((url, depth + 1, source))
    return out


@dataclass
class SiteBudget:
    """A site's room in one crawl's frontier, pages and listings (sitemaps, feeds) counted
    apart: a sitemap index naming 50,000 children takes the listings' room, never the pages'.

    `size` is every URL in the site's frontier, visited or not; `listings` the listing URLs
    among them, so the pages are the rest. Room is reserved before a visit's write is
    awaited (`reserve`), and settled once it is committed or failed (`settle`).
    """

    max_pages: int
    max_listings: int
    size: int = 0
    listings: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, max_pages: int, max_listings: int, frontier: Iterable[str]) -> SiteBudget:
        """The budget of a site whose frontier holds `frontier` (a resumed crawl's)."""
        urls = list(frontier)
        return cls(max_pages, max_listings, len(urls), {u for u in urls if is_discovery_url(u)})

    @property
    def pages(self) -> int:
        return self.size - len(self.listings)

    def reserve(self, queued: Sequence[QueuedURL]) -> tuple[tuple[QueuedURL, ...], set[str]]:
        """The URLs of `queued` there is room for, pages first, and the new listings among
        them; their room is held until `settle`."""
        pages = [q for q in queued if not is_discovery_url(q[0])]
        new: dict[str, QueuedURL] = {}
        for item in queued:
            if is_discovery_url(item[0]) and item[0] not in self.listings:
                new.setdefault(item[0], item)
        lists = list(new.values())[: max(0, self.max_listings - len(self.listings))]
        taken = (*pages[: max(0, self.max_pages - self.pages)], *lists)
        self.size += len(taken)
        fresh = {u for u, _, _ in lists}
        self.listings |= fresh
        return taken, fresh

    def settle(self, taken: Sequence[QueuedURL], fresh: set[str], added: int | None) -> None:
        """A visit's write is done: `added` URLs were new to the frontier (None: it failed)."""
        self.size -= len(taken)
        if added is None:
            self.listings -= fresh
        else:
            self.size += added

    def listings_room(self) -> int:
        return max(0, self.max_listings - len(self.listings))
