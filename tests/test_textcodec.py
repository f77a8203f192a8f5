"""pages.text stored as zstd in text_z and read through zstd_text(), on every kind of connection."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive import store, textcodec
from archive.schema import ensure_schema
from scraper.models import Capture, Page, Section

ODD = 'Citation « ok » "entre guillemets" \\ \x01 \u2028 سلام 安全 😀'
LONG = " ".join(f"La coopération technique numéro {n} entre la France et le Mali." for n in range(60))


@pytest.mark.parametrize("text", [None, "", "a", ODD, LONG])
def test_compressed_text_reads_back_exactly(text: str | None) -> None:
    blob = textcodec.compress_text(text)
    assert textcodec.decompress_text(blob) == text
    assert blob is None if text is None else isinstance(blob, bytes)


def test_a_long_text_takes_much_less_than_its_utf8() -> None:
    blob = textcodec.compress_text(LONG)
    assert blob is not None and len(blob) < len(LONG.encode()) / 4


def _archive(path: Path) -> None:
    db = Database(path)
    ensure_schema(db)
    url = "https://ml.ambafrance.org/Article-1"
    with db.conn:
        cid = store.save_capture(db, Capture(url, "2024-01-01T00:00:00Z", status=200,
                                             content_type="text/html", body=b"<p>x</p>"), None)
        page = Page(url=url, title="Sécurité", text=f"INTRO\n\n{LONG}\n\n{ODD}",
                    sections=[Section("INTRO", 2, LONG), Section(None, 0, ODD)])
        store.save_extraction(db, page, cid, "ml", "2024-01-01T00:00:00Z")
    db.close()


def test_store_writes_text_z_and_every_reader_gets_the_text(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _archive(path)
    expected = f"INTRO\n\n{LONG}\n\n{ODD}"
    with textcodec.connect(path) as conn:
        text, blob = conn.execute("SELECT text, text_z FROM pages").fetchone()
        assert text == expected and len(blob) < len(expected.encode()) / 3
        sections = conn.execute("SELECT text FROM sections ORDER BY position").fetchall()
        assert sections == [(LONG,), (ODD,)]  # the view reads through the generated column
        assert conn.execute("SELECT text FROM page_versions").fetchone() == (expected,)
    conn.close()
    # sqlite-utils gets the function from our plugin (pyproject's entry point)
    db = Database(path)
    assert db.execute("SELECT text FROM pages").fetchone() == (expected,)
    db.close()


def test_the_sqlite_utils_command_reads_page_text(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _archive(path)
    out = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "query", str(path),
         "SELECT title, substr(text, 1, 5) AS start FROM pages"],
        capture_output=True, text=True, check=True).stdout
    assert '"start": "INTRO"' in out


def test_a_connection_without_the_function_is_told_which_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _archive(path)
    plain = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="zstd_text"):
        plain.execute("SELECT text FROM pages").fetchone()
    textcodec.register(plain)
    assert plain.execute("SELECT length(text) FROM pages").fetchone() == (
        len(f"INTRO\n\n{LONG}\n\n{ODD}"),)
    plain.close()


def test_threads_reading_at_once_each_get_their_own_text() -> None:
    # Datasette reads on several threads: a zstandard object shared by two gives wrong text
    texts = [f"texte {n} numéro " * 3000 for n in range(8)]
    blobs = [textcodec.compress_text(t) for t in texts]
    wrong: list[int] = []

    def read(i: int) -> None:
        for _ in range(300):
            if textcodec.decompress_text(blobs[i]) != texts[i]:
                wrong.append(i)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_a_plain_datasette_without_our_set_up_shows_page_text(tmp_path: Path) -> None:
    # `datasette archive.db` loads the function's plugin from the package's entry point
    path = tmp_path / "a.db"
    _archive(path)
    script = (
        "import asyncio, sys\n"
        "from datasette.app import Datasette\n"
        "ds = Datasette(files=[sys.argv[1]])\n"
        "r = asyncio.run(ds.client.get('/a/pages.json?_shape=array&_col=text'))\n"
        "print(r.status_code, r.json()[0]['text'][:5])\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                         text=True, check=True, cwd=tmp_path).stdout
    assert out.split() == ["200", "INTRO"]


def test_our_datasette_shows_page_text_on_the_table_the_row_and_in_csv(tmp_path: Path) -> None:
    import asyncio

    from datasette.utils import tilde_encode

    from archive.publish import make_datasette

    path = tmp_path / "a.db"
    _archive(path)
    ds = make_datasette(path)

    def get(url: str) -> str:
        response = asyncio.run(ds.client.get(url))
        assert response.status_code == 200, url
        return response.text

    assert "La coopération technique numéro 59" in get("/a/pages.csv?_col=text")
    assert "INTRO" in get("/a/pages/" + tilde_encode("https://ml.ambafrance.org/Article-1"))
    assert [s["text"] for s in json.loads(get("/a/sections.json?_shape=array"))] == [LONG, ODD]
