"""One page's extraction from a capture, as the crawl, `reextract` and the imports all make it.

Where the crawl runs it (worker processes, off the event loop) is scraper/workers.py.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from scraper.models import Page


class Extractor(Protocol):
    """`extract_page` as the crawl calls it: body, URL and what the response headers said."""

    def __call__(
        self, html: bytes, url: str, *, content_type: str | None = None,
        content_language: str | None = None, today: date | None = None,
    ) -> Page: ...


def extract_capture(
    extract: Extractor, body: bytes, url: str, headers: dict[str, str],
    fetched_at: str | None = None,
) -> Page:
    """One page's extraction from a capture: the crawl, `reextract` and the WARC and Wayback
    imports all go through here, so they always see a page the same way.

    `fetched_at` (ISO 8601) is the capture's time: its day is the extractor's "today" (no page
    was published after it was fetched), so re-extracting a capture gives the same dates
    whenever it is done.
    """
    return extract(
        body,
        url,
        content_type=headers.get("content-type"),
        content_language=headers.get("content-language"),
        today=date.fromisoformat(fetched_at[:10]) if fetched_at else None,
    )
