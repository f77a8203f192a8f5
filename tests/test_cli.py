"""The command line: every command documented, every user mistake one line and status 2."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlite_utils import Database
from waiting import HANG

from archive.lock import crawl_lock
from archive.schema import ensure_schema
from scraper.cli import cli

COMMANDS = ["crawl", "extract", "reextract", "serve", "demo"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command in a real process, as a user or cron runs it."""
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", *args],
        capture_output=True, text=True, timeout=HANG, check=False,
    )


def test_the_group_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_says_what_it_does(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    first_line = (cli.commands[name].help or "").split("\n")[0].split()
    assert first_line and " ".join(first_line) in " ".join(result.output.split())


@pytest.mark.parametrize(
    "args, words",
    [
        (["crawl", "--db", "x.db"], "give seed URLs or --sites FILE"),
        (["crawl", "ftp://example.org/", "--db", "x.db"], "not an http(s) URL"),
        (["crawl", "http://127.0.0.1:9/", "--db", "x.db", "--max-pages", "0"], "--max-pages"),
        (["crawl", "http://127.0.0.1:9/", "--db", "x.db", "--delay", "-1"], "--delay"),
        (["crawl", "--site", "ml", "--db", "x.db"], "--site needs --sites"),
        (["crawl", "--sites", "missing.yml", "--db", "x.db"], "no such file"),
        (["crawl", "http://127.0.0.1:9/"], "Missing option '--db'"),
        (["serve", "--db", "missing.db"], "no database at missing.db"),
        (["reextract", "--db", "missing.db"], "no database at missing.db"),
        (["serve", "--db", "x.db", "--port", "99999"], "--port"),
        (["crawl", "http://127.0.0.1:9/", "--db", "no/such/folder/x.db"], "does not exist"),
        (["frobnicate"], "No such command"),
    ],
)
def test_a_user_mistake_gives_one_line_and_status_2(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_a_broken_sites_file_names_its_line(tmp_path):
    sites = tmp_path / "sites.yml"
    sites.write_text("sites:\n  - name: a\n    hosts: [a.test\n", encoding="utf-8")
    result = run("crawl", "--sites", str(sites), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert f"{sites}, line 4: not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_refused_without_harm(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("my precious notes\n" * 100)
    result = run("serve", "--db", str(path))
    assert result.returncode == 2
    assert "is not an embassy-archive database" in result.stderr
    assert path.read_text() == "my precious notes\n" * 100


def test_a_second_crawl_on_a_locked_database_exits_75(tmp_path):
    db = tmp_path / "a.db"
    with crawl_lock(db):
        result = run("crawl", "http://127.0.0.1:9/", "--db", str(db))
    assert result.returncode == 75
    assert result.stderr.strip().count("\n") == 0
    assert "holds the lock" in result.stderr


def test_extract_prints_the_page_as_json(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html lang='fr'><body><main><h1>Visas pour la France</h1>"
        "<p>Les demandes de visa se déposent au centre de Bamako du lundi au jeudi.</p>"
        "<h2>Pièces à fournir</h2><p>Un passeport valide et une photo récente.</p>"
        "</main></body></html>",
        encoding="utf-8",
    )
    result = run("extract", str(page), "--url", "https://ml.ambafrance.org/Visas")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "Visas pour la France"
    assert [s["heading"] for s in data["sections"]][-1] == "Pièces à fournir"
    assert data["language"] == "fr"


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_busy_port_is_one_line_not_a_server_log(tmp_path, command):
    import socket

    db = tmp_path / "a.db"
    ensure_schema(Database(db))  # an archive to serve (a crawl of a closed port retries for seconds)
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = str(busy.getsockname()[1])
        result = run(command, "--db", str(db), "--port", port)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: cannot listen on 127.0.0.1:{port} (Address already in use)"


def test_another_applications_sqlite_file_is_left_alone(tmp_path):
    import sqlite3

    path = tmp_path / "accounts.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table invoices (id integer primary key, total real)")
        conn.execute("insert into invoices (total) values (12.5)")
    result = run("crawl", "http://127.0.0.1:9/", "--db", str(path))
    assert result.returncode == 2
    assert "a SQLite database of another application" in result.stderr
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
    assert tables == ["invoices"]


@pytest.mark.slow
def test_the_demo_crawls_the_sample_site_and_a_second_demo_is_incremental(tmp_path):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as s:
        free = str(s.getsockname()[1])
    db = str(tmp_path / "demo.db")
    first = run("demo", "--no-serve", "--db", db, "--sample-port", free)
    second = run("demo", "--no-serve", "--db", db, "--sample-port", free)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert f"Sample embassy site at http://127.0.0.1:{free}/" in first.stderr
    from scraper.sample_site import SampleSite

    pages = len(SampleSite().html_urls()) + 1  # and the first page of the agenda

    def summary(stderr: str) -> str:  # the demo may explain its expected failure after it
        return next(line for line in stderr.splitlines() if line.startswith("crawl "))

    assert f" {pages} new, " in summary(first.stderr)
    assert " 0 new, 0 changed, " in summary(second.stderr)


@pytest.mark.parametrize("name", ["crawl", "reextract", "import-warc", "backfill", "export-warc"])
def test_each_command_that_writes_documents_the_status_of_a_full_or_read_only_disk(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "74 the disk is full or read-only" in " ".join(result.output.split())
