"""Captures out as WARC/WACZ and back in: the sample site crawled for real, exported, checked
with warcio, the CDXJ indexer, `wacz validate` and a real pywb, then imported into an empty
archive that must hold the same pages, versions and bodies."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from functools import partial
from pathlib import Path

import httpx
import pytest
import sqlite_utils
from click.testing import CliRunner
from pywb_server import serve_pywb
from warcio.archiveiterator import ArchiveIterator

from archive.schema import ensure_schema
from archive.store import capture_body
from archive.warc import export_warc, pack_wacz
from archive.warc_import import WarcError, archive_sites, import_warcs
from scraper import extract_page
from scraper.cli import cli
from scraper.crawl import extract_capture
from scraper.models import Site
from scraper.sample_site import serve_sample_site

BIN = Path(sys.executable).parent
EXTRACT = partial(extract_capture, extract_page)

# What "the same archive" means: every researcher-visible row, without ids that number rows.
SAME = {
    "pages": "SELECT url, site, language, title, breadcrumb, published, modified, text, "
    "first_seen, last_seen, last_changed FROM pages ORDER BY url",
    "page_versions": "SELECT url, version, captured_at, title, text, breadcrumb, sections, "
    "content_sha256 FROM page_versions ORDER BY url, version",
    "bodies": "SELECT sha256 FROM bodies ORDER BY sha256",
    "sections": "SELECT page_url, position, heading, level, text FROM sections "
    "ORDER BY page_url, position",
    "translations": "SELECT page_url, language, url FROM translations ORDER BY 1, 2",
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The sample site crawled by the real command; yields (server URL, archive path)."""
    db = tmp_path_factory.mktemp("warc") / "archive.db"
    with serve_sample_site() as server:
        result = CliRunner().invoke(cli, ["crawl", server.url + "/", "--db", str(db), "--delay", "0"])
        assert result.exit_code == 0, result.output
        yield server.url, db


@pytest.fixture(scope="module")
def exported(crawled, tmp_path_factory):
    """The crawled archive exported once to a gzipped WARC; yields (export result, path)."""
    _, db_path = crawled
    out = tmp_path_factory.mktemp("export") / "archive.warc.gz"
    result = export_warc(sqlite_utils.Database(db_path), out)
    return result, out


