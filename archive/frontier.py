"""The crawl's side of the archive: sites, crawls, the frontier, validators, seen and gone.

Plain functions, `db` (a sqlite_utils.Database) first, that never commit: the caller
(`archive.crawlstore.SqliteCrawlStore`) wraps all the writes for one URL in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from scraper.models import Site, utc_now
from scraper.outcomes import COUNT_COLUMN, Outcome

# Frontier states of a visit recorded compactly, without a capture: the outcome itself.
COMPACT_STATES = (Outcome.NOT_MODIFIED.value, Outcome.UNCHANGED.value, Outcome.DOCUMENT.value)
COUNT_KEYS = ("fetched", "new", "changed", "unchanged", "failed", "documents", "gone", "skipped")


# --- sites and crawls -------------------------------------------------------------------


def save_site(db: Database, site: Site) -> None:
    """Insert or update a site's row, keyed by its name (as pages.site holds it)."""
    db.conn.execute(
        "INSERT INTO sites(name, host, hosts, country, languages) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET host = excluded.host, hosts = excluded.hosts, "
        "country = excluded.country, languages = excluded.languages",
        (site.name, site.hosts[0], json.dumps(list(site.hosts)), site.country,
         json.dumps(list(site.languages))),
    )


def start_crawl(db: Database, sites: list[str]) -> int:
    """A new running crawl of these site names; returns its id."""
    cur = db.conn.execute(
        "INSERT INTO crawls(started_at, status, sites) VALUES (?, 'running', ?)",
        (utc_now(), json.dumps(list(sites), ensure_ascii=False)),
    )
    return int(cur.lastrowid or 0)


def _unfinished(db: Database) -> list[tuple[int, str, list[str]]]:
    """(id, status, site names) of every crawl that did not finish, newest first."""
    rows = db.conn.execute(
        "SELECT id, status, sites FROM crawls WHERE status IN ('running', 'interrupted') "
        "ORDER BY id DESC"
    )
    return [(int(i), status, list(json.loads(sites or "[]"))) for i, status, sites in rows]


def resumable_crawl(db: Database, sites: Iterable[str]) -> int | None:
    """The latest unfinished crawl of exactly these site names (interrupted, paused at its
    time budget, or still marked running: killed), or None. A crawl of other sites never
    resumes it: its frontier waits for a crawl of its own sites.

    >>> db = Database(memory=True); _ = db.execute("CREATE TABLE crawls (id INTEGER PRIMARY "
    ...     "KEY, started_at TEXT, status TEXT, sites TEXT)")
    >>> x, y = start_crawl(db, ["x"]), start_crawl(db, ["y", "x"])
    >>> resumable_crawl(db, ["x"]) == x, resumable_crawl(db, ["x", "y"]) == y
    (True, True)
    >>> resumable_crawl(db, ["y"]) is None
    True
    """
    wanted = sorted(set(sites))
    return next((i for i, _, names in _unfinished(db) if sorted(set(names)) == wanted), None)


def waiting_crawls(db: Database, sites: Iterable[str]) -> list[tuple[int, list[str]]]:
    """(id, site names) of the unfinished crawls of other sites, oldest first: left waiting."""
    wanted = sorted(set(sites))
    return sorted((i, names) for i, _, names in _unfinished(db) if sorted(set(names)) != wanted)


def interrupt_crawl(db: Database, crawl_id: int, counts: dict[str, int]) -> None:
    """Mark a crawl interrupted with its counts so far; its frontier is kept for the resume
    (a crawl of the same sites), which finishes it with the counts of the whole crawl."""
    values = [int(counts.get(key, 0)) for key in COUNT_KEYS]
    db.conn.execute(
        "UPDATE crawls SET status = 'interrupted', finished_at = ?, "
        + ", ".join(f"{key} = ?" for key in COUNT_KEYS)
        + " WHERE id = ?",
        (utc_now(), *values, crawl_id),
    )


def resume_crawl(db: Database, crawl_id: int) -> None:
    """An unfinished crawl runs again."""
    db.conn.execute(
        "UPDATE crawls SET status = 'running', finished_at = NULL WHERE id = ?", (crawl_id,)
    )


def mark_killed(db: Database) -> int:
    """Crawls still marked running when the crawl lock is ours were killed: mark them
    interrupted (their counts are their frontier's). -> how many."""
    killed = [i for i, status, _ in _unfinished(db) if status == "running"]
    for crawl_id in killed:
        interrupt_crawl(db, crawl_id, crawl_counts(db, crawl_id))
    return len(killed)


def finish_crawl(db: Database, crawl_id: int, status: str, counts: dict[str, int]) -> None:
    """Close a crawl with its status and counts."""
    values = [int(counts.get(key, 0)) for key in COUNT_KEYS]
    db.conn.execute(
        "UPDATE crawls SET status = ?, finished_at = ?, "
        + ", ".join(f"{key} = ?" for key in COUNT_KEYS)
        + " WHERE id = ?",
        (status, utc_now(), *values, crawl_id),
    )


