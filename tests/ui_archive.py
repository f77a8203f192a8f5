"""Archives for the reader's tests: the sample site crawled twice (edition 1, then edition 2
with changed, removed and added pages), and a hostile capture whose scripts must never run.

Shared by test_ui_*.py and test_browser.py. Everything is served on 127.0.0.1 only.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

from sqlite_utils import Database

from archive import store
from archive.schema import ensure_schema
from scraper import extract_page
from scraper.models import Capture
from scraper.sample_site import serve_sample_site

CHANGED_PATH = "/Horaires-d-ouverture-de-la-section-consulaire-12"
GONE_PATH = "/Visa-de-long-sejour-4152"
NEW_PATH = "/Permanence-consulaire-a-Kayes-4170"
SEED_PATH = "/Le-Service-de-Securite-Interieure"
AR_PATH = ("/%D8%AC%D9%87%D8%A7%D8%B2-%D8%A7%D9%84%D8%A3%D9%85%D9%86-%D8%A7%D9%84%D8%AF"
           "%D8%A7%D8%AE%D9%84%D9%8A-4212")
ZH_PATH = "/Service-de-securite-interieure-zh-4222"
HOSTILE_URL = "https://hostile.example.org/Une-page-piegee-1"


def _crawl(url: str, db: Path) -> None:
    # The real command in its own process: the browser tests' playwright holds an event loop
    # in this one, where the crawl's asyncio.run could not start.
    result = subprocess.run(
        [sys.executable, "-c", "from scraper.cli import cli; cli()", "crawl", url,
         "--db", str(db), "--delay", "0", "--quiet"],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, (result.stdout, result.stderr)


_BUILT: list[tuple[Path, str]] = []  # this test process's two-edition archive, once built


def crawl_two_editions(db: Path) -> str:
    """Crawl edition 1 of the sample site, then edition 2 at the same address, into `db`; its
    base URL. The two crawls run once per test process: later callers get a copy of that
    archive (each module its own file, the first one untouched)."""
    if _BUILT:
        source, base = _BUILT[0]
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(db)) as dst:
            src.backup(dst)
        return base
    folder = tempfile.mkdtemp(prefix="two-editions-")
    atexit.register(shutil.rmtree, folder, True)
    source = Path(folder) / "archive.db"
    with serve_sample_site(edition=1) as first:
        base = first.url
        _crawl(base + "/", source)
    port = int(base.rsplit(":", 1)[1])
    with serve_sample_site(edition=2, port=port) as second:
        _crawl(second.url + "/", source)
    ensure_gone(source, base + GONE_PATH)
    _BUILT.append((source, base))
    return crawl_two_editions(db)


def ensure_gone(db_path: Path, url: str) -> None:
    """Record `url` as removed (410) if the crawl did not: a crawl may leave alone a page its
    sitemap no longer lists, and the reader's tests need one removed page either way."""
    db = Database(db_path)
    row = db.conn.execute("SELECT gone_at FROM pages WHERE url = ?", (url,)).fetchone()
    assert row is not None, f"{url} was never archived"
    if row[0] is None:
        when = "2099-01-01T00:00:00Z"
        with db.conn:
            store.save_capture(db, Capture(url, when, status=410), None, "gone")
            db.conn.execute("UPDATE pages SET gone_at = ?, gone_status = 410 WHERE url = ?",
                            (when, url))
    db.conn.close()


class LiveSite:
    """A stand-in for the live site on 127.0.0.1 that counts every request it receives."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"live")

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def hostile_html(live: str) -> bytes:
    """A page whose scripts, images, styles and frames would all reach `live` or set a mark."""
    return f"""<!DOCTYPE html><html lang="fr"><head><title>Une page piégée</title>
<link rel="stylesheet" href="{live}/style.css">
<script src="{live}/script.js"></script>
<script>try {{ top.document.title = "SCRIPT RAN"; }} catch (e) {{}}
document.title = "SCRIPT RAN"; localStorage.setItem("pwned", "1");
fetch("{live}/fetch");</script>
</head><body onload="document.body.setAttribute('data-pwned', '1')">
<h1>Une page piégée</h1>
<p>Un texte <b>ordinaire</b> avant l’image.</p>
<img src="{live}/image.png" alt="image">
<iframe src="{live}/frame"></iframe>
<p>Fin de la page piégée.</p>
</body></html>""".encode()


def add_hostile_capture(db_path: Path, live: str) -> int:
    """Archive the hostile page through the store API; returns its capture id."""
    db = Database(db_path)
    ensure_schema(db)
    body = hostile_html(live)
    when = "2024-06-01T10:00:00Z"
    with db.conn:
        capture = Capture(HOSTILE_URL, when, 200, content_type="text/html; charset=utf-8",
                          headers={"content-type": "text/html; charset=utf-8",
                                   "x-test": "<b>bold?</b>"}, body=body)
        capture_id = store.save_capture(db, capture, None)
        page = extract_page(body, HOSTILE_URL)
        store.set_outcome(db, capture_id,
                          store.save_extraction(db, page, capture_id, "hostile.example.org", when))
    db.conn.close()
    return capture_id


@contextmanager
def crawled_archive(tmp: Path) -> Iterator[tuple[Path, str]]:
    """The two-edition archive of the sample site at `tmp/archive.db`, and the site's base."""
    db = tmp / "archive.db"
    yield db, crawl_two_editions(db)
