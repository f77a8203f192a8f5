"""A small, polite client for a CDX server and its raw `id_` replay.

The Wayback Machine (https://web.archive.org/cdx/search/cdx, replay at /web/) is the default;
any server speaking the same API works with `--cdx`: a pywb collection (…/COLL/cdx, replay at
…/COLL/), Archive-It. One request at a time, `delay` seconds apart, Retry-After honoured on
429/503, exponential backoff on 5xx, timeouts and refused connections; when the service still
does not answer, `ServiceUnavailable` says so in one line and the caller stops (its progress is
in the database, so the next run goes on from there).

EDGI's `wayback` client was considered: it is built for web.archive.org (its URLs and rate
limits are fixed in the library), not for pointing at a pywb or a loopback test server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from archive.errors import ServiceUnavailable
from scraper.http import Politeness
from scraper.wire import retry_after_seconds

WAYBACK_CDX = "https://web.archive.org/cdx/search/cdx"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PAGE_ROWS = 5000  # CDX rows asked for at a time: a site's whole history comes in pages
# Asked of the server so that the Wayback Machine sends only answered pages, one row per
# change of content, not every crawl of them; servers that ignore them (pywb) send all, and
# the backfill's own choice (scraper.backfill.choose) applies the same rules anyway.
SERVER_FILTERS = [("filter", "statuscode:200"), ("filter", "mimetype:text/html"), ("collapse", "digest")]


@dataclass(frozen=True)
class CdxPoliteness:
    """How gently a web archive is asked; the defaults suit the Wayback Machine."""

    delay: float = 1.0  # seconds between two requests (one at a time)
    max_retries: int = 4
    backoff_base: float = 2.0  # first wait after a failure; doubles each retry
    max_retry_after: float = 300.0  # a Retry-After longer than this: give up for now
    timeout: float = 60.0
    max_body_bytes: int = Politeness().max_body_bytes
    user_agent: str = Politeness().user_agent


@dataclass(frozen=True)
class CdxRow:
    """One capture a CDX server lists."""

    timestamp: str  # 14 digits, UTC
    original: str
    status: str  # "200", "301" … or "-" (a revisit)
    mime: str
    digest: str


@dataclass(frozen=True)
class RawCapture:
    """The archived answer as it was: status, headers (lower-case names), body, capture time."""

    status: int
    headers: dict[str, str]
    body: bytes
    timestamp: str


def replay_base(cdx_url: str) -> str:
    """Where a CDX server's captures replay: Wayback's /cdx/search/cdx -> /web/, pywb's
    /COLL/cdx -> /COLL/.

    >>> replay_base("https://web.archive.org/cdx/search/cdx")
    'https://web.archive.org/web/'
    >>> replay_base("http://127.0.0.1:8080/arc/cdx")
    'http://127.0.0.1:8080/arc/'
    """
    base = cdx_url.split("?", 1)[0].rstrip("/")
    if base.endswith("/cdx/search/cdx"):
        return base[: -len("/cdx/search/cdx")] + "/web/"
    if base.endswith("/cdx"):
        return base[: -len("cdx")]
    return base + "/"


def parse_cdx(text: str) -> list[CdxRow]:
    """Rows of a CDX answer: Wayback's JSON (a header row, then rows), pywb's JSON lines, or
    the plain space-separated CDX format (urlkey timestamp original mime status digest …)."""
    return parse_cdx_page(text)[0]


def parse_cdx_page(text: str) -> tuple[list[CdxRow], str | None]:
    """The rows of one answer, and the resume key the server put after them, if any.

    Asked with `showResumeKey=true`, the Wayback Machine ends a page cut by `limit` with an
    empty row and a row holding the key (JSON), or a blank line and the key (plain text).
    """
    text = text.strip()
    if not text:
        return [], None
    if text.startswith("["):
        table = json.loads(text)
        key = None
        if len(table) >= 2 and table[-2] == [] and len(table[-1]) == 1:
            key, table = str(table[-1][0]), table[:-2]
        if not table:
            return [], key
        names = [str(n) for n in table[0]]
        return [_row(dict(zip(names, values, strict=False))) for values in table[1:]], key
    head, blank, tail = text.rpartition("\n\n")
    if blank and tail.strip() and " " not in tail.strip():
        return _plain_rows(head), tail.strip()
    return _plain_rows(text), None


def _plain_rows(text: str) -> list[CdxRow]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            rows.append(_row(json.loads(line)))
        elif line:
            parts = line.split(" ")
            if len(parts) < 6 or not parts[1].isdigit():
                raise ValueError(f"a line that is no CDX row: {line[:60]!r}")
            rows.append(CdxRow(parts[1], parts[2], parts[4], parts[3], parts[5]))
    return rows


def _row(fields: dict[str, Any]) -> CdxRow:
    if not str(fields.get("timestamp", "")).isdigit():
        raise ValueError("a row without a timestamp")
    return CdxRow(
        timestamp=str(fields.get("timestamp", "")),
        original=str(fields.get("original") or fields.get("url") or ""),
        status=str(fields.get("statuscode") or fields.get("status") or "-"),
        mime=str(fields.get("mimetype") or fields.get("mime") or ""),
        digest=str(fields.get("digest", "")),
    )


class CdxClient:
    """Lists a URL's captures and fetches their raw bytes, one polite request at a time."""

    def __init__(
        self,
        cdx_url: str = WAYBACK_CDX,
        politeness: CdxPoliteness = CdxPoliteness(),
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        page_rows: int = PAGE_ROWS,
    ) -> None:
        self.cdx_url = cdx_url
        self.page_rows = page_rows
        self.replay = replay_base(cdx_url)
        self.politeness = politeness
        self.requests = 0
        self._sleep = sleep
        self._last = float("-inf")
        self._client = httpx.Client(
            transport=transport,
            headers={"User-Agent": politeness.user_agent},
            timeout=politeness.timeout,
            follow_redirects=True,  # Wayback sends id_ to the nearest capture's own timestamp
        )

    def close(self) -> None:
        self._client.close()

    def captures(
        self, url: str, *, match_type: str = "exact", since: str | None = None,
        until: str | None = None,
    ) -> list[CdxRow]:
        """Every capture the server lists for `url` (or under it, match_type 'prefix').

        Asked `page_rows` at a time with a resume key, as the Wayback Machine wants a site's
        whole history to be asked for. A server that cuts the answer at `limit` but sends no key
        (pywb) is asked once more without a limit, for all of it.
        """
        params = [("url", url), ("matchType", match_type), ("output", "json"), *SERVER_FILTERS]
        if since:
            params.append(("from", since))
        if until:
            params.append(("to", until))
        paged = [*params, ("limit", str(self.page_rows)), ("showResumeKey", "true")]
        rows, key = self._cdx_page(paged)
        if key is None and len(rows) == self.page_rows:  # more than that: it ignored limit
            return self._cdx_page(params)[0]
        while key is not None:
            more, key = self._cdx_page([*paged, ("resumeKey", key)])
            rows += more
        return rows

    def _cdx_page(self, params: list[tuple[str, str]]) -> tuple[list[CdxRow], str | None]:
        response = self._get(self.cdx_url, params)
        if _is_html(response):
            # A web page, not a CDX answer: the address is no CDX server (a typo, a site's
            # own 404 page, a login wall). Said, never read as an empty history.
            raise ServiceUnavailable(
                f"{self.cdx_url} is not a CDX server (it answered {response.status_code} "
                "with an HTML page)"
            )
        if response.status_code == 404:
            return [], None  # pywb answers 404 (not HTML) for a URL it holds nothing of
        if response.status_code != 200:
            raise ServiceUnavailable(
                f"{self._host()} answered {response.status_code} to a CDX query"
            )
        try:
            return parse_cdx_page(response.text)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise ServiceUnavailable(
                f"{self.cdx_url} is not a CDX server (its answer is no CDX we can read: {exc})"
            ) from None

    def fetch(self, row: CdxRow) -> RawCapture | None:
        """The raw capture (`id_`: no rewriting, no banner); None when the archive has no body."""
        response = self._get(f"{self.replay}{row.timestamp}id_/{row.original}", None)
        if response.status_code != 200 or len(response.content) > self.politeness.max_body_bytes:
            return None
        stamp = _timestamp_in(str(response.url)) or row.timestamp
        return RawCapture(200, _original_headers(response), response.content, stamp)

    def _host(self) -> str:
        return urlsplit(self.cdx_url).netloc

    def _get(self, url: str, params: Sequence[tuple[str, str]] | None) -> httpx.Response:
        polite = self.politeness
        reason = ""
        gap = polite.delay
        for attempt in range(polite.max_retries + 1):
            self._wait(gap)
            self.requests += 1
            try:
                # No params for a replay URL: its own query (spip.php?article12) stays as it is.
                query = httpx.QueryParams(list(params)) if params else None
                response = self._client.get(url, params=query)
            except httpx.TransportError as exc:
                reason = type(exc).__name__
                wait = polite.backoff_base * 2**attempt
            else:
                if response.status_code not in _RETRY_STATUSES:
                    return response
                reason = f"HTTP {response.status_code}"
                asked = retry_after_seconds(response.headers.get("retry-after"))
                if asked is not None and asked > polite.max_retry_after:
                    raise ServiceUnavailable(
                        f"{self._host()} asks us to wait {asked:.0f} s ({reason}); try again later"
                    )
                wait = asked if asked is not None else polite.backoff_base * 2**attempt
            gap = max(polite.delay, wait)
        raise ServiceUnavailable(
            f"{self._host()} is not answering ({reason} after {polite.max_retries + 1} tries); "
            "try again later"
        )

    def _wait(self, seconds: float) -> None:
        # Measured from the previous request's start: one request at a time, `seconds` apart.
        pause = self._last + seconds - time.monotonic()
        if pause > 0:
            self._sleep(pause)
        self._last = time.monotonic()


def _is_html(response: httpx.Response) -> bool:
    ctype = response.headers.get("content-type", "").lower()
    return "html" in ctype or response.content.lstrip()[:1] == b"<"


def _timestamp_in(url: str) -> str | None:
    for part in urlsplit(url).path.split("/"):
        if part.endswith("id_") and part[:-3].isdigit() and len(part) >= 17:
            return part[:14]
    return None


def _original_headers(response: httpx.Response) -> dict[str, str]:
    """The archived response's headers: Wayback and pywb pass them as X-Archive-Orig-*; the
    replay's own Content-Type (and a few others) stand in where no original is passed."""
    original: dict[str, str] = {}
    own: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        name = name.lower()
        if name.startswith("x-archive-orig-"):
            into, name = original, name.removeprefix("x-archive-orig-")
        elif name in ("content-type", "content-language", "last-modified", "etag"):
            into = own
        else:
            continue
        if name not in ("content-length", "transfer-encoding", "content-encoding", "connection"):
            into[name] = f"{into[name]}, {value}" if name in into else value
    return {**own, **original}
