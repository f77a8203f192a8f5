"""The reads behind the reader's pages: plain SQL over the tables DESIGN.md names.

Every function takes a sqlite3 connection (Datasette's read-only one, through
`execute_fn`) and returns plain dicts, so the routes stay thin and the SQL stays in one place.
Only the documented tables and columns are used: storage may change beneath them (a
page_versions view over compact storage, new columns on captures) without breaking this.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from archive import changes as change_classes
from archive import store

Row = dict[str, Any]
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
          ) -> list[Row]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
    found = _rows(conn, sql, params)
    return found[0] if found else None


def url_variants(url: str) -> list[str]:
    """The forms of an address that the crawler normalises alike, the address first: without
    its #fragment, with http for https and back, with and without a trailing slash, the host
    in lower case. Pure (archive/ keeps to scraper.models, so scraper.urls is not asked).

    >>> url_variants("HTTPS://ml.ambafrance.org/Visas/#top")[:4]
    ['HTTPS://ml.ambafrance.org/Visas/#top', 'https://ml.ambafrance.org/Visas/', 'http://ml.ambafrance.org/Visas/', 'https://ml.ambafrance.org/Visas']
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return [url]
    path = parts.path or "/"
    paths = [path, path.rstrip("/") or "/"] if path.endswith("/") else [path, path + "/"]
    schemes = ["https", "http"] if parts.scheme.lower() == "https" else ["http", "https"]
    out = [url]
    for p in paths:
        for scheme in schemes:
            out.append(urlunsplit((scheme, parts.netloc.lower(), p, parts.query, "")))
    return list(dict.fromkeys(out))


def url_candidates(url: str) -> list[str]:
    """The stored forms a reader's address may have: each of its variants (`url_variants`)
    as given and percent-encoded (an IRI shown decoded in a link comes back decoded)."""
    out: list[str] = []
    for variant in url_variants(url):
        encoded = _NON_ASCII.sub(lambda m: quote(m.group(0), safe=""), variant)
        out.extend((variant, encoded))
    return list(dict.fromkeys(out))


def find_page(conn: sqlite3.Connection, url: str) -> Row | None:
    """The `pages` row of a URL in any of its forms (the form given wins), or None."""
    candidates = url_candidates(url)
    marks = ", ".join("?" * len(candidates))
    found = {row["url"]: row for row in _rows(
        conn, f"SELECT * FROM pages WHERE url IN ({marks})", tuple(candidates))}
    return next((found[c] for c in candidates if c in found), None)


def sections(conn: sqlite3.Connection, url: str) -> list[Row]:
    return _rows(conn, "SELECT position, heading, level, text FROM sections "
                       "WHERE page_url = ? ORDER BY position", (url,))


def translations(conn: sqlite3.Connection, url: str, linked: str | None = None) -> list[Row]:
    """The page's translations with the archived title of each (None when not archived):
    today's, or those a version linked to (`linked`, its JSON object {language: url})."""
    if linked is None:
        return _rows(conn, "SELECT t.language, t.url, p.title, p.url IS NOT NULL AS archived "
                           "FROM translations t LEFT JOIN pages p ON p.url = t.url "
                           "WHERE t.page_url = ? ORDER BY t.language", (url,))
    return _rows(conn, "SELECT j.key AS language, j.value AS url, p.title, "
                       "p.url IS NOT NULL AS archived FROM json_each(?) j "
                       "LEFT JOIN pages p ON p.url = j.value ORDER BY j.key", (linked,))


def versions(conn: sqlite3.Connection, url: str) -> list[Row]:
    """Every version of the page, oldest first, without the bulky text."""
    return _rows(conn, "SELECT version, at, captured_at, title, published, modified, capture_id "
                       "FROM page_versions WHERE url = ? ORDER BY version", (url,))


def version(conn: sqlite3.Connection, url: str, number: int) -> Row | None:
    return _one(conn, "SELECT * FROM page_versions WHERE url = ? AND version = ?", (url, number))


def full_timestamp(at: str) -> str | None:
    """A Wayback-style timestamp of 4 to 14 digits made whole (the start of the period it
    names), or None when it is not one.

    >>> full_timestamp("201107"), full_timestamp("20110704100000"), full_timestamp("7/4")
    ('20110701000000', '20110704100000', None)
    """
    if not (at.isascii() and at.isdigit() and 4 <= len(at) <= 14):
        return None
    return at + "0101000000"[len(at) - 4:]