def _open(path: Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    return db


def _site_of(url: str) -> Site:
    host = url.split("//", 1)[1]
    return Site(name=host, hosts=(host,), start_urls=())


def _records(path: Path) -> list[dict]:
    out = []
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            out.append({
                "type": record.rec_type,
                "headers": dict(record.rec_headers.headers),
                "status": record.http_headers.get_statuscode() if record.http_headers else None,
                "body": record.content_stream().read(),
            })
    return out


# --- export -----------------------------------------------------------------------------


def test_warcio_check_finds_every_digest_of_the_export_right(exported):
    _, path = exported
    done = subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "digest pass" in done.stdout and "digest fail" not in done.stdout


def test_the_export_opens_with_warcinfo_then_pairs_requests_with_responses(exported):
    result, path = exported
    records = _records(path)
    assert records[0]["type"] == "warcinfo"
    assert records[0]["headers"]["WARC-Filename"] == "archive.warc.gz"
    assert b"reconstructed:" in records[0]["body"]
    assert all(r["headers"].get("WARC-Type") and r["headers"]["WARC-Date"] for r in records)
    kinds = [r["type"] for r in records[1:]]
    assert kinds.count("response") == result.responses + result.redirects
    assert result.responses > 50 and result.redirects > 0
    assert kinds.count("request") == result.responses + result.revisits + result.redirects
    requests = {r["headers"]["WARC-Concurrent-To"] for r in records if r["type"] == "request"}
    answers = {r["headers"]["WARC-Record-ID"] for r in records if r["type"] in ("response", "revisit")}
    assert requests == answers


def test_each_response_holds_the_body_and_date_the_archive_has(crawled, exported):
    _, db_path = crawled
    _, path = exported
    db = sqlite_utils.Database(db_path)
    fetched = {
        (row["u"], row["fetched_at"]): row["sha256"]
        for row in db.query("SELECT coalesce(final_url, url) AS u, fetched_at, sha256 "
                            "FROM captures WHERE sha256 IS NOT NULL")
    }
    redirected = {(row["url"], row["fetched_at"]): row["final_url"] for row in db.query(
        "SELECT url, fetched_at, final_url FROM captures WHERE final_url != url")}
    for record in _records(path):
        if record["type"] != "response":
            continue
        key = (record["headers"]["WARC-Target-URI"], record["headers"]["WARC-Date"])
        if record["status"] == "301":  # the redirect a fetch followed, with where it led
            assert key in redirected and record["body"] == b""
            continue
        assert key in fetched
        assert capture_body(db, fetched[key]) == record["body"]


def test_a_body_seen_before_is_written_as_a_revisit_pointing_at_the_first(exported):
    result, path = exported
    records = _records(path)
    first = {r["headers"]["WARC-Payload-Digest"]: r for r in records if r["type"] == "response"}
    revisits = [r for r in records if r["type"] == "revisit"]
    assert len(revisits) == result.revisits > 0
    for revisit in revisits:
        headers = revisit["headers"]
        assert headers["WARC-Profile"].endswith("/warc/1.1/revisit/identical-payload-digest")
        original = first[headers["WARC-Payload-Digest"]]["headers"]
        assert headers["WARC-Refers-To-Target-URI"] == original["WARC-Target-URI"]
        assert headers["WARC-Refers-To-Date"] == original["WARC-Date"]
        assert headers["WARC-Date"] >= original["WARC-Date"]


def test_the_cdxj_indexer_lists_every_capture_of_the_export(exported):
    result, path = exported
    done = subprocess.run([str(BIN / "cdxj-indexer"), str(path)],
                          capture_output=True, text=True, check=True)
    entries = [json.loads(line.split(" ", 2)[2]) for line in done.stdout.splitlines()]
    assert len(entries) == result.responses + result.revisits + result.redirects
    assert {e["status"] for e in entries} >= {"200"}


def test_an_export_of_one_site_since_a_date_leaves_the_rest_out(crawled, tmp_path):
    url, db_path = crawled
    db = sqlite_utils.Database(db_path)
    out = tmp_path / "none.warc.gz"
    assert export_warc(db, out, since="2999-01-01").responses == 0
    site = _site_of(url).name
    assert export_warc(db, tmp_path / "site.warc.gz", site=site).responses > 50


def test_a_wacz_of_the_export_validates_and_lists_the_archive_pages(crawled, exported, tmp_path):
    _, db_path = crawled
    result, _ = exported
    wacz = pack_wacz(sqlite_utils.Database(db_path), result, tmp_path / "archive.wacz")
    done = subprocess.run([str(BIN / "wacz"), "validate", "-f", str(wacz)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Validation succeeded" in done.stdout, done.stdout
    assert "digest fail" not in done.stdout
    with zipfile.ZipFile(wacz) as zf:
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
        package = json.loads(zf.read("datapackage.json"))
    assert package["wacz_version"] and package["home"]["url"] and package["home"]["ts"]
    pages = [json.loads(line) for line in lines[1:]]
    rows = sqlite_utils.Database(db_path).execute(
        "SELECT url, title, text, language FROM pages").fetchall()
    held = {url: (title, text, language) for url, title, text, language in rows}
    assert {p["url"] for p in pages} == set(held)
    for p in pages:  # the full text ReplayWeb.page searches, as the archive holds it
        title, text, language = held[p["url"]]
        assert (p["title"], p["text"], p["language"]) == (title or p["url"], text or "", language)
    assert sum(len(p["text"]) > 50 for p in pages) >= len(pages) // 2


@pytest.mark.slow
def test_pywb_replays_every_exported_capture_byte_for_byte_redirects_included(
    crawled, exported, tmp_path
):
    _, db_path = crawled
    _, path = exported
    db = sqlite_utils.Database(db_path)
    rows = db.execute("SELECT url, final_url, fetched_at, sha256, status FROM captures "
                      "WHERE sha256 IS NOT NULL AND status IS NOT NULL").fetchall()
    assert any(final and final != url for url, final, *_ in rows)
    with serve_pywb([path], tmp_path) as base, httpx.Client(timeout=30) as client:
        for url, final, fetched_at, sha, status in rows:
            stamp = "".join(ch for ch in fetched_at if ch.isdigit())
            answer = client.get(f"{base}{stamp}id_/{final or url}")
            assert (answer.status_code, answer.content) == (status, capture_body(db, sha)), url
            if final and final != url:  # the old address answers with its redirect
                hop = client.get(f"{base}{stamp}id_/{url}")
                assert hop.status_code == 301 and hop.headers["location"].endswith(final), url


def test_pywb_replays_an_exported_page_byte_for_byte(crawled, exported, tmp_path):
    url, db_path = crawled
    _, path = exported
    db = sqlite_utils.Database(db_path)
    row = db.execute("SELECT fetched_at, sha256 FROM captures WHERE url = ? AND status = 200 "
                     "ORDER BY fetched_at LIMIT 1", (url + "/",)).fetchone()
    stamp = "".join(ch for ch in row[0] if ch.isdigit())
    revisit = next(r["headers"] for r in _records(path)
                   if r["type"] == "revisit" and r["status"] == "200")
    revisit_stamp = "".join(ch for ch in revisit["WARC-Date"] if ch.isdigit())
    original = next(r["body"] for r in _records(path) if r["type"] == "response"
                    and r["headers"]["WARC-Payload-Digest"] == revisit["WARC-Payload-Digest"])
    with serve_pywb([path], tmp_path) as base:
        answer = httpx.get(f"{base}{stamp}id_/{url}/", timeout=30)
        again = httpx.get(f"{base}{revisit_stamp}id_/{revisit['WARC-Target-URI']}", timeout=30)
    assert answer.status_code == 200
    assert answer.content == capture_body(db, row[1])
    # A revisit replays the body of the response it refers to.
    assert again.status_code == 200 and again.content == original


# --- import -----------------------------------------------------------------------------


def test_export_then_import_into_an_empty_archive_gives_the_same_archive(crawled, exported, tmp_path):
    url, db_path = crawled
    _, path = exported
    before = sqlite_utils.Database(db_path)
    after = _open(tmp_path / "copy.db")
    result = import_warcs(after, [path], EXTRACT, [_site_of(url)])
    assert result.captures > 50 and result.out_of_scope == 0 and result.unresolved == 0
    for table, sql in SAME.items():
        assert after.execute(sql).fetchall() == before.execute(sql).fetchall(), table
    sources = dict(after.execute("SELECT source, count(*) FROM captures GROUP BY 1").fetchall())
    assert sources == {"warc:archive.warc.gz": result.captures}
    versions = after.execute("SELECT DISTINCT source FROM page_versions").fetchall()
    assert versions == [("warc:archive.warc.gz",)]


def test_importing_the_same_file_twice_stores_nothing_twice(crawled, exported, tmp_path):
    url, _ = crawled
    _, path = exported
    db = _open(tmp_path / "twice.db")
    first = import_warcs(db, [path], EXTRACT, [_site_of(url)])
    counts = {t: db[t].count for t in ("captures", "bodies", "page_versions")}
    second = import_warcs(db, [path], EXTRACT, [_site_of(url)])
    assert second.captures == 0 and second.duplicates == first.captures + first.duplicates
    assert {t: db[t].count for t in counts} == counts


def test_records_of_sites_not_covered_are_skipped(exported, tmp_path):
    _, path = exported
    db = _open(tmp_path / "other.db")
    result = import_warcs(db, [path], EXTRACT, archive_sites(db))  # an empty archive: no sites
    assert result.captures == 0 and result.out_of_scope > 50
    assert db["captures"].count == 0


def test_a_file_that_is_not_a_warc_raises_one_named_error(tmp_path):
    bad = tmp_path / "notes.warc.gz"
    bad.write_bytes(b"these are not WARC records\n" * 10)
    with pytest.raises(WarcError, match="notes.warc.gz"):
        import_warcs(_open(tmp_path / "bad.db"), [bad], EXTRACT, [])


def test_a_wacz_imports_like_the_warc_inside_it(crawled, exported, tmp_path):
    url, db_path = crawled
    result, _ = exported
    wacz = pack_wacz(sqlite_utils.Database(db_path), result, tmp_path / "packed.wacz")
    db = _open(tmp_path / "from-wacz.db")
    imported = import_warcs(db, [wacz], EXTRACT, [_site_of(url)])
    assert imported.captures > 50
    before = sqlite_utils.Database(db_path)
    for table in ("pages", "page_versions", "bodies"):
        assert db.execute(SAME[table]).fetchall() == before.execute(SAME[table]).fetchall(), table
    assert db.execute("SELECT DISTINCT source FROM captures").fetchall() == [("warc:packed.wacz",)]


def test_an_export_imported_into_its_own_archive_adds_nothing(crawled, exported, tmp_path):
    _, db_path = crawled
    _, path = exported
    copy = tmp_path / "same.db"
    shutil.copy(db_path, copy)
    db = _open(copy)
    before = {t: db[t].count for t in ("captures", "bodies", "page_versions")}
    result = import_warcs(db, [path], EXTRACT, archive_sites(db))
    assert result.captures == 0 and result.duplicates > 50  # redirected fetches included
    assert {t: db[t].count for t in before} == before
