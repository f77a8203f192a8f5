"""Which links of a visited page go into the frontier: a pure function of the links, the page,
and the site's scope, so the crawl can run it in an extraction worker beside the page's
extraction instead of on the event loop (it was a fifth of the loop's time per page)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