def version_at(conn: sqlite3.Connection, url: str, at: str) -> tuple[Row | None, bool]:
    """The version in force at time `at` (14 digits) and whether it was captured exactly then.

    In force: the latest version captured at or before `at` (of two captured in the same
    second, the later); before the first version, the first. An address taken from a version
    keeps showing it whatever older captures arrive later: they only ever add versions before
    it or move a version's start earlier.
    """
    row = _one(conn, "SELECT * FROM page_versions WHERE url = ? AND at <= ? "
                     "ORDER BY at DESC, version DESC LIMIT 1", (url, at))
    if row is None:
        row = _one(conn, "SELECT * FROM page_versions WHERE url = ? ORDER BY version LIMIT 1",
                   (url,))
    return row, row is not None and row["at"] == at


def page_captures(conn: sqlite3.Connection, url: str) -> list[Row]:
    """Every capture that belongs to the page at `url`, oldest first: the fetches of its
    address and those of the addresses that redirected to it (their `final_url`).

    The one answer to "which captures are this page's": the API, the page view, the feeds and
    the Memento and CDX routes all ask it here.
    """
    # SQLite answers the OR from the two indexes (captures_url, captures_final_url).
    return _rows(conn, "SELECT * FROM captures WHERE url = :url OR final_url = :url "
                       "ORDER BY fetched_at, id", {"url": url})


# What a check found, as the timeline says it, from a capture's outcome or a frontier state.
CHECK_KINDS = {"new": "fetched", "changed": "fetched", "unchanged": "unchanged",
               "not_modified": "unchanged", "gone": "gone", "failed": "failed",
               "document": "fetched", "redirect": "redirected", "skipped": "skipped"}


def checks(conn: sqlite3.Connection, url: str) -> Row:
    """Every check of the page, newest first, and what `revisits` counts of them.

    A check that brought a body or failed is a capture; an unchanged check (a 304, the same
    body, recorded compactly) is only its crawl's frontier state, dated by its crawl. Returns
    {"items": [{time, kind, outcome, status, capture_id, crawl_id, exact}], "last_checked",
    "checks", "changes"}; `exact` is False when only the crawl's time is known.
    """
    items: list[Row] = []
    crawls_with_capture = set()
    for c in page_captures(conn, url):
        crawls_with_capture.add(c.get("crawl_id"))
        kind = CHECK_KINDS.get(c.get("outcome") or "", "failed" if c.get("error") else "fetched")
        items.append({"time": c["fetched_at"], "kind": kind, "outcome": c.get("outcome"),
                      "status": c.get("status"), "error": c.get("error"),
                      "capture_id": c["id"], "crawl_id": c.get("crawl_id"), "exact": True})
    for f in _rows(conn, "SELECT f.crawl_id, f.state, coalesce(c.finished_at, c.started_at) "
                         "AS time FROM frontier f JOIN crawls c ON c.id = f.crawl_id "
                         "WHERE f.url = ? AND f.state IN ('unchanged', 'not_modified')",
                   (url,)):
        if f["crawl_id"] in crawls_with_capture:
            continue
        items.append({"time": f["time"], "kind": "unchanged", "outcome": f["state"],
                      "status": 304 if f["state"] == "not_modified" else None, "error": None,
                      "capture_id": None, "crawl_id": f["crawl_id"], "exact": False})
    items.sort(key=lambda i: (i["time"] or "", i["capture_id"] or 0), reverse=True)
    revisit = _one(conn, "SELECT last_checked, checks, changes FROM revisits WHERE url = ?",
                   (url,)) or {}
    last = max([revisit.get("last_checked") or "", *(i["time"] or "" for i in items)])
    return {"items": items, "last_checked": last or None,
            "checks": max(int(revisit.get("checks") or 0), len(items)),
            "changes": revisit.get("changes")}


def capture(conn: sqlite3.Connection, capture_id: int) -> Row | None:
    return _one(conn, "SELECT * FROM captures WHERE id = ?", (capture_id,))


def body(conn: sqlite3.Connection, sha256: str) -> bytes | None:
    """A capture's raw bytes, decompressed, read only through `store.capture_body`."""
    # capture_body accepts Datasette's plain read-only connection and knows the compression
    # (zlib, or zstd with a per-site dictionary).
    return store.capture_body(conn, sha256)


def first_crawls_cte() -> str:
    """SQL for `first_crawl(site, crawl_id)`: the crawl that first archived each site.

    A page first seen in that crawl was not *new*, it was the start of the archive.
    """
    return (
        "first_crawl AS (SELECT p.site, min(c.crawl_id) AS crawl_id FROM page_versions v "
        "JOIN pages p ON p.url = v.url JOIN captures c ON c.id = v.capture_id "
        "WHERE v.version = 1 GROUP BY p.site)"
    )


