"""`export-warc`: the archive's captures out as WARC/1.1 (and WACZ), for the web-archiving world.

One `warcinfo` record, then per capture that brought an answer a `request` record and a
`response` record, or a `revisit` (profile identical-payload-digest) when its body repeats one
written earlier in the file. warcio's writer computes the block and payload digests. What the archive
does not keep is rebuilt and said so in the warcinfo record: the status line's reason phrase
and HTTP version, the request (method GET, the User-Agent), and the header list (stored as a
JSON object: names lower-case, repeated headers joined by ", "). Bodies are kept decoded, so a
`Content-Encoding` received is written as `X-Archive-Orig-Content-Encoding` (pywb's convention)
and `Content-Length` is the decoded body's. A redirected fetch is written as its hops: one
redirect record per redirect it followed, at its address, with its status and `Location`
(`captures.redirects`; a capture from before schema 12 kept only where it ended, and gets one
301), then the answer at the address it ended at, which names every hop in
`WARC-Concurrent-To`, so each old address replays in pywb and `import-warc` makes the chain one
capture again.

Captures are read from the database one at a time and written as they come: memory stays
small whatever the archive's size (only one line per distinct body is kept, for revisits).
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from sqlite_utils import Database
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.errors import ExportError
from archive.store import capture_body

SOFTWARE = "embassy-archive 0.1.0 (warcio)"
USER_AGENT = "embassy-archive/0.1 (+https://github.com/embassy-archive/embassy-archive)"
# Headers that describe the bytes on the wire, not the decoded body the archive keeps.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
RECONSTRUCTED = (
    "status line reason phrase and HTTP/1.1 version rebuilt from the status code; request "
    "records rebuilt (GET, Host, User-Agent); response headers as stored (lower-case names, "
    "repeats joined by ', '); bodies decoded, so Content-Encoding is written as "
    "X-Archive-Orig-Content-Encoding and Content-Length is the decoded length; a redirected "
    "fetch is written as one redirect record per hop (its status and Location as answered; a "
    "capture made before schema 12 kept only where it ended, and gets one 301), then the "
    "answer there, which names every hop in WARC-Concurrent-To"
)


@dataclass
class ExportResult:
    """What an export wrote: record counts, and the page list a WACZ carries."""

    path: Path
    responses: int = 0
    revisits: int = 0
    redirects: int = 0  # redirect records written for redirected fetches
    pages: dict[str, str] = field(default_factory=dict)  # url -> WARC-Date of its last capture
    dates: dict[str, set[str]] = field(default_factory=dict)  # url -> WARC-Dates of its answers
    wacz: Path | None = None

    def summary(self) -> str:
        line = (f"export-warc: {self.responses} responses, {self.revisits} revisits, "
                f"{self.redirects} redirects -> {self.path}")
        return line + (f"; WACZ {self.wacz}" if self.wacz else "")


@dataclass(frozen=True)
class _Row:
    url: str
    asked: str  # the address fetched; `url` differs when it redirected there
    fetched_at: str
    status: int
    headers: dict[str, str]
    sha256: str
    site: str | None
    redirects: list[tuple[str, int, str]]  # each hop followed (address, status, target)


def export_warc(
    db: Database, out: Path, *, site: str | None = None, since: str | None = None
) -> ExportResult:
    """Write the archive's captures (of one site, fetched since a date) to a WARC/1.1 file.

    `out` ending in `.gz` is written gzip-compressed record by record (as Heritrix does).
    Raises ExportError for a site the archive does not know.
    """
    hosts = _site_hosts(db, site) if site else set()
    result = ExportResult(path=out)
    first: dict[str, tuple[str, str, str]] = {}  # sha256 -> (uri, WARC-Date, payload digest)
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=out.name.endswith(".gz"), warc_version="1.1")
        writer.write_record(_warcinfo(writer, out.name, site, since))
        for row in _captures(db, since):
            if site and row.site != site and (urlsplit(row.url).netloc not in hosts):
                continue
            _write_capture(db, writer, row, first, result)
    return result


def _write_capture(
    db: Database,
    writer: WARCWriter,
    row: _Row,
    first: dict[str, tuple[str, str, str]],
    result: ExportResult,
) -> None:
    http_headers = _response_headers(row)
    warc_headers = {"WARC-Date": row.fetched_at}
    hop_ids: list[str] = []
    if row.redirects:
        hop_ids = [_write_hop(writer, row, result, hop) for hop in row.redirects]
    elif row.asked != row.url:  # a capture from before schema 12 kept where it ended only
        hop_ids = [_write_hop(writer, row, result, (row.asked, 301, row.url))]
    earlier = first.get(row.sha256)
    if earlier is not None:
        uri, date, digest = earlier
        record = writer.create_revisit_record(
            row.url, digest, uri, date, http_headers=http_headers, warc_headers_dict=warc_headers
        )
        _name_hops(record, hop_ids)
        writer.write_request_response_pair(_request(writer, row), record)  # a fetch, as Heritrix
        result.revisits += 1
    else:
        body = capture_body(db, row.sha256)
        if body is None:  # a capture whose body is missing is not exported half
            return
        http_headers.replace_header("Content-Length", str(len(body)))
        record = writer.create_warc_record(
            row.url, "response", payload=BytesIO(body), length=len(body),
            http_headers=http_headers, warc_headers_dict=warc_headers,
        )
        _name_hops(record, hop_ids)
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        writer.write_request_response_pair(_request(writer, row), record)
        first[row.sha256] = (row.url, row.fetched_at, digest)
        result.responses += 1
    if row.status == 200:
        result.pages[row.url] = row.fetched_at
        result.dates.setdefault(row.url, set()).add(row.fetched_at)


def _name_hops(record: Any, hop_ids: list[str]) -> None:
    """The answer names every redirect record of its chain, in order."""
    for hop_id in hop_ids:
        record.rec_headers.add_header("WARC-Concurrent-To", hop_id)


def _write_hop(writer: WARCWriter, row: _Row, result: ExportResult,
               hop: tuple[str, int, str]) -> str:
    """One redirect a fetch followed, as its own response record (its status and Location);
    returns its record id."""
    address, status, target = hop
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Redirect"
    http_headers = StatusAndHeaders(f"{status} {phrase}", [
        ("Location", target), ("Content-Length", "0")], protocol="HTTP/1.1")
    asked = replace(row, url=address)
    record = writer.create_warc_record(
        address, "response", payload=BytesIO(b""), length=0, http_headers=http_headers,
        warc_headers_dict={"WARC-Date": row.fetched_at})
    writer.write_request_response_pair(_request(writer, asked), record)
    result.redirects += 1
    return str(record.rec_headers.get_header("WARC-Record-ID"))


def _captures(db: Database, since: str | None) -> Iterator[_Row]:
    # A capture is filed under the address that answered (the end of its redirects), as a
    # replay tool looks it up; the site comes from the page or the crawl's frontier.
    sql = (
        "SELECT coalesce(c.final_url, c.url), c.url, c.fetched_at, c.status, c.headers, c.sha256, "
        "c.redirects, "
        "coalesce((SELECT site FROM pages p WHERE p.url = coalesce(c.final_url, c.url)), "
        "(SELECT site FROM frontier f WHERE f.crawl_id = c.crawl_id AND f.url = c.url)) "
        "FROM captures c WHERE c.status IS NOT NULL AND c.sha256 IS NOT NULL "
        + ("AND c.fetched_at >= ? " if since else "")
        + "ORDER BY c.fetched_at, c.id"
    )
    for url, asked, fetched_at, status, headers, sha, hops, site in db.conn.execute(
        sql, (since,) if since else ()
    ):
        yield _Row(url, asked, fetched_at, int(status), _json_object(headers), sha, site,
                   _hops(hops))


def _hops(value: str | None) -> list[tuple[str, int, str]]:
    """captures.redirects read back; anything malformed is no chain (the 301 fallback)."""
    try:
        data = json.loads(value) if value else []
    except ValueError:
        return []
    return [(str(h[0]), int(h[1]), str(h[2])) for h in data
            if isinstance(h, list) and len(h) == 3 and str(h[1]).isdigit()]


def _site_hosts(db: Database, site: str) -> set[str]:
    hosts = {h for (h,) in db.conn.execute(
        "SELECT value FROM sites, json_each(sites.hosts) WHERE name = ?", (site,))}
    if not hosts and not db.conn.execute(
        "SELECT 1 FROM pages WHERE site = ? LIMIT 1", (site,)
    ).fetchone():
        raise ExportError(f"no site named '{site}' in this archive")
    return hosts


def _json_object(value: str | None) -> dict[str, str]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return {str(k).lower(): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _response_headers(row: _Row) -> StatusAndHeaders:
    try:
        reason = HTTPStatus(row.status).phrase
    except ValueError:
        reason = ""
    items: list[tuple[str, str]] = []
    for name, value in row.headers.items():
        if name == "content-encoding":
            items.append(("X-Archive-Orig-Content-Encoding", value))
        elif name not in _WIRE_HEADERS:
            items.append((name, value))
    return StatusAndHeaders(f"{row.status} {reason}".strip(), items, protocol="HTTP/1.1")


def _request(writer: WARCWriter, row: _Row) -> Any:
    parts = urlsplit(row.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = StatusAndHeaders(
        f"GET {target} HTTP/1.1",
        [("Host", parts.netloc), ("User-Agent", USER_AGENT), ("Accept", "*/*")],
        is_http_request=True,
    )
    return writer.create_warc_record(
        row.url, "request", http_headers=headers, warc_headers_dict={"WARC-Date": row.fetched_at}
    )


def _warcinfo(writer: WARCWriter, filename: str, site: str | None, since: str | None) -> Any:
    info = {
        "software": SOFTWARE,
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "Captures of embassy websites exported from an embassy-archive database"
        + (f"; site {site}" if site else "")
        + (f"; fetched since {since}" if since else ""),
        "reconstructed": RECONSTRUCTED,
    }
    return writer.create_warcinfo_record(filename, info)


# --- WACZ -------------------------------------------------------------------------------


def pages_jsonl(db: Database, result: ExportResult, out: BinaryIO) -> int:
    """Write the WACZ page list (json-pages-1.0) with the text ReplayWeb.page searches: one
    entry per version of a page whose capture the export holds (title, text, language, dates).
    """
    out.write(b'{"format": "json-pages-1.0", "id": "pages", "title": "All Pages", '
              b'"hasText": true}\n')
    written = 0
    rows = db.conn.execute(
        "SELECT v.url, v.version, v.captured_at, coalesce(v.title, p.title), "
        "coalesce(v.text, p.text), coalesce(v.language, p.language), v.published, v.modified "
        "FROM page_versions v JOIN pages p ON p.url = v.url ORDER BY v.url, v.version")
    for url, version, at, title, text, language, published, modified in rows:
        if at not in result.dates.get(url, ()):
            continue
        entry = {"id": f"{written:x}-{version}", "url": url, "ts": at, "title": title or url,
                 "text": text or "", "language": language, "published": published,
                 "modified": modified}
        out.write(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
        written += 1
    return written


def _wacz_1_2(wacz_path: Path, home: tuple[str, str] | None) -> None:
    """Add what the WACZ 1.2 draft asks of datapackage.json (`home`) to py-wacz's 1.1.1 one,
    keeping `wacz_version` and profile `data-package`, which py-wacz's validator (and the
    Frictionless check it runs) still require; the digest file is rewritten to match."""
    tmp = wacz_path.with_name(wacz_path.name + ".tmp")
    with zipfile.ZipFile(wacz_path) as src, zipfile.ZipFile(tmp, "w") as dst:
        package = json.loads(src.read("datapackage.json"))
        if home is not None:
            package["home"] = {"url": home[0], "ts": home[1]}
        package.setdefault("wacz_version", "1.1.1")
        data = json.dumps(package, indent=2).encode()
        for info in src.infolist():
            if info.filename == "datapackage.json":
                dst.writestr(info, data)
            elif info.filename == "datapackage-digest.json":
                digest = json.loads(src.read(info))
                digest["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
                digest.pop("signedData", None)  # a signature of the old manifest no longer holds
                dst.writestr(info, json.dumps(digest, indent=2).encode())
            else:
                dst.writestr(info, src.read(info))
    tmp.replace(wacz_path)


def pack_wacz(db: Database, result: ExportResult, wacz_path: Path) -> Path:
    """Pack an exported WARC and the archive's page list into a WACZ (the `wacz` package).

    `wacz create` runs in this process; what it prints is only useful when it fails, so it is
    kept and its last line raised in ExportError then.
    """
    try:
        from wacz.main import main as wacz_main
    except ImportError:
        raise ExportError("--wacz needs the wacz package: pip install 'embassy-archive[wacz]'"
                          ) from None

    printed = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "pages.jsonl"
        with pages.open("wb") as fh:
            pages_jsonl(db, result, fh)
        args = ["create", "-o", str(wacz_path), "-p", str(pages),
                "--title", "embassy-archive export", str(result.path)]
        try:
            with redirect_stdout(printed), redirect_stderr(printed):
                status = wacz_main(args)
        except SystemExit as exc:  # argparse's way of refusing arguments
            status = exc.code if isinstance(exc.code, int) else 1
    if status not in (0, None) or not wacz_path.is_file():
        lines = printed.getvalue().strip().splitlines() or ["no output"]
        raise ExportError(f"wacz create failed: {lines[-1]}")
    home = min(result.pages.items(), key=lambda kv: (len(kv[0]), kv[0]), default=None)
    _wacz_1_2(wacz_path, home)
    result.wacz = wacz_path
    return wacz_path
