"""`import-warc`: the answers WARC files hold become captures of the archive, when trusted.

Heritrix, Browsertrix, `wget --warc-file`, pywb and our own `export-warc` write the same record
types; archive.warc_read reads them and says which records cannot be believed (cut short,
wrong digest, broken chunking). Here each believed record is checked against the rules the
crawler itself obeys (`ImportRules`: the site's scope, its trap rules, the robots.txt the file
holds) and stored through the same functions the crawl uses, so an imported page is a page
like any other. A capture is dated by its WARC-Date, its source is `warc:<file name>`.

Each file is one transaction: a file that fails half-way leaves nothing, and importing it
again adds nothing that is already held (same URL, date and body). A revisit of a 304 is an
unchanged check (the page's last_seen), not a capture. A redirect our export wrote for a
redirected fetch (the redirect record, then the answer naming it in WARC-Concurrent-To) is
one capture again, filed as the crawl filed it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from sqlite_utils import Database

from archive.frontier import mark_seen
from archive.ingest import Extract, remember_site, save_foreign_capture
from archive.store import capture_body
from archive.warc_read import Record, Skipped, WarcError, records
from scraper.models import Capture, Site

__all__ = ["ImportResult", "ImportRules", "WarcError", "archive_sites", "import_warcs"]


class ImportRules(Protocol):
    """What the crawler would have refused, asked of each record (scraper.webarchive)."""

    def site_for(self, url: str) -> Site | None:
        """The site a URL belongs to; None when the import does not cover it."""

    def refusal(self, url: str) -> str | None:
        """Why the crawler would not have fetched the URL (a trap, robots.txt), or None."""

    def learn_robots(self, url: str, body: bytes) -> None:
        """A robots.txt the file holds: its rules apply to the file's records of that host."""


@dataclass
class ImportResult:
    """What an import did, record by record."""

    captures: int = 0
    pages: dict[str, int] = field(default_factory=dict)  # outcome -> count
    duplicates: int = 0  # already in the archive
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> records not imported
    other: int = 0  # request, warcinfo, metadata, dns: … records
    new_sites: list[str] = field(default_factory=list)  # sites this import added

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    @property
    def out_of_scope(self) -> int:
        return self.skipped.get("other sites", 0)

    @property
    def unresolved(self) -> int:
        return self.skipped.get("revisit without its original", 0)

    def summary(self) -> str:
        outcomes = ", ".join(f"{n} {k}" for k, n in sorted(self.pages.items())) or "no pages"
        skipped = ", ".join(f"{n} {k}" for k, n in sorted(self.skipped.items())) or "none"
        return (
            f"import-warc: {self.captures} captures ({outcomes}); {self.duplicates} already "
            f"held; skipped: {skipped}; {self.other} other records"
        )

    def failure(self) -> str | None:
        """Why nothing at all was imported (one line), or None when something was."""
        if self.captures or self.duplicates or self.pages.get("unchanged"):
            return None
        if not self.skipped:
            return "import-warc: nothing imported: the files hold no HTTP responses"
        reason, count = max(self.skipped.items(), key=lambda kv: kv[1])
        hint = " (name the sites with --sites FILE [--site NAME])" if reason == "other sites" else ""
        return f"import-warc: nothing imported: {count} records skipped as {reason}{hint}"


def archive_sites(db: Database) -> list[Site]:
    """The sites the archive already holds, with all their hosts: the default import scope."""
    rows = db.conn.execute("SELECT name, host, hosts FROM sites ORDER BY name").fetchall()
    return [Site(name=str(name), hosts=_hosts(host, hosts), start_urls=()) for name, host, hosts in rows]


def _hosts(host: str, hosts: str | None) -> tuple[str, ...]:
    try:
        listed = [str(h) for h in json.loads(hosts or "[]")]
    except ValueError:
        listed = []
    return tuple(dict.fromkeys([str(host), *listed]))


class SitesOnly:
    """Rules that cover `sites` and refuse nothing else (the crawler's rules live in
    scraper.webarchive.ImportScope, which the commands use)."""

    def __init__(self, sites: Sequence[Site]) -> None:
        self.sites = list(sites)

    def site_for(self, url: str) -> Site | None:
        netloc = urlsplit(url).netloc.lower().rsplit("@", 1)[-1]
        bare = netloc.split(":")[0] if not netloc.startswith("[") else netloc
        return next((s for s in self.sites if netloc in s.hosts or bare in s.hosts), None)

    def refusal(self, url: str) -> str | None:
        return None

    def learn_robots(self, url: str, body: bytes) -> None:
        return None


