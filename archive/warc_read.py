"""Reading WARC records for `import-warc`, trusting nothing: each record as plain data, or the
reason it cannot be believed.

A record is checked against its own `Content-Length` (a file cut short leaves a fragment that
warcio would hand over as a whole body), against its block and payload digests when it has
them, and its HTTP framing is undone strictly: a chunked body whose sizes are wrong, or a gzip
body that does not decompress to its end, is broken, not guessed at (warcio falls back to the
raw bytes). A gzip file cut inside its last member is found by decompressing it once more:
warcio drops such a member without a word.

`response` and `revisit` records with an HTTP answer, and `resource` records holding HTML
(static snapshots Webrecorder tools write), become `Record`s; the rest are counted as other.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import brotli  # type: ignore[import-untyped,unused-ignore]
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.errors import WarcError

HTML_TYPES = ("text/html", "application/xhtml+xml")


class Broken(Exception):
    """A record that cannot be trusted; its message is the reason, as counted."""


@dataclass(frozen=True)
class Record:
    """One answer a WARC holds, as plain data."""

    kind: str  # response | revisit | resource
    record_id: str
    url: str
    date: str
    status: int
    headers: dict[str, str]  # lower-case names, wire framing removed
    body: bytes | None  # None: a revisit, resolved through `digest` or `refers_to`
    digest: str | None
    refers_to: tuple[str, str] | None = None
    concurrent_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A record read but not believed (or cut off), and why."""

    reason: str
    url: str = ""


