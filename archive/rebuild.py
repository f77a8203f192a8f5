"""`reextract`: rebuild every derived table from the stored captures, offline.

Raw captures are the archive's source of truth, so an improved extractor improves the whole
archive: pages, sections, translations and page_versions are rebuilt from the bodies the crawls
kept, through the same storage functions the crawl uses.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from archive.frontier import mark_gone
from archive.store import capture_body, save_extraction
from scraper.models import CaptureExtractor, is_html
from scraper.outcomes import PAGE_OUTCOMES


def reextract(
    db: Database, extract: CaptureExtractor
) -> dict[str, int]:
    """Rebuild pages, sections, translations and page_versions from stored captures, offline.

    `extract(body, url, headers, fetched_at)` gets each capture's body, page URL, response
    headers (lower-case names) and fetch time, as the crawl had them. Never commits: wrap it in `with db.conn:` so readers see the old archive until the new one
    is complete. Returns counts: pages (now in the archive), new, changed, unchanged (each page's
    latest content compared with before), removed (pages no capture rebuilds), failed
    (captures whose extraction raised).
    """
    conn = db.conn
    before: dict[str, tuple[str | None, str | None]] = {
        url: (site, digest)
        for url, site, digest in conn.execute(
            "SELECT p.url, p.site, (SELECT content_sha256 FROM page_versions v "
            "WHERE v.url = p.url ORDER BY version DESC LIMIT 1) FROM pages p"
        )
    }
    conn.execute("INSERT INTO pages_fts(pages_fts) VALUES ('delete-all')")
    conn.execute("INSERT INTO sections_fts(sections_fts) VALUES ('delete-all')")
    for table in ("page_versions", "translations", "sections", "pages"):
        conn.execute(f"DELETE FROM {table}")
    # A page lives at the end of its redirects (the crawl stores final_url normalised), and
    # only captures the crawl extracted are pages: not documents, feeds or off-site landings.
    captures = conn.execute(
        "SELECT id, coalesce(final_url, url) AS page_url, fetched_at, status, headers, "
        "sha256 FROM captures "
        f"WHERE outcome IS NULL OR outcome IN ({', '.join('?' * len(PAGE_OUTCOMES))}) "
        "ORDER BY page_url, fetched_at, id",
        sorted(PAGE_OUTCOMES),
    ).fetchall()
    failed = 0
    by_url: dict[str, list[tuple[Any, ...]]] = {}
    for row in captures:
        by_url.setdefault(row[1], []).append(row)
    for url, rows in by_url.items():
        site = _site_of(db, url, before.get(url, (None, None))[0])
        previous_sha = None
        for capture_id, _, fetched_at, status, headers_json, sha in rows:
            if status != 200 or sha is None or sha == previous_sha:
                continue
            body = capture_body(db, sha)
            headers = _headers(headers_json)
            if body is None or not is_html(headers.get("content-type"), body):
                continue
            previous_sha = sha
            try:
                page = extract(body, url, headers, fetched_at)
            except Exception:  # noqa: BLE001 - one bad capture must not stop the rebuild of the rest
                failed += 1
                continue
            save_extraction(db, page, capture_id, site, fetched_at)
        answered = [r for r in rows if r[3] is not None]
        if answered:
            newest = answered[-1]
            if newest[3] in (404, 410):
                mark_gone(db, url, newest[3], newest[2])
            seen = [r[2] for r in answered if r[3] in (200, 304)]
            if seen:
                conn.execute(
                    "UPDATE pages SET last_seen = ? WHERE url = ? AND last_seen < ?",
                    (seen[-1], url, seen[-1]),
                )
    # An unchanged check leaves no capture, only its time in `revisits`: a page still there.
    conn.execute(
        "UPDATE pages SET last_seen = (SELECT r.last_checked FROM revisits r WHERE r.url = pages.url) "
        "WHERE gone_at IS NULL AND EXISTS (SELECT 1 FROM revisits r WHERE r.url = pages.url "
        "AND r.last_checked > pages.last_seen)"
    )
    counts = {"pages": 0, "new": 0, "changed": 0, "unchanged": 0, "removed": 0, "failed": failed}
    now = {
        url: digest
        for url, digest in conn.execute(
            "SELECT p.url, (SELECT content_sha256 FROM page_versions v WHERE v.url = p.url "
            "ORDER BY version DESC LIMIT 1) FROM pages p"
        )
    }
    counts["pages"] = len(now)
    for url, digest in now.items():
        if url not in before:
            counts["new"] += 1
        elif before[url][1] != digest:
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1
    counts["removed"] = len(set(before) - set(now))
    return counts


def _headers(value: str | None) -> dict[str, str]:
    try:
        headers = json.loads(value or "{}")
    except ValueError:
        return {}
    return {str(k).lower(): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {}


def _site_of(db: Database, url: str, known: str | None) -> str:
    if known:
        return known
    row = db.conn.execute(
        "SELECT site FROM frontier WHERE url = ? ORDER BY crawl_id DESC LIMIT 1", (url,)
    ).fetchone()
    return str(row[0]) if row else (urlsplit(url).hostname or "")
