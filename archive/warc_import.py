"""`import-warc`: response and revisit records of WARC files become captures of the archive.

Heritrix, Browsertrix, `wget --warc-file` and our own `export-warc` all write the same record
types; what differs is small and handled here: target URIs in angle brackets (older wget),
chunked or gzip-encoded payloads (warcio's content stream decodes both), revisit records that
point at a response by payload digest or by URI and date. A capture is dated by its WARC-Date,
its source is `warc:<file name>`, and it is stored and extracted through the same functions the
crawl uses, so an imported page is a page like any other. Importing the same file twice adds
nothing: a capture already held (same URL, date and body) is skipped. A WACZ is read as the
WARC files under its archive/ folder.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from sqlite_utils import Database
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.ingest import Extract, remember_site, save_foreign_capture
from archive.store import capture_body
from scraper.models import Capture, Site

BATCH = 200  # records per transaction: a killed import keeps most of its work, and resumes


class WarcError(Exception):
    """A file that cannot be read as WARC; the message names it, in one line."""


@dataclass
class ImportResult:
    """What an import did, record by record."""

    captures: int = 0
    pages: dict[str, int] = field(default_factory=dict)  # outcome -> count
    duplicates: int = 0  # already in the archive
    out_of_scope: int = 0  # records of sites not covered
    unresolved: int = 0  # revisits whose original body is in no file nor the archive
    other: int = 0  # request, warcinfo, metadata, resource, dns: … records

    def summary(self) -> str:
        outcomes = ", ".join(f"{n} {k}" for k, n in sorted(self.pages.items())) or "no pages"
        return (
            f"import-warc: {self.captures} captures ({outcomes}); {self.duplicates} already "
            f"held, {self.out_of_scope} of other sites, {self.unresolved} revisits without "
            f"their original, {self.other} other records"
        )


@dataclass(frozen=True)
class _Response:
    url: str
    date: str
    status: int
    headers: dict[str, str]
    body: bytes | None  # None: a revisit, resolved through `digest` or `refers_to`
    digest: str | None
    refers_to: tuple[str, str] | None = None


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


def import_warcs(
    db: Database, paths: Iterable[Path], extract: Extract, sites: list[Site]
) -> ImportResult:
    """Import the response and revisit records of WARC files whose URL is on one of `sites`.

    `extract(body, url, headers, fetched_at)` is the crawl's extraction (see `scraper.crawl.extract_capture`).
    Commits every BATCH records. Raises WarcError for a file that is not WARC, or breaks off
    (the records read whole before stay: importing it again skips them).
    """
    result = ImportResult()
    digests: dict[str, str] = {}  # WARC payload digest -> sha256 of the body, across files
    covered: set[str] = set()
    for path in paths:
        source = f"warc:{path.name}"
        pending = 0
        try:
            for response in _responses(path, result):
                site = _site_for(response.url, sites)
                if site is None:
                    result.out_of_scope += 1
                    continue
                if site.name not in covered:
                    remember_site(db, site)
                    covered.add(site.name)
                _store(db, response, site, source, extract, digests, result)
                pending += 1
                if pending >= BATCH:
                    db.conn.commit()
                    pending = 0
        except WarcError:
            db.conn.commit()  # raised between records: those read whole are kept
            raise
        except BaseException:
            db.conn.rollback()  # an interrupted record is not kept half; a rerun redoes it
            raise
        db.conn.commit()
    return result


def _check_start(name: str, fh: IO[bytes]) -> None:
    """warcio reads almost anything as an ARC file: a WARC (or ARC) begins with its magic."""
    head = fh.read(2)
    fh.seek(0)
    try:
        if head == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=fh) as unzipped:
                start = unzipped.read(16)
        else:
            start = fh.read(16)
    except (OSError, EOFError) as exc:
        raise WarcError(f"{name} is not a readable WARC file ({exc})") from None
    fh.seek(0)
    if not start.startswith((b"WARC/", b"filedesc://")):
        raise WarcError(f"{name} is not a WARC file (it does not begin with a WARC record)")


def _warc_streams(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """The WARC file itself, or each WARC inside a WACZ (Browsertrix's usual output)."""
    if not zipfile.is_zipfile(path):
        with path.open("rb") as fh:
            yield str(path), fh
        return
    with zipfile.ZipFile(path) as wacz:
        names = [n for n in wacz.namelist() if n.startswith("archive/")
                 and n.endswith((".warc", ".warc.gz"))]
        if not names:
            raise WarcError(f"{path} is a zip file without WARC files under archive/ (not a WACZ)")
        for name in sorted(names):
            with wacz.open(name) as member:  # read in place, streaming: WARCs can be large
                yield f"{path}:{name}", member


def _responses(path: Path, result: ImportResult) -> Iterator[_Response]:
    try:
        for name, fh in _warc_streams(path):
            _check_start(name, fh)
            for record in ArchiveIterator(fh, arc2warc=True):
                response = _response(record)
                if response is None:
                    result.other += 1
                else:
                    yield response
    except OSError as exc:
        raise WarcError(f"cannot read {path}: {exc.strerror or exc}") from None
    except zipfile.BadZipFile as exc:
        raise WarcError(f"{path} is a damaged WACZ ({exc})") from None
    except ArchiveLoadFailed as exc:
        raise WarcError(f"{path} is not a readable WARC file ({exc.msg})") from None


def _response(record: Any) -> _Response | None:
    """A response or revisit record with an HTTP answer, as plain data; None for the rest."""
    kind = record.rec_type
    if kind not in ("response", "revisit") or record.http_headers is None:
        return None
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    status = _status(record.http_headers.get_statuscode())
    if status is None:
        return None
    headers: dict[str, str] = {}
    for name, value in record.http_headers.headers:
        # Our export (and pywb) rename the wire's headers that no longer apply to the body.
        name = name.lower().removeprefix("x-archive-orig-")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    # The body is kept decoded, as the crawl keeps it: the wire's framing no longer applies.
    for wire in ("transfer-encoding", "content-encoding", "content-length"):
        headers.pop(wire, None)
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    date = _warc_date(record.rec_headers.get_header("WARC-Date") or "")
    if kind == "revisit":
        refers = record.rec_headers.get_header("WARC-Refers-To-Target-URI")
        refers_date = record.rec_headers.get_header("WARC-Refers-To-Date")
        target = (refers.strip("<>"), _warc_date(refers_date)) if refers and refers_date else None
        return _Response(url, date, status, headers, None, digest, target)
    return _Response(url, date, status, headers, record.content_stream().read(), digest)


def _status(code: str | None) -> int | None:
    try:
        return int(code or "")
    except ValueError:
        return None


def _warc_date(value: str) -> str:
    """WARC-Date as the archive writes times: to the second, UTC (fractions dropped)."""
    value = value.strip()
    return value[:19] + "Z" if len(value) >= 19 else value


def _site_for(url: str, sites: list[Site]) -> Site | None:
    netloc = urlsplit(url).netloc.lower()
    host = netloc.rsplit("@", 1)[-1]
    bare = host.split(":")[0] if not host.startswith("[") else host
    for site in sites:
        if host in site.hosts or bare in site.hosts:
            return site
    return None


def _body_of(db: Database, response: _Response, digests: dict[str, str]) -> bytes | None:
    """A revisit's body: the earlier response with its payload digest, or the capture it names."""
    sha = digests.get(response.digest or "")
    if sha is None and response.refers_to is not None:
        url, date = response.refers_to
        row = db.conn.execute(
            "SELECT sha256 FROM captures WHERE url = ? AND fetched_at = ? AND sha256 IS NOT NULL",
            (url, date),
        ).fetchone()
        sha = row[0] if row else None
    return capture_body(db, sha) if sha else None


def _store(
    db: Database,
    response: _Response,
    site: Site,
    source: str,
    extract: Extract,
    digests: dict[str, str],
    result: ImportResult,
) -> None:
    body = response.body if response.body is not None else _body_of(db, response, digests)
    if body is None:
        result.unresolved += 1
        return
    capture = Capture(
        url=response.url,
        fetched_at=response.date,
        status=response.status,
        content_type=response.headers.get("content-type"),
        headers=response.headers,
        body=body,
    )
    if response.digest and capture.sha256:
        digests[response.digest] = capture.sha256
    saved = save_foreign_capture(db, capture, site.name, source, extract)
    if saved is None:
        result.duplicates += 1
        return
    result.captures += 1
    result.pages[saved[1]] = result.pages.get(saved[1], 0) + 1