def warc_streams(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
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


def records(path: Path) -> Iterator[Record | Skipped | None]:
    """Every record of a WARC (or WACZ) file: a Record, a Skipped, or None for other kinds.

    Raises WarcError for a file that is not WARC or breaks off where no record is cut.
    """
    try:
        for name, fh in warc_streams(path):
            gzipped = _check_start(name, fh)
            for record in ArchiveIterator(fh, arc2warc=True, check_digests=True):
                try:
                    yield read_record(record)
                except Broken as exc:
                    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                    yield Skipped(str(exc), uri.strip("<> "))
            if gzipped and _gzip_cut(fh):
                yield Skipped("truncated")
    except OSError as exc:
        raise WarcError(f"cannot read {path}: {exc.strerror or exc}") from None
    except zipfile.BadZipFile as exc:
        raise WarcError(f"{path} is a damaged WACZ ({exc})") from None
    except ArchiveLoadFailed as exc:
        raise WarcError(f"{path} is not a readable WARC file ({exc.msg})") from None


def _check_start(name: str, fh: IO[bytes]) -> bool:
    """warcio reads almost anything as an ARC file: a WARC (or ARC) begins with its magic.
    Returns whether the file is gzipped."""
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
    return head == b"\x1f\x8b"


def _gzip_cut(fh: IO[bytes]) -> bool:
    """Does the gzip file end inside a member (a file cut short)?"""
    fh.seek(0)
    inflate = zlib.decompressobj(31)
    pending = False
    while block := fh.read(1 << 20):
        while block:
            inflate.decompress(block)
            pending = not inflate.eof
            block = inflate.unused_data if inflate.eof else b""
            if inflate.eof:
                inflate = zlib.decompressobj(31)
    return pending


def read_record(record: Any) -> Record | None:
    """A record as plain data; None for kinds not imported. Raises Broken."""
    kind = record.rec_type
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if kind not in ("response", "revisit", "resource") or urlsplit(url).scheme not in ("http", "https"):
        return None
    if kind == "resource":
        ctype = record.rec_headers.get_header("Content-Type") or ""
        if not ctype.lower().startswith(HTML_TYPES):
            return None
    elif record.http_headers is None:
        return None
    raw = record.raw_stream.read()
    head = record.http_headers.total_len if record.http_headers is not None else 0
    if record.length is not None and head + len(raw) < int(record.length):
        raise Broken("truncated")
    if record.digest_checker.passed is False:
        raise Broken("digest mismatch")
    date = warc_date(record.rec_headers.get_header("WARC-Date") or "")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
    concurrent = tuple(v for k, v in record.rec_headers.headers if k.lower() == "warc-concurrent-to")
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    if kind == "resource":
        return Record(kind, record_id, url, date, 200, {"content-type": ctype}, raw, digest)
    status = _status(record.http_headers.get_statuscode())
    if status is None:
        raise Broken("no HTTP status")
    headers: dict[str, str] = {}
    # The framing the bytes in this record have (not the X-Archive-Orig-* names of one undone).
    wire = {n.lower(): v for n, v in record.http_headers.headers
            if n.lower() in ("transfer-encoding", "content-encoding")}
    for name, value in record.http_headers.headers:
        # Our export (and pywb) rename the wire's headers that no longer apply to the body.
        name = name.lower().removeprefix("x-archive-orig-")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    if kind == "revisit":
        refers = record.rec_headers.get_header("WARC-Refers-To-Target-URI")
        refers_date = record.rec_headers.get_header("WARC-Refers-To-Date")
        target = (refers.strip("<>"), warc_date(refers_date)) if refers and refers_date else None
        _drop_framing(headers)
        return Record(kind, record_id, url, date, status, headers, None, digest, target, concurrent)
    body = decode_body(raw, wire)
    _drop_framing(headers)
    return Record(kind, record_id, url, date, status, headers, body, digest, None, concurrent)


def _drop_framing(headers: dict[str, str]) -> None:
    # The body is kept decoded, as the crawl keeps it: the wire's framing no longer applies.
    for wire in ("transfer-encoding", "content-encoding", "content-length"):
        headers.pop(wire, None)


def decode_body(raw: bytes, headers: dict[str, str]) -> bytes:
    """The body as the crawl keeps it: chunks joined, content-encoding undone, strictly.

    >>> decode_body(b"5\\r\\nhello\\r\\n0\\r\\n\\r\\n", {"transfer-encoding": "chunked"})
    b'hello'
    """
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raw = dechunk(raw)
    coding = headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity"):
        return raw
    if coding in ("gzip", "x-gzip", "deflate"):
        inflate = zlib.decompressobj(47)  # gzip or zlib header, whichever it has
        try:
            out = inflate.decompress(raw)
        except zlib.error:
            if coding != "deflate":
                raise Broken("bad content-encoding") from None
            inflate = zlib.decompressobj(-15)  # raw deflate, as some servers send
            try:
                out = inflate.decompress(raw)
            except zlib.error:
                raise Broken("bad content-encoding") from None
        if not inflate.eof:
            raise Broken("bad content-encoding")
        return out
    if coding == "br":
        try:
            return bytes(brotli.decompress(raw))
        except brotli.error:
            raise Broken("bad content-encoding") from None
    raise Broken(f"unknown content-encoding {coding}")


def dechunk(raw: bytes) -> bytes:
    """A chunked body joined; Broken when a size line or a chunk's end is not where it says.

    >>> dechunk(b"3;ext=1\\r\\nabc\\r\\n2\\r\\nde\\r\\n0\\r\\nX-Trailer: 1\\r\\n\\r\\n")
    b'abcde'
    """
    out = bytearray()
    pos = 0
    while True:
        end = raw.find(b"\r\n", pos)
        if end < 0:
            raise Broken("bad chunking")
        size_text = raw[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise Broken("bad chunking") from None
        pos = end + 2
        if size == 0:
            return bytes(out)  # trailers, if any, follow: not part of the body
        if raw[pos + size : pos + size + 2] != b"\r\n":
            raise Broken("bad chunking")
        out += raw[pos : pos + size]
        pos += size + 2


def _status(code: str | None) -> int | None:
    try:
        return int(code or "")
    except ValueError:
        return None


def warc_date(value: str) -> str:
    """WARC-Date as the archive writes times: to the second, UTC (fractions dropped).

    >>> warc_date("2012-03-04T10:15:01.123456Z")
    '2012-03-04T10:15:01Z'
    """
    value = value.strip()
    return value[:19] + "Z" if len(value) >= 19 else value
