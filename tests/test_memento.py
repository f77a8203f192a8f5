"""Memento (RFC 7089) and the CDX API from `serve`: the sample site crawled for real, with two
older captures of its home page imported from a WARC, read through Datasette's in-process
client; then `backfill --cdx` of a second archive from this one's real `serve` on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from email.utils import parsedate_to_datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import sqlite_utils
from click.testing import CliRunner
from servers import stop_process
from test_publish import Client
from waiting import HANG
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.store import capture_body
from scraper.cli import cli
from scraper.sample_site import serve_sample_site

BIN = Path(sys.executable).parent
OLD = {"2012-03-04T10:15:01Z": "Ambassade (2012)", "2015-06-07T08:09:10Z": "Ambassade (2015)"}


def _old_home(title: str) -> bytes:
    return (f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><h1>{title}</h1><p>Version archivée de la page d'accueil, "
            f"{title}.</p></body></html>").encode()


def _older_warc(path: Path, home: str) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for date, title in OLD.items():
            body = _old_home(title)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                home, "response", payload=BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": date}))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """(home URL, archive path, in-process client)."""
    root = tmp_path_factory.mktemp("memento")
    db = root / "archive.db"
    with serve_sample_site() as server:
        home = server.url + "/"
        done = CliRunner().invoke(cli, ["crawl", home, "--db", str(db), "--delay", "0"])
        assert done.exit_code == 0, done.output
    _older_warc(root / "older.warc.gz", home)
    done = CliRunner().invoke(cli, ["import-warc", str(root / "older.warc.gz"), "--db", str(db)])
    assert done.exit_code == 0, done.output
    client = Client(db)
    yield home, db, client
    client.close()


def _stamps(db: Path, url: str) -> list[str]:
    rows = sqlite_utils.Database(db).execute(
        "SELECT fetched_at FROM captures WHERE (url = ? OR final_url = ?) AND status IS NOT NULL "
        "ORDER BY fetched_at, id", (url, url)).fetchall()
    return ["".join(ch for ch in r[0] if ch.isdigit()) for r in rows]


def _links(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(","):
        if ";" not in part:
            continue
        target, *params = part.split(";")
        for p in params:
            if p.strip().startswith("rel="):
                for rel in p.strip()[4:].strip('"').split():
                    out.setdefault(rel, []).append(target.strip().strip("<>"))
    return out


def test_the_timemap_lists_exactly_the_captures_the_archive_holds_for_the_url(archive):
    home, db, client = archive
    expected = _stamps(db, home)
    assert len(expected) >= 3
    answer = client.get(f"/-/timemap/link/{home}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/link-format")
    listed = [line for line in answer.text.split(",\n") if 'memento"' in line]
    stamps = [line.split("/-/web/", 1)[1][:14] for line in listed]
    assert stamps == expected
    as_json = client.get(f"/-/timemap/json/{home}").json()
    assert [m["uri"].split("/-/web/", 1)[1][:14] for m in as_json["mementos"]["list"]] == expected
    assert as_json["original_uri"] == home


@pytest.mark.parametrize(("asked", "want"), [
    ("Tue, 01 Jan 2013 00:00:00 GMT", "20120304101501"),
    ("Fri, 01 Jan 2016 00:00:00 GMT", "20150607080910"),
    ("Wed, 01 Jan 2098 00:00:00 GMT", None),  # after every capture: the latest
])
def test_the_timegate_sends_each_datetime_to_the_nearest_capture(archive, asked, want):
    home, db, client = archive
    want = want or _stamps(db, home)[-1]
    gate = client.get(f"/-/timegate/{home}", headers={"Accept-Datetime": asked})
    assert gate.status_code == 302
    assert "accept-datetime" in [v.strip() for v in gate.headers["vary"].lower().split(",")]
    links = _links(gate.headers["link"])
    assert links["original"] == [home] and links["timemap"]
    location = gate.headers["location"]
    assert f"/-/web/{want}id_/{home}" in location and links["memento"] == [location]
    memento = client.get(urlsplit(location).path)
    assert memento.status_code == 200
    moment = parsedate_to_datetime(memento.headers["memento-datetime"])
    assert moment.strftime("%Y%m%d%H%M%S") == want
    assert _links(memento.headers["link"])["original"] == [home]
    sha = sqlite_utils.Database(db).execute(
        "SELECT sha256 FROM captures WHERE coalesce(final_url, url) = ? AND fetched_at = ?",
        (home, f"{want[:4]}-{want[4:6]}-{want[6:8]}T{want[8:10]}:{want[10:12]}:{want[12:]}Z"),
    ).fetchone()[0]
    assert memento.content == capture_body(sqlite_utils.Database(db), sha)


def test_a_redirected_address_replays_its_redirect_raw(archive):
    home, db, client = archive
    old = home + "spip.php?article12"
    stamps = _stamps(db, old)
    assert stamps, "the sample site's spip.php?article12 redirects"
    answer = client.get(f"/-/web/{stamps[0]}id_/{old}")
    assert answer.status_code == 301
    assert f"/-/web/{stamps[0]}id_/{home}" in answer.headers["location"]


def test_the_cdx_api_filters_collapses_and_pages_with_resume_keys(archive):
    home, db, client = archive
    every = client.get("/-/web/cdx", params={"url": home, "output": "json"}).json()
    assert every[0] == ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest",
                        "length"]
    assert [r[1] for r in every[1:]] == _stamps(db, home)
    site = client.get("/-/web/cdx", params=[
        ("url", home.split("//", 1)[1]), ("matchType", "prefix"), ("output", "json"),
        ("fl", "timestamp,original,statuscode"), ("filter", "statuscode:200"),
        ("filter", "mimetype:text/html")]).json()
    assert site[0] == ["timestamp", "original", "statuscode"] and len(site) > 20
    assert {r[2] for r in site[1:]} == {"200"}
    paged, key = [], None
    while True:
        params = [("url", home.split("//", 1)[1] + "*"), ("output", "json"), ("limit", "7"),
                  ("showResumeKey", "true"), ("filter", "statuscode:200"),
                  ("filter", "mimetype:text/html")] + ([("resumeKey", key)] if key else [])
        table = client.get("/-/web/cdx", params=params).json()
        if len(table) >= 2 and table[-2] == []:
            key, table = table[-1][0], table[:-2]
        else:
            key = None
        paged += table[1:]
        if key is None:
            break
    assert [(r[1], r[2]) for r in paged] == [(r[0], r[1]) for r in site[1:]]
    collapsed = client.get("/-/web/cdx", params={"url": home, "collapse": "digest"}).text
    assert 0 < len(collapsed.splitlines()) <= len(every) - 1
    assert client.get("/-/web/cdx", params={"url": home, "filter": "statuscode:("}).status_code == 400


@pytest.fixture(scope="module")
def served(archive, tmp_path_factory):
    """The archive served by the real `embassy-archive serve` on 127.0.0.1."""
    _, db, _ = archive
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("wb")
    proc = subprocess.Popen([str(BIN / "embassy-archive"), "serve", "--db", str(db),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + HANG  # a start awaited, never timed
        while True:
            try:
                if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        yield base
    finally:
        stop_process(proc)
        log.close()


VERSIONS = ("SELECT url, captured_at, title, text, content_sha256 FROM page_versions "
            "ORDER BY url, captured_at")


def test_backfill_from_another_archives_serve_gives_the_same_versions(archive, served, tmp_path):
    home, db, _ = archive
    copy = tmp_path / "copy.db"
    done = subprocess.run(
        [str(BIN / "embassy-archive"), "backfill", home, "--db", str(copy), "--cdx",
         served + "/-/web/cdx", "--every", "month", "--delay", "0", "--quiet"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"},
        check=False)
    assert done.returncode == 0, done.stderr
    ours = sqlite_utils.Database(db).execute(VERSIONS.replace("ORDER", "WHERE url = ? ORDER"),
                                             (home,)).fetchall()
    theirs = sqlite_utils.Database(copy).execute(VERSIONS).fetchall()
    assert len(ours) >= 3 and theirs == ours


@pytest.mark.parametrize("path", ["/", "/-/no-such-cdx", "/-/page"])
def test_a_backfill_from_an_address_that_is_no_cdx_server_fails_in_one_line(served, tmp_path, path):
    done = subprocess.run(
        [str(BIN / "embassy-archive"), "backfill", "http://example.org/", "--db",
         str(tmp_path / "x.db"), "--cdx", served + path, "--delay", "0", "--quiet"],
        capture_output=True, text=True, timeout=HANG, check=False)
    assert done.returncode == 3, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "not a CDX server" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
