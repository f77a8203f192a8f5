"""Captures out to and in from the web-archiving world, from Python (the CLI is a thin layer).

    from archive import open_archive
    from scraper.backfill import BackfillOptions
    from scraper.webarchive import backfill, export_warc, import_warcs, site_of_url

    with open_archive("archive.db", lock=True) as archive:
        print(export_warc(archive, Path("ml.warc.gz"), site="ml", wacz=True).summary())
        print(import_warcs(archive, [Path("heritrix.warc.gz")]).summary())
        site = site_of_url(archive, "https://ml.ambafrance.org/")
        print(backfill(archive, site, options=BackfillOptions(from_year=2010)).summary())

Errors are named in the one tree of archive/errors.py: `ExportError`, `WarcError` (a file that
is not WARC), `ServiceUnavailable` (the web archive cannot be used now).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from protego import Protego

from archive import warc, warc_import
from archive.api import Archive
from archive.ingest import BackfillQueue, remember_site

from .backfill import BackfillOptions, BackfillResult, run_backfill
from .cdx import WAYBACK_CDX, CdxClient, CdxPoliteness
from .crawl import extract_capture, site_for_url
from .extract import extract_page
from .models import Site
from .robots import ROBOTS_MAX_BYTES, ROBOTS_TOKEN
from .urls import in_scope, normalize_url, trap_reason

EXTRACT = partial(extract_capture, extract_page)


def export_warc(
    archive: Archive, out: Path, *, site: str | None = None, since: str | None = None,
    wacz: bool = False,
) -> warc.ExportResult:
    """Write the archive's captures to OUT (WARC/1.1); with `wacz`, pack a WACZ beside it.

    OUT ending in .wacz is the WACZ itself (its WARC is written beside it, .warc.gz).
    """
    warc_path = out.with_suffix(".warc.gz") if out.suffix == ".wacz" else out
    result = warc.export_warc(archive.db, warc_path, site=site, since=since)
    if wacz or out.suffix == ".wacz":
        target = out if out.suffix == ".wacz" else out.with_name(_stem(out.name) + ".wacz")
        warc.pack_wacz(archive.db, result, target)
    return result


def _stem(name: str) -> str:
    for suffix in (".warc.gz", ".warc", ".gz"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class ImportScope:
    """The crawler's rules, applied to a WARC's records (archive.warc_import.ImportRules).

    Scope: the sites given (they narrow the import to themselves), else the archive's sites,
    then a site per new host (as a seed URL's host makes one). Refused as the crawler refuses:
    trap URLs (scraper.urls.trap_reason), URLs the file's own robots.txt disallows, and a
    calendar walked past its first page (one calendar page per path is entered, never walked).
    """

    def __init__(self, given: Sequence[Site], known: Sequence[Site]) -> None:
        self.sites = list(given) or list(known)
        self.narrowed = bool(given)
        self.robots: dict[str, Protego] = {}
        self.calendars: dict[tuple[str, str], str] = {}  # (host, path) -> the page entered

    def site_for(self, url: str) -> Site | None:
        for site in self.sites:
            if in_scope(url, site.hosts):
                return site
        if self.narrowed or not urlsplit(url).hostname:
            return None
        site = site_for_url(url)
        self.sites.append(site)
        return site

    def refusal(self, url: str) -> str | None:
        parts = urlsplit(url)
        rules = self.robots.get(parts.netloc.lower())
        if rules is not None and not rules.can_fetch(url, ROBOTS_TOKEN):
            return "robots.txt"
        reason = trap_reason(url)
        if reason == "calendar":
            entered = self.calendars.setdefault((parts.netloc.lower(), parts.path), url)
            return None if entered == url else "calendar"
        return reason

    def learn_robots(self, url: str, body: bytes) -> None:
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
        self.robots[urlsplit(url).netloc.lower()] = Protego.parse(text)


def import_warcs(
    archive: Archive, files: Sequence[Path], sites: Sequence[Site] = ()
) -> warc_import.ImportResult:
    """Import WARC files: records of `sites` when given, else of any host (the archive's
    sites first, a new site per new host); what the crawler would refuse is skipped."""
    scope = ImportScope(sites, warc_import.archive_sites(archive.db))
    return warc_import.import_warcs(archive.db, files, EXTRACT, scope)


def site_of_url(archive: Archive, url: str) -> Site:
    """The archive's site a URL belongs to, or a site of its own host."""
    for site in warc_import.archive_sites(archive.db):
        if in_scope(url, site.hosts):
            return site
    return site_for_url(url)


def backfill(
    archive: Archive,
    site: Site,
    *,
    urls: Sequence[str] = (),
    cdx_url: str = WAYBACK_CDX,
    delay: float = CdxPoliteness().delay,
    options: BackfillOptions | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> BackfillResult:
    """A site's (or some of its pages') history from a CDX server, stored as captures.

    Backoff after a failure starts at `delay` (at least 0.2 s) and doubles.
    """
    politeness = CdxPoliteness(delay=delay, backoff_base=max(delay, 0.2))
    client = CdxClient(cdx_url, politeness)
    store = BackfillQueue(archive.db)
    with archive.db.conn:
        remember_site(archive.db, site)  # its pages are filed under it: the archive knows it now
    pages = [normalize_url(u) or u for u in urls]
    try:
        return run_backfill(store, client, site, EXTRACT, urls=pages,
                            options=options or BackfillOptions(), progress=progress)
    finally:
        client.close()