def import_warcs(
    db: Database, paths: Iterable[Path], extract: Extract, rules: ImportRules | Sequence[Site]
) -> ImportResult:
    """Import the trusted answers of WARC files that `rules` covers and admits (a list of
    sites: their records, nothing refused).

    `extract(body, url, headers, fetched_at)` is the crawl's extraction. Each file is one
    transaction. Raises WarcError for a file that is not WARC or breaks off (nothing of that
    file is kept; the files before it are).
    """
    if isinstance(rules, Sequence):
        rules = SitesOnly(rules)
    result = ImportResult()
    digests: dict[str, str] = {}  # WARC payload digest -> sha256 of the body, across files
    known = {name for (name,) in db.conn.execute("SELECT name FROM sites")}
    for path in paths:
        with db.conn:  # one transaction per file: all of it or none of it
            _import_file(db, path, extract, rules, digests, known, result)
    return result


def _import_file(
    db: Database, path: Path, extract: Extract, rules: ImportRules, digests: dict[str, str],
    known: set[str], result: ImportResult,
) -> None:
    source = f"warc:{path.name}"
    hops: dict[str, Record] = {}  # redirect records a later answer may name as its first hop
    _learn_robots(path, rules)
    for item in records(path):
        if item is None:
            result.other += 1
            continue
        if isinstance(item, Skipped):
            result.skip(item.reason)
            continue
        site = rules.site_for(item.url)
        if site is None:
            result.skip("other sites")
            continue
        reason = rules.refusal(item.url)
        if reason is not None:
            result.skip(reason)
            continue
        if site.name not in known:
            remember_site(db, site)
            known.add(site.name)
            result.new_sites.append(site.name)
        if item.body is not None and 300 <= item.status < 400 and item.record_id:
            hops[item.record_id] = item  # stored at the end, unless an answer claims it
            continue
        chain = [hops.pop(r) for r in item.concurrent_to if r in hops]
        _store(db, item, chain, site, source, extract, digests, result)
    for hop in hops.values():
        site = rules.site_for(hop.url)
        if site is not None:
            _store(db, hop, [], site, source, extract, digests, result)


def _learn_robots(path: Path, rules: ImportRules) -> None:
    # robots.txt comes first in a crawl's WARC, but not always: read them all before.
    for item in records(path):
        if (isinstance(item, Record) and item.status == 200 and item.body is not None
                and item.url.split("?", 1)[0].endswith("/robots.txt")):
            rules.learn_robots(item.url, item.body)


def _body_of(db: Database, response: Record, digests: dict[str, str]) -> bytes | None:
    """A revisit's body: the earlier response with its payload digest, or the capture it names."""
    sha = digests.get(response.digest or "")
    if sha is None and response.refers_to is not None:
        url, date = response.refers_to
        row = db.conn.execute(
            "SELECT sha256 FROM captures WHERE (url = ? OR final_url = ?) AND fetched_at = ? "
            "AND sha256 IS NOT NULL", (url, url, date),
        ).fetchone()
        sha = row[0] if row else None
    return capture_body(db, sha) if sha else None


def _store(
    db: Database, response: Record, chain: list[Record], site: Site, source: str,
    extract: Extract, digests: dict[str, str], result: ImportResult,
) -> None:
    """Store one answer; `chain`: the redirect records it names, in order (its hops)."""
    first = chain[0] if chain else None
    if response.status == 304:
        # A revisit of a 304 (or a 304 answer): the page was checked and had not changed.
        mark_seen(db, response.url, response.date)
        result.pages["unchanged"] = result.pages.get("unchanged", 0) + 1
        return
    body = response.body if response.body is not None else _body_of(db, response, digests)
    if body is None:
        result.skip("revisit without its original")
        return
    capture = Capture(
        url=first.url if first else response.url,
        fetched_at=first.date if first else response.date,
        status=response.status,
        final_url=response.url if first else None,
        content_type=response.headers.get("content-type"),
        headers=response.headers,
        body=body,
        redirects=tuple((hop.url, hop.status, urljoin(hop.url, hop.headers.get("location", "")))
                        for hop in chain),
    )
    if response.digest and capture.sha256:
        digests[response.digest] = capture.sha256
    saved = save_foreign_capture(db, capture, site.name, source, extract)
    if saved is None:
        result.duplicates += 1
        return
    result.captures += 1
    result.pages[saved[1]] = result.pages.get(saved[1], 0) + 1
