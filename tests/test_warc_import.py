"""WARC files in the shapes other tools write (Heritrix, `wget --warc-file`, Browsertrix) become
captures of a real crawled archive: older ones become earlier versions of its pages."""

from __future__ import annotations

import gzip
from functools import partial
from io import BytesIO
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.schema import ensure_schema
from archive.store import capture_body
from archive.warc_import import archive_sites, import_warcs
from scraper import extract_page
from scraper.cli import cli
from scraper.crawl import extract_capture
from scraper.models import Site
from scraper.sample_site import serve_sample_site

EXTRACT = partial(extract_capture, extract_page)
OLD_TITLE = "Ambassade de France au Mali (2012)"


def old_home(title: str, extra: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><h1>{title}</h1><p>Bienvenue sur le site de l'ambassade, "
        f"version archivée. {extra}</p></body></html>"
    ).encode()


def _response(writer, url, date, body, headers, *, wire_body=None, warc_uri=None):
    payload = body if wire_body is None else wire_body
    http = StatusAndHeaders("200 OK", headers + [("Content-Length", str(len(payload)))],
                            protocol="HTTP/1.1")
    return writer.create_warc_record(
        warc_uri or url, "response", payload=BytesIO(payload), length=len(payload),
        http_headers=http, warc_headers_dict={"WARC-Date": date},
    )


def heritrix_warc(path: Path, home: str, other_site: str) -> None:
    """Heritrix 3's shape: WARC/1.0, a dns: record, gzip bodies as received, and a revisit that
    names its original by payload digest only (no WARC-Refers-To headers)."""
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "Heritrix/3.4.0-20220727",
                                                            "format": "WARC File Format 1.0"}))
        w.write_record(w.create_warc_record(
            "dns:127.0.0.1", "resource", payload=BytesIO(b"20120304101500\n127.0.0.1\t60\tIN\tA"),
            warc_content_type="text/dns", warc_headers_dict={"WARC-Date": "2012-03-04T10:15:00Z"}))
        body = old_home(OLD_TITLE)
        first = _response(w, home, "2012-03-04T10:15:01Z", body,
                          [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                          wire_body=gzip.compress(body))
        w.write_record(first)
        digest = first.rec_headers.get_header("WARC-Payload-Digest")
        revisit = w.create_revisit_record(
            home, digest, home, "2012-03-04T10:15:01Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2012-09-01T08:00:00Z"})
        revisit.rec_headers.remove_header("WARC-Refers-To-Target-URI")
        revisit.rec_headers.remove_header("WARC-Refers-To-Date")
        w.write_record(revisit)
        w.write_record(_response(w, other_site, "2012-03-04T10:16:00Z", old_home("Autre site"),
                                 [("Content-Type", "text/html")]))


def wget_warc(path: Path, home: str) -> None:
    """`wget --warc-file`'s shape: WARC/1.0, target URIs in angle brackets, a request record, a
    chunked body as received."""
    body = old_home("Ambassade de France au Mali (2014)", "Visas et état civil.")
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=False)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "Wget/1.21.3"}))
        request = w.create_warc_record(
            f"<{home}>", "request",
            http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True),
            warc_headers_dict={"WARC-Date": "2014-06-01T12:00:00Z"})
        w.write_record(request)
        w.write_record(_response(w, home, "2014-06-01T12:00:00Z", body,
                                 [("Content-Type", "text/html; charset=utf-8"),
                                  ("Transfer-Encoding", "chunked")],
                                 wire_body=chunked, warc_uri=f"<{home}>"))