def crawl_counts(db: Database, crawl_id: int) -> dict[str, int]:
    """Counts of a crawl recomputed from its captures; `fetched` is every attempt not skipped."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    rows = db.conn.execute(
        "SELECT outcome, count(*) FROM captures WHERE crawl_id = ? GROUP BY outcome", (crawl_id,)
    )
    # Unchanged checks leave no capture, only their frontier row's state (see frontier_done).
    compact = db.conn.execute(
        "SELECT state, count(*) FROM frontier WHERE crawl_id = ? AND state IN (?, ?, ?) "
        "GROUP BY state",
        (crawl_id, *COMPACT_STATES),
    )
    for outcome, n in [*rows, *compact]:
        key = COUNT_COLUMN.get(outcome or "")
        if key:
            counts[key] += n
        if outcome != Outcome.SKIPPED:
            counts["fetched"] += n
    return counts


def prune_frontier(db: Database, crawl_id: int) -> None:
    """Drop a finished crawl's frontier rows that no capture needs (unchanged checks, robots
    refusals): each capture keeps its row, which says the site it was fetched for."""
    db.conn.execute(
        "DELETE FROM frontier WHERE crawl_id = ? AND NOT EXISTS (SELECT 1 FROM captures c "
        "WHERE c.crawl_id = frontier.crawl_id AND c.url = frontier.url)",
        (crawl_id,),
    )


# --- frontier ---------------------------------------------------------------------------


def frontier_add(
    db: Database, crawl_id: int, site: str, urls: Iterable[tuple[str, int, str | None]]
) -> int:
    """Queue (url, depth, found_on) rows; URLs already in this crawl's frontier are ignored.

    Returns how many were new.
    """
    added = 0
    for url, depth, found_on in urls:
        cur = db.conn.execute(
            "INSERT OR IGNORE INTO frontier(crawl_id, url, site, depth, found_on, state) "
            "VALUES (?, ?, ?, ?, ?, 'queued')",
            (crawl_id, url, site, depth, found_on),
        )
        added += cur.rowcount
    return added


def frontier_queued(
    db: Database, crawl_id: int, site: str, limit: int
) -> list[tuple[str, int, str | None]]:
    """Up to `limit` queued (url, depth, found_on) of a site, oldest first."""
    # rowid order is insertion order: first in, first out, so the crawl goes breadth first.
    rows = db.conn.execute(
        "SELECT url, depth, found_on FROM frontier WHERE crawl_id = ? AND site = ? "
        "AND state = 'queued' ORDER BY rowid LIMIT ?",
        (crawl_id, site, limit),
    )
    return [(url, int(depth), found_on) for url, depth, found_on in rows]


def frontier_done(db: Database, crawl_id: int, url: str, state: str) -> None:
    """Mark a frontier URL visited: 'done', 'failed', 'skipped' (nothing fetched), or for an
    unchanged check recorded without a capture its outcome (one of COMPACT_STATES)."""
    db.conn.execute(
        "UPDATE frontier SET state = ? WHERE crawl_id = ? AND url = ?", (state, crawl_id, url)
    )


def frontier_size(db: Database, crawl_id: int, site: str) -> int:
    """How many URLs a site's frontier holds in this crawl, visited or not."""
    row = db.conn.execute(
        "SELECT count(*) FROM frontier WHERE crawl_id = ? AND site = ?", (crawl_id, site)
    ).fetchone()
    return int(row[0])


def known_urls(db: Database, site: str) -> list[str]:
    """Every URL of that site that was ever captured with an answer (the re-check list)."""
    rows = db.conn.execute(
        "SELECT DISTINCT c.url FROM captures c JOIN frontier f "
        "ON f.crawl_id = c.crawl_id AND f.url = c.url "
        "WHERE f.site = ? AND c.status IS NOT NULL "
        "UNION SELECT url FROM pages WHERE site = ? ORDER BY 1",
        (site, site),
    )
    return [row[0] for row in rows]


# --- what the crawl knows of a page -----------------------------------------------------


def last_validators(db: Database, url: str) -> dict[str, Any] | None:
    """ETag, Last-Modified and sha256 of the URL's latest 200 capture, or None."""
    row = db.conn.execute(
        "SELECT etag, last_modified, sha256 FROM captures WHERE url = ? AND status = 200 "
        "ORDER BY fetched_at DESC, id DESC LIMIT 1",
        (url,),
    ).fetchone()
    if row is None:
        return None
    return {"etag": row[0], "last_modified": row[1], "sha256": row[2]}


def mark_seen(db: Database, url: str, when: str) -> None:
    """A page answered unchanged: it is still there."""
    db.conn.execute(
        "UPDATE pages SET last_seen = ?, gone_at = NULL, gone_status = NULL WHERE url = ?",
        (when, url),
    )


def mark_gone(db: Database, url: str, status: int, when: str) -> None:
    """A page answered 404/410: record when it went, keep its content."""
    # The first time it was found gone is kept; the page itself never is deleted.
    db.conn.execute(
        "UPDATE pages SET gone_at = ?, gone_status = ? WHERE url = ? AND gone_at IS NULL",
        (when, status, url),
    )
