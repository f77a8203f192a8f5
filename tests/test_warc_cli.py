"""The export-warc and import-warc commands: a summary line and exit 0, or one line and exit 2."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.sample_site import serve_sample_site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "archive.db"
    with serve_sample_site() as server:
        result = CliRunner().invoke(cli, ["crawl", server.url + "/", "--db", str(db), "--delay", "0"])
        assert result.exit_code == 0, result.output
    return server.url, db, folder


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_export_then_import_through_the_commands(crawled, tmp_path):
    url, db, _ = crawled
    out = tmp_path / "ml.warc.gz"
    exported = invoke("export-warc", "--db", str(db), str(out), "--wacz")
    assert exported.exit_code == 0, exported.output
    assert exported.output.startswith("export-warc: ") and "revisits" in exported.output
    assert out.is_file() and (tmp_path / "ml.wacz").is_file()
    host = url.split("//", 1)[1]
    sites = tmp_path / "sites.yml"
    sites.write_text(f"sites:\n  - name: sample\n    hosts: ['{host}']\n", encoding="utf-8")
    copy = tmp_path / "copy.db"
    imported = invoke("import-warc", str(out), "--db", str(copy), "--sites", str(sites))
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith("import-warc: ") and " new" in imported.output
    # The site given once is now the archive's: a second import needs no --sites.
    again = invoke("import-warc", str(out), "--db", str(copy))
    assert again.exit_code == 0 and "0 captures" in again.output and "skipped: none" in again.output
    assert "sites taken from" not in again.output
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT name FROM sites").fetchall() == [("sample",)]
        assert conn.execute("SELECT DISTINCT site FROM pages").fetchall() == [("sample",)]


def test_an_out_ending_in_wacz_is_the_wacz(crawled, tmp_path):
    _, db, _ = crawled
    result = invoke("export-warc", "--db", str(db), str(tmp_path / "all.wacz"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "all.wacz").is_file() and (tmp_path / "all.warc.gz").is_file()


@pytest.mark.parametrize("args, says", [
    (["export-warc", "--db", "{folder}/none.db", "{tmp}/x.warc.gz"], "no database at"),
    (["export-warc", "--db", "{db}", "{tmp}/x.warc.gz", "--site", "nowhere"], "no site named 'nowhere'"),
    (["export-warc", "--db", "{db}", "{tmp}/x.warc.gz", "--since", "2026-13-01"], "is not a date"),
    (["export-warc", "--db", "{db}", "{tmp}/no/such/x.warc.gz"], "does not exist"),
    (["import-warc", "{tmp}/notes.txt", "--db", "{tmp}/new.db"], "is not a WARC file"),
    (["import-warc", "{tmp}/missing.warc.gz", "--db", "{tmp}/new.db"], "does not exist"),
    (["import-warc", "{tmp}/notes.txt", "--db", "{tmp}/new.db", "--site", "ml"], "--site needs --sites"),
])
def test_a_user_mistake_is_one_line_and_exit_2(crawled, tmp_path, args, says):
    _, db, folder = crawled
    (tmp_path / "notes.txt").write_text("not a WARC\n", encoding="utf-8")
    filled = [a.format(folder=folder, db=db, tmp=tmp_path) for a in args]
    result = invoke(*filled)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert not Path(tmp_path / "x.warc.gz").exists()