def browsertrix_warc(path: Path, home: str) -> None:
    """Browsertrix's shape: WARC/1.1, dates with microseconds, a pageinfo resource record."""
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True, warc_version="1.1")
        w.write_record(w.create_warc_record(
            "urn:pageinfo:" + home, "resource", payload=BytesIO(b"{}"),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": "2016-02-02T09:30:00.123456Z"}))
        w.write_record(_response(w, home, "2016-02-02T09:30:00.123456Z",
                                 old_home("Ambassade de France au Mali (2016)"),
                                 [("Content-Type", "text/html; charset=utf-8")]))


@pytest.fixture
def crawled(tmp_path):
    """A fresh crawl of the sample site; yields (home page URL, archive)."""
    path = tmp_path / "archive.db"
    with serve_sample_site() as server:
        result = CliRunner().invoke(cli, ["crawl", server.url + "/", "--db", str(path), "--delay", "0"])
        assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    yield server.url + "/", db


def _versions(db, url):
    return db.execute("SELECT version, captured_at, title, source FROM page_versions "
                      "WHERE url = ? ORDER BY version", (url,)).fetchall()


def test_heritrix_records_become_captures_dated_by_warc_date_and_skip_other_sites(crawled, tmp_path):
    home, db = crawled
    warc = tmp_path / "heritrix.warc.gz"
    heritrix_warc(warc, home, "http://example.org/")
    result = import_warcs(db, [warc], EXTRACT, archive_sites(db))
    assert (result.captures, result.out_of_scope, result.unresolved) == (2, 1, 0)
    assert result.other == 2  # warcinfo and dns:
    rows = db.execute("SELECT fetched_at, sha256, source, crawl_id FROM captures "
                      "WHERE source != 'crawl' ORDER BY fetched_at").fetchall()
    assert [r[0] for r in rows] == ["2012-03-04T10:15:01Z", "2012-09-01T08:00:00Z"]
    assert rows[0][1] == rows[1][1]  # the digest-only revisit found its original's body
    assert {r[2] for r in rows} == {"warc:heritrix.warc.gz"} and rows[0][3] is None
    assert capture_body(db, rows[0][1]) == old_home(OLD_TITLE)  # gzip as received, decoded
    assert db.execute("SELECT count(*) FROM captures WHERE url LIKE 'http://example.org%'"
                      ).fetchone()[0] == 0


def test_wget_angle_brackets_and_chunked_bodies_are_undone(crawled, tmp_path):
    home, db = crawled
    warc = tmp_path / "wget.warc"
    wget_warc(warc, home)
    result = import_warcs(db, [warc], EXTRACT, archive_sites(db))
    assert result.captures == 1
    url, sha, headers = db.execute("SELECT url, sha256, headers FROM captures "
                                   "WHERE source = 'warc:wget.warc'").fetchone()
    assert url == home
    assert b"Visas et \xc3\xa9tat civil" in capture_body(db, sha)
    assert capture_body(db, sha).endswith(b"</html>")
    assert "transfer-encoding" not in headers


def test_browsertrix_dates_keep_the_second_and_resource_records_are_left(crawled, tmp_path):
    home, db = crawled
    warc = tmp_path / "crawl-2016.warc.gz"
    browsertrix_warc(warc, home)
    result = import_warcs(db, [warc], EXTRACT, archive_sites(db))
    assert (result.captures, result.other) == (1, 1)
    assert db.execute("SELECT fetched_at FROM captures WHERE source LIKE 'warc:%'"
                      ).fetchone()[0] == "2016-02-02T09:30:00Z"


def test_a_revisit_without_its_original_anywhere_is_counted_not_stored(crawled, tmp_path):
    home, db = crawled
    warc = tmp_path / "lonely.warc.gz"
    with warc.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_revisit_record(
            home, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", home, "2010-01-01T00:00:00Z",
            http_headers=StatusAndHeaders("200 OK", [], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2011-01-01T00:00:00Z"}))
    before = db["captures"].count
    result = import_warcs(db, [warc], EXTRACT, archive_sites(db))
    assert result.unresolved == 1 and db["captures"].count == before


def test_a_site_given_by_the_user_is_covered_in_an_empty_archive(tmp_path):
    warc = tmp_path / "heritrix.warc.gz"
    heritrix_warc(warc, "http://ml.ambafrance.org/", "http://example.org/")
    db = sqlite_utils.Database(tmp_path / "empty.db")
    ensure_schema(db)
    site = Site(name="ml", hosts=("ml.ambafrance.org", "www.ambafrance-ml.org"), start_urls=())
    result = import_warcs(db, [warc], EXTRACT, [site])
    assert result.captures == 2
    assert db.execute("SELECT site, title FROM pages").fetchall() == [("ml", OLD_TITLE)]


def test_older_captures_become_earlier_versions_in_date_order(crawled, tmp_path):
    home, db = crawled
    [(_, crawled_at, current_title, _)] = _versions(db, home)
    for make, name in ((browsertrix_warc, "b.warc.gz"), (wget_warc, "w.warc")):
        make(tmp_path / name, home)
    heritrix_warc(tmp_path / "h.warc.gz", home, "http://example.org/")
    # Files in no particular order: the versions still come out in date order.
    import_warcs(db, [tmp_path / n for n in ("b.warc.gz", "w.warc", "h.warc.gz")], EXTRACT,
                 archive_sites(db))
    versions = _versions(db, home)
    assert [v[1] for v in versions] == sorted(v[1] for v in versions)
    assert [v[1][:4] for v in versions] == ["2012", "2014", "2016", crawled_at[:4]]
    assert versions[0][2] == OLD_TITLE and versions[0][3] == "warc:h.warc.gz"
    assert versions[-1][2] == current_title and versions[-1][3] == "crawl"
    # The page itself still reads as it is today.
    assert db.execute("SELECT title FROM pages WHERE url = ?", (home,)).fetchone()[0] == current_title