def changes(conn: sqlite3.Connection, site: str | None = None, url: str | None = None,
            limit: int = 100) -> list[Row]:
    """Changed, new and gone pages, newest first (for the feed and the home page)."""
    where = "WHERE (:site IS NULL OR p.site = :site) AND (:url IS NULL OR p.url = :url)"
    sql = f"""
    WITH {first_crawls_cte()}
    SELECT * FROM (
      SELECT 'changed' AS change, v.url, v.version, v.captured_at AS time, v.title,
             prev.title AS title_before, p.site, p.language, v.at, prev.at AS at_before
      FROM page_versions v
      JOIN page_versions prev ON prev.url = v.url AND prev.version = v.version - 1
      JOIN pages p ON p.url = v.url {where}
      UNION ALL
      SELECT 'new', v.url, v.version, v.captured_at, v.title, NULL, p.site, p.language,
             v.at, NULL
      FROM page_versions v JOIN pages p ON p.url = v.url
      JOIN captures c ON c.id = v.capture_id
      JOIN first_crawl f ON f.site = p.site
      {where} AND v.version = 1 AND coalesce(c.crawl_id, 0) > f.crawl_id
      UNION ALL
      SELECT 'gone', p.url, NULL, p.gone_at, p.title, NULL, p.site, p.language, NULL, NULL
      FROM pages p {where} AND p.gone_at IS NOT NULL
    ) ORDER BY time DESC, url LIMIT :limit
    """
    return _rows(conn, sql, {"site": site, "url": url, "limit": limit})


def _version_row(conn: sqlite3.Connection, url: str, at: str | None) -> Row | None:
    if at is None:
        return None
    return _one(conn, "SELECT title, text, sections, published, modified FROM page_versions "
                      "WHERE url = ? AND at = ? ORDER BY version DESC LIMIT 1", (url, at))


def classified(conn: sqlite3.Connection, found: list[Row]) -> list[Row]:
    """`changes` rows with each change's class, label, size and significance
    (archive/changes.py): a changed page's two versions compared."""
    for row in found:
        if row["change"] == "changed":
            result = change_classes.classify(_version_row(conn, row["url"], row["at_before"]),
                                             _version_row(conn, row["url"], row["at"]))
        else:
            result = change_classes.Change(row["change"], 0, 0.0)
        row.update(kind=result.kind, kind_label=result.label, size=result.size,
                   share=result.share, significant=result.significant)
    return found


def significant_changes(conn: sqlite3.Connection, site: str | None = None,
                        url: str | None = None, limit: int = 100,
                        significant_only: bool = True) -> list[Row]:
    """The latest `limit` changes, classified; only the significant ones unless asked."""
    if not significant_only:
        return classified(conn, changes(conn, site, url, limit))
    kept: list[Row] = []
    batch = limit * 4
    while True:
        found = classified(conn, changes(conn, site, url, batch))
        kept = [row for row in found if row["significant"]]
        if len(kept) >= limit or len(found) < batch:
            return kept[:limit]
        batch *= 4


def site_exists(conn: sqlite3.Connection, site: str) -> bool:
    """Whether `site` names a configured site or the site of an archived page."""
    return _one(conn, "SELECT 1 AS x FROM sites WHERE name = ? UNION ALL "
                      "SELECT 1 FROM pages WHERE site = ? LIMIT 1", (site, site)) is not None


def summary(conn: sqlite3.Connection) -> Row:
    """What the archive holds, for its first screen."""
    row = _one(conn, """
        SELECT (SELECT count(*) FROM sites) AS sites,
               (SELECT count(DISTINCT site) FROM pages) AS archived_sites,
               (SELECT count(*) FROM pages) AS pages,
               (SELECT count(*) FROM page_versions) AS versions,
               (SELECT count(*) FROM captures) AS captures,
               (SELECT min(published) FROM pages) AS first_published,
               (SELECT max(published) FROM pages) AS last_published,
               (SELECT min(first_seen) FROM pages) AS first_seen,
               (SELECT max(last_seen) FROM pages) AS last_seen
    """)
    assert row is not None  # an aggregate always answers one row
    row["languages"] = _rows(conn, "SELECT language, count(*) AS pages FROM pages "
                                   "WHERE language IS NOT NULL GROUP BY language "
                                   "ORDER BY pages DESC, language")
    row["per_site"] = _rows(conn, "SELECT site, count(*) AS pages FROM pages "
                                  "GROUP BY site ORDER BY pages DESC, site LIMIT 20")
    return row


def published_per_month(conn: sqlite3.Connection) -> list[Row]:
    """Pages published per month (YYYY-MM) and language, in order."""
    return _rows(conn, "SELECT substr(published, 1, 7) AS month, language, count(*) AS pages "
                       "FROM pages WHERE published IS NOT NULL AND length(published) >= 7 "
                       "GROUP BY month, language ORDER BY month, language")
