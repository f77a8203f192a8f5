"""`import-warc` imports nothing it cannot trust: WARCs written by warcio, then cut short,
mis-chunked, altered, or holding revisits of 304s, HTML resource records, crawler traps and
robots-refused pages; a foreign WARC into a new archive; `wget --warc-file` of the sample site;
and the round trip archive -> WARC -> a new archive with no options."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.store import capture_body
from scraper.cli import cli
from scraper.sample_site import serve_sample_site
from scraper.urls import trap_reason

SITE = "http://ml.ambafrance.test"


def page(title: str, words: str = "") -> bytes:
    return (f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><h1>{title}</h1><p>Texte de la page {title}. {words}</p></body>"
            "</html>").encode()


def response(w: WARCWriter, url: str, date: str, body: bytes, *, status: str = "200 OK",
             headers: list[tuple[str, str]] | None = None, wire: bytes | None = None):
    payload = body if wire is None else wire
    http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8"),
                                     *(headers or [])], protocol="HTTP/1.1")
    return w.create_warc_record(url, "response", payload=BytesIO(payload), length=len(payload),
                                http_headers=http, warc_headers_dict={"WARC-Date": date})


def write(path: Path, build, *, gz: bool = True) -> Path:
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz, warc_version="1.1")
        for record in build(w):
            w.write_record(record)
    return path


def three_pages(w: WARCWriter):
    for i in range(3):
        yield response(w, f"{SITE}/article-{i}", f"2012-03-0{i + 1}T10:00:00Z",
                       page(f"Article {i}", "mot " * 400))


def run(*args: str):
    return CliRunner().invoke(cli, [*args])


def captures(db_path: Path) -> list[tuple]:
    return sqlite_utils.Database(db_path).execute(
        "SELECT url, fetched_at, status, sha256 FROM captures ORDER BY fetched_at, id").fetchall()


@pytest.mark.parametrize("gz", [True, False])
def test_a_file_cut_short_keeps_its_whole_records_and_reports_the_cut_one(tmp_path, gz):
    whole = write(tmp_path / ("whole.warc.gz" if gz else "whole.warc"), three_pages, gz=gz)
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) * 5 // 6])
    db = tmp_path / "a.db"
    done = run("import-warc", str(cut), "--db", str(db))
    assert done.exit_code == 0, done.output
    assert "1 truncated" in done.output
    kept = captures(db)
    assert [c[0] for c in kept] == [f"{SITE}/article-0", f"{SITE}/article-1"]
    # The whole file afterwards adds the third page only: no fragment, no false "changed".
    again = run("import-warc", str(whole), "--db", str(db))
    assert again.exit_code == 0 and "1 new" in again.output and "2 already held" in again.output
    versions = sqlite_utils.Database(db).execute(
        "SELECT url, count(*) FROM page_versions GROUP BY url").fetchall()
    assert versions == [(f"{SITE}/article-{i}", 1) for i in range(3)]


def test_a_wrong_chunk_size_or_an_altered_body_is_skipped_by_reason(tmp_path):
    def build(w):
        yield response(w, f"{SITE}/chunked-ok", "2012-01-01T00:00:00Z", b"",
                       headers=[("Transfer-Encoding", "chunked")],
                       wire=b"6\r\n<html>\r\n7\r\n</html>\r\n0\r\n\r\n")
        yield response(w, f"{SITE}/mis-chunked", "2012-01-01T00:00:01Z", b"",
                       headers=[("Transfer-Encoding", "chunked")],
                       wire=b"9\r\n<html>\r\n7\r\n</html>\r\n0\r\n\r\n")
        yield response(w, f"{SITE}/altered", "2012-01-01T00:00:02Z", page("Vrai"))
        yield response(w, f"{SITE}/bad-gzip", "2012-01-01T00:00:03Z", b"",
                       headers=[("Content-Encoding", "gzip")], wire=gzip.compress(page("Z"))[:-9])

    path = write(tmp_path / "mixed.warc", build, gz=False)
    data = path.read_bytes().replace(b"Texte de la page Vrai", b"Texte de la page Faux")
    path.write_bytes(data)
    db = tmp_path / "b.db"
    done = run("import-warc", str(path), "--db", str(db))
    assert done.exit_code == 0, done.output
    for reason in ("1 bad chunking", "1 digest mismatch", "1 bad content-encoding"):
        assert reason in done.output
    kept = captures(db)
    assert [c[0] for c in kept] == [f"{SITE}/chunked-ok"]
    assert capture_body(sqlite_utils.Database(db), kept[0][3]) == b"<html></html>"


def test_a_revisit_of_a_304_is_an_unchanged_check_and_html_resources_are_pages(tmp_path):
    db = tmp_path / "c.db"
    assert run("import-warc", str(write(tmp_path / "a.warc.gz", three_pages)), "--db",
               str(db)).exit_code == 0

    def build(w):
        http = StatusAndHeaders("304 Not Modified", [("ETag", '"x"')], protocol="HTTP/1.1")
        revisit = w.create_revisit_record(f"{SITE}/article-0", "sha1:" + "A" * 32,
                                          f"{SITE}/article-0",
                                          "2012-03-01T10:00:00Z", http_headers=http,
                                          warc_headers_dict={"WARC-Date": "2013-05-05T05:05:05Z"})
        revisit.rec_headers.replace_header(
            "WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/server-not-modified")
        yield revisit
        yield w.create_warc_record(
            f"{SITE}/snapshot", "resource", payload=BytesIO(page("Instantané")),
            warc_content_type="text/html; charset=utf-8",
            warc_headers_dict={"WARC-Date": "2013-05-05T05:06:00Z"})
        yield w.create_warc_record(
            f"{SITE}/logo.png", "resource", payload=BytesIO(b"\x89PNG"),
            warc_content_type="image/png", warc_headers_dict={"WARC-Date": "2013-05-05T05:06:01Z"})

    before = captures(db)
    done = run("import-warc", str(write(tmp_path / "b.warc.gz", build)), "--db", str(db))
    assert done.exit_code == 0, done.output
    assert "1 unchanged" in done.output and "1 new" in done.output
    archive = sqlite_utils.Database(db)
    seen = archive.execute("SELECT last_seen FROM pages WHERE url = ?", (f"{SITE}/article-0",))
    assert seen.fetchone()[0] == "2013-05-05T05:05:05Z"
    after = captures(db)
    assert [c for c in after if c not in before] == [
        (f"{SITE}/snapshot", "2013-05-05T05:06:00Z", 200, after[-1][3])]
    title = archive.execute("SELECT title FROM pages WHERE url = ?", (f"{SITE}/snapshot",))
    assert title.fetchone()[0] == "Instantané"


def test_the_crawlers_trap_and_robots_rules_apply_and_are_counted(tmp_path):
    def build(w):
        yield w.create_warc_record(
            f"{SITE}/robots.txt", "response",
            payload=BytesIO(b"User-agent: *\nDisallow: /ecrire/\nDisallow: /spip.php?page=login\n"),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/plain")],
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2012-01-01T00:00:00Z"})
        yield response(w, f"{SITE}/", "2012-01-01T00:00:01Z", page("Accueil"))
        for month in ("2011-07", "2011-08", "2011-09"):
            yield response(w, f"{SITE}/agenda?mois={month}", "2012-01-01T00:00:02Z",
                           page(f"Agenda {month}"))
        yield response(w, f"{SITE}/spip.php?page=login", "2012-01-01T00:00:03Z", page("Login"))
        yield response(w, f"{SITE}/ecrire/", "2012-01-01T00:00:04Z", page("Privé"))
        yield response(w, f"{SITE}/spip.php?action=cookie", "2012-01-01T00:00:05Z", page("A"))

    db = tmp_path / "d.db"
    done = run("import-warc", str(write(tmp_path / "traps.warc.gz", build)), "--db", str(db))
    assert done.exit_code == 0, done.output
    assert "skipped: 2 calendar, 2 robots.txt, 1 spip action" in done.output
    urls = {c[0] for c in captures(db)}
    assert urls == {f"{SITE}/robots.txt", f"{SITE}/", f"{SITE}/agenda?mois=2011-07"}


def test_a_foreign_warc_into_a_new_archive_takes_its_sites_from_the_hosts(tmp_path):
    path = write(tmp_path / "foreign.warc.gz", three_pages)
    db = tmp_path / "e.db"
    done = run("import-warc", str(path), "--db", str(db))
    assert done.exit_code == 0, done.output
    said = [line for line in done.output.splitlines() if "sites taken from" in line]
    assert said == [("import-warc: sites taken from the records' hosts: ml.ambafrance.test "
                     "(narrow with --sites FILE [--site NAME])")]
    assert sqlite_utils.Database(db).execute("SELECT name FROM sites").fetchall() == [
        ("ml.ambafrance.test",)]
    sites = tmp_path / "sites.yml"
    sites.write_text("sites:\n  - name: other\n    hosts: [other.test]\n    start_urls: "
                     "['http://other.test/']\n", encoding="utf-8")
    narrowed = run("import-warc", str(path), "--db", str(tmp_path / "f.db"), "--sites", str(sites))
    assert narrowed.exit_code == 2
    assert narrowed.output.strip().splitlines() == [
        ("Error: import-warc: nothing imported: 3 records skipped as other sites "
         "(name the sites with --sites FILE [--site NAME])")]


def test_a_file_that_breaks_off_leaves_nothing_and_says_so_in_one_line(tmp_path):
    path = write(tmp_path / "broken.warc", three_pages, gz=False)
    data = path.read_bytes()
    second = data.index(b"WARC/1.1\r\n", 1)  # the second record's first line, damaged
    path.write_bytes(data[:second] + b"GARBAGE!\r\n" + data[second + 10:])
    db = tmp_path / "g.db"
    done = run("import-warc", str(path), "--db", str(db))
    assert done.exit_code == 2, done.output
    assert len(done.output.strip().splitlines()) == 1 and "broken.warc" in done.output
    assert captures(db) == []


def _same(a: Path, b: Path) -> None:
    queries = {
        "pages": "SELECT url, site, language, title, breadcrumb, published, modified, text, "
        "first_seen, last_seen, last_changed FROM pages ORDER BY url",
        "page_versions": "SELECT url, version, captured_at, title, text, content_sha256 "
        "FROM page_versions ORDER BY captured_at, url, version",
        # The crawl notes where every fetch ended, an import only where one was redirected.
        "captures": "SELECT url, coalesce(final_url, url), fetched_at, status, sha256 FROM captures "
        "WHERE status IS NOT NULL AND sha256 IS NOT NULL ORDER BY fetched_at, url",
    }
    for table, sql in queries.items():
        left = sqlite_utils.Database(a).execute(sql).fetchall()
        right = sqlite_utils.Database(b).execute(sql).fetchall()
        assert left and right == left, table


def test_the_round_trip_with_no_options_gives_the_same_archive(tmp_path):
    db, copy, out = tmp_path / "crawl.db", tmp_path / "copy.db", tmp_path / "all.warc.gz"
    with serve_sample_site() as server:
        assert run("crawl", server.url + "/", "--db", str(db), "--delay", "0").exit_code == 0
    assert run("export-warc", str(out), "--db", str(db)).exit_code == 0
    done = run("import-warc", str(out), "--db", str(copy))
    assert done.exit_code == 0, done.output
    assert "skipped: none" in done.output
    _same(db, copy)


def test_wget_warc_of_the_sample_site_imports_into_a_new_archive(tmp_path):
    wget = shutil.which("wget")
    if wget is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wget is not installed")
        pytest.skip("wget is not installed")
    with serve_sample_site() as server:
        subprocess.run([wget, "--recursive", "--level=2", "--no-verbose", "--delete-after",
                        "--no-directories", f"--warc-file={tmp_path / 'site'}",
                        "--no-warc-keep-log", server.url + "/"],
                       cwd=tmp_path, capture_output=True, timeout=300, check=False)
        host = server.url.split("//", 1)[1]
    warc = tmp_path / "site.warc.gz"
    assert warc.is_file()
    db = tmp_path / "wget.db"
    done = run("import-warc", str(warc), "--db", str(db))
    assert done.exit_code == 0, done.output
    assert f"sites taken from the records' hosts: {host}" in done.output
    archive = sqlite_utils.Database(db)
    pages = [u for (u,) in archive.execute("SELECT url FROM pages").fetchall()]
    assert len(pages) > 10
    assert all(trap_reason(u) in (None, "calendar") for u in pages)
    assert not any("page=login" in u for u in pages)  # wget obeyed robots.txt, as we do
    assert len(pages) == archive.execute(
        "SELECT count(DISTINCT url) FROM page_versions").fetchone()[0]
