"""Frozen records shared by `scraper` and `archive`: they become rows only at the storage edge."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any


def utc_now() -> str:
    """Now as the archive writes times: ISO 8601, UTC, to the second (2026-11-28T15:58:36Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_html(content_type: str | None, body: bytes) -> bool:
    """Is this answer a web page (to extract), rather than a document or a feed?"""
    ctype = (content_type or "").split(";")[0].strip().lower()
    return ctype in ("text/html", "application/xhtml+xml") or (
        not ctype and b"<html" in body[:2048].lower()
    )


@dataclass(frozen=True)
class Section:
    """A run of body text under one heading; the text before the first heading has heading None."""

    heading: str | None
    level: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"heading": self.heading, "level": self.level, "text": self.text}


@dataclass(frozen=True)
class Page:
    """What `extract_page(html, url)` finds in one HTML page."""

    url: str
    title: str | None = None
    breadcrumb: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    text: str = ""
    published: date | None = None
    modified: date | None = None
    language: str | None = None
    translations: dict[str, str] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    # How the fields were found: the profile's name ("ambafrance", "spip", …) or "generic".
    extractor: str = "generic"
    # The language the page declares (html lang, Content-Language …) and the one py3langid
    # reads in the body; kept apart so that a disagreement is recorded, not hidden.
    language_declared: str | None = None
    language_detected: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, dates as YYYY-MM-DD."""
        return {
            "url": self.url,
            "title": self.title,
            "breadcrumb": list(self.breadcrumb),
            "sections": [s.to_dict() for s in self.sections],
            "text": self.text,
            "published": self.published.isoformat() if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "language": self.language,
            "translations": dict(self.translations),
            "links": list(self.links),
            "extractor": self.extractor,
            "language_declared": self.language_declared,
            "language_detected": self.language_detected,
        }


@dataclass(frozen=True)
class Site:
    """One configured site: an entry of sites.yml, or a seed URL's host."""

    name: str
    hosts: tuple[str, ...]
    start_urls: tuple[str, ...]
    country: str | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Capture:
    """One fetch attempt that got an answer or failed.

    `status` is the HTTP status (None when no answer came); `error` says why a fetch failed
    (timeout, reset, too large, redirect loop, refused address, robots …).
    """

    url: str
    fetched_at: str  # ISO 8601, UTC, e.g. 2026-11-28T15:58:36Z
    status: int | None = None
    error: str | None = None
    final_url: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    elapsed_ms: int | None = None
    # Each redirect answered on the way, in order: (address, status, where it pointed).
    redirects: tuple[tuple[str, int, str], ...] = ()

    @cached_property
    def sha256(self) -> str | None:
        # Computed once: the crawl compares it and the store files the body under it.
        return hashlib.sha256(self.body).hexdigest() if self.body is not None else None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def is_html(self) -> bool:
        return self.body is not None and is_html(self.content_type, self.body)


# How the archive side extracts a stored capture (reextract, WARC import, Wayback backfill):
# `extract(body, page_url, headers, fetched_at)`, as `scraper.extraction.extract_capture` does
# with `extract_page` bound (`functools.partial`).
CaptureExtractor = Callable[[bytes, str, dict[str, str], str], Page]
