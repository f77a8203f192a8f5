"""The archive is an open file: any SQLite reader reads every row of it, with nothing of ours.

One archive is built as a user's would be (two crawls of the sample site, a WARC import, a
backfill from a loopback CDX server), then read with Python's plain sqlite3, copied with
VACUUM INTO and with the sqlite3 shell's .dump, and served by a stock Datasette: one in a
virtual environment of its own holding Datasette alone, which loads no plugin of ours.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from test_backfill import history
from wayback_server import FakeWayback, serve_wayback

from archive.api import open_archive
from scraper.backfill import BackfillOptions
from scraper.cli import cli
from scraper.sample_site import serve_sample_site
from scraper.webarchive import backfill, site_of_url

ROOT = Path(__file__).resolve().parents[1]
STOCK = ROOT / ".venv-stock"  # Datasette alone (made once; .gitignore'd)
IN_CI = os.environ.get("CI") == "true"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _crawl(url: str, db: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", url, "--db", str(db), "--delay", "0", "--quiet"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("open")
    path, other, warc = folder / "archive.db", folder / "other.db", folder / "first.warc.gz"
    port = _free_port()
    with serve_sample_site(port=port) as server:
        home = server.url + "/"
        _crawl(home, other)
        exported = CliRunner().invoke(cli, ["export-warc", "--db", str(other), str(warc)])
        assert exported.exit_code == 0, exported.output
        imported = CliRunner().invoke(cli, ["import-warc", str(warc), "--db", str(path)])
        assert imported.exit_code == 0, imported.output
        _crawl(home, path)
    with serve_sample_site(port=port, edition=2):
        _crawl(home, path)
    with serve_wayback(FakeWayback(history(home))) as wayback, \
            open_archive(path, lock=True) as opened:
        backfill(opened, site_of_url(opened, home), urls=[home], cdx_url=wayback.cdx_url,
                 delay=0, options=BackfillOptions())
    conn = sqlite3.connect(path)
    sources = {r[0] for r in conn.execute("SELECT DISTINCT source FROM captures")}
    changed = conn.execute("SELECT count(*) FROM page_versions WHERE version > 1").fetchone()[0]
    conn.close()
    assert {"crawl", "wayback"} <= sources and any(s.startswith("warc:") for s in sources)
    assert changed > 0
    return path


def _names(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
                        "ORDER BY name").fetchall()


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for kind, name in _names(conn) if not name.startswith("sqlite_")}


def test_plain_sqlite_reads_every_row_of_every_table_and_view(archive: Path) -> None:
    conn = sqlite3.connect(archive)  # nothing registered
    for _, name in _names(conn):
        rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
        assert rows is not None
    text = conn.execute("SELECT text FROM pages WHERE text <> '' LIMIT 1").fetchone()[0]
    assert isinstance(text, str) and text.strip()
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_vacuum_into_makes_a_whole_copy(archive: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(archive)
    conn.execute(f"VACUUM INTO '{tmp_path / 'copy.db'}'")
    want = _counts(conn)
    conn.close()
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert _counts(copy) == want
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _search(conn: sqlite3.Connection) -> list[tuple[str, ...]]:
    return conn.execute(
        "SELECT p.url FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid "
        "WHERE pages_fts MATCH 'cooperation' ORDER BY p.url").fetchall()


def test_the_sqlite3_shell_dump_restores_every_row_and_the_search_still_finds(
    archive: Path, tmp_path: Path
) -> None:
    shell = shutil.which("sqlite3")
    if shell is None:
        if IN_CI:
            pytest.fail("the sqlite3 shell is missing (.ci/run installs it)")
        pytest.skip("no sqlite3 shell on this machine")
    dump = subprocess.run([shell, str(archive), ".dump"], capture_output=True, check=True)
    copy = tmp_path / "restored.db"
    restored = subprocess.run([shell, str(copy)], input=dump.stdout, capture_output=True,
                              check=False)
    assert restored.returncode == 0 and not restored.stderr, restored.stderr[:500]
    conn, new = sqlite3.connect(archive), sqlite3.connect(copy)
    assert _counts(new) == _counts(conn)
    found = _search(conn)
    assert found and _search(new) == found  # the index still points at the right pages
    assert new.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture(scope="module")
def stock_datasette() -> Path:
    """Datasette 0.65 alone in a virtual environment of its own, made once."""
    datasette = STOCK / "bin" / "datasette"
    if not datasette.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(STOCK)], capture_output=True,
                              check=False)
        if made.returncode == 0:
            made = subprocess.run([str(STOCK / "bin" / "python"), "-m", "pip", "install",
                                   "--quiet", "datasette>=0.65,<0.66"], capture_output=True,
                                  check=False)
        if made.returncode != 0:
            shutil.rmtree(STOCK, ignore_errors=True)
            message = f"could not make a stock Datasette: {made.stderr.decode()[-300:]}"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
    return datasette


def test_a_stock_datasette_serves_pages_sections_and_versions_as_json_and_csv(
    archive: Path, stock_datasette: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "archive.db"
    shutil.copy(archive, copy)
    port = _free_port()
    server = subprocess.Popen(
        [str(stock_datasette), "serve", str(copy), "--host", "127.0.0.1", "--port", str(port)],
        stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        for line in server.stderr:  # wait for the server to say it is up (or to exit)
            if "Uvicorn running on" in line:
                break
        else:
            pytest.fail(f"the stock Datasette exited with status {server.wait()}")
        base = f"http://127.0.0.1:{port}"
        plugins = httpx.get(f"{base}/-/plugins.json").json()
        assert not [p for p in plugins if "archive" in p["name"]]  # none of ours
        conn = sqlite3.connect(copy)
        for table in ("pages", "sections", "page_versions"):
            total = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            rows = httpx.get(f"{base}/archive/{table}.json?_shape=array&_size=max").json()
            assert len(rows) == total and all("text" in r for r in rows), table
            csv = httpx.get(f"{base}/archive/{table}.csv?_stream=on&_size=max")
            assert csv.status_code == 200, table
            assert csv.text.splitlines()[0].split(",")[:2] and "text" in csv.text.splitlines()[0]
        conn.close()
    finally:
        server.terminate()
        server.wait()
