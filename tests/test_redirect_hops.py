"""Every redirect a fetch follows is kept (captures.redirects: address, status, target) and
exported as its own WARC record with its own status, so each old address replays; importing
the WARC makes the chain one capture again, hops included."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from scraper.cli import cli

ROUTES = {  # path -> (status, Location or body)
    "/": (200, ('<html lang="fr"><body><h1>Accueil</h1><p>Bienvenue à l’ambassade.</p>'
                '<a href="/spip.php?article12">Horaires</a></body></html>')),
    "/spip.php?article12": (302, "/Horaires-12"),
    "/Horaires-12": (301, "/Horaires-d-ouverture-12"),
    "/Horaires-d-ouverture-12": (200, ('<html lang="fr"><body><h1>Horaires d’ouverture</h1>'
                                       "<p>Du lundi au vendredi, de 8 h à 12 h.</p></body></html>")),
}


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, value = ROUTES.get(self.path, (404, "<p>absent</p>"))
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", value)
            body = b""
        else:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            body = value.encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _hops(db: Path, url: str) -> tuple[str | None, list[list[object]]]:
    conn = sqlite3.connect(db)
    final, hops = conn.execute("SELECT final_url, redirects FROM captures WHERE url = ? "
                               "AND status = 200", (url,)).fetchone()
    conn.close()
    return final, json.loads(hops)


def test_each_hop_is_kept_exported_with_its_status_and_imported_back(
    base: str, tmp_path: Path
) -> None:
    db, warc, copy = tmp_path / "a.db", tmp_path / "a.warc.gz", tmp_path / "b.db"
    crawled = CliRunner().invoke(cli, ["crawl", base + "/", "--db", str(db), "--delay", "0"])
    assert crawled.exit_code == 0, crawled.output
    old = base + "/spip.php?article12"
    chain = [[old, 302, base + "/Horaires-12"],
             [base + "/Horaires-12", 301, base + "/Horaires-d-ouverture-12"]]
    assert _hops(db, old) == (base + "/Horaires-d-ouverture-12", chain)

    exported = CliRunner().invoke(cli, ["export-warc", "--db", str(db), str(warc)])
    assert exported.exit_code == 0, exported.output
    answers, names = {}, {}
    with warc.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                answers[uri] = (record.http_headers.get_statuscode(),
                                record.http_headers.get_header("Location"))
                names[uri] = [v for k, v in record.rec_headers.headers
                              if k == "WARC-Concurrent-To"]
    assert answers[old] == ("302", base + "/Horaires-12")
    assert answers[base + "/Horaires-12"] == ("301", base + "/Horaires-d-ouverture-12")
    assert len(names[base + "/Horaires-d-ouverture-12"]) == 2  # the answer names both hops

    imported = CliRunner().invoke(cli, ["import-warc", str(warc), "--db", str(copy)])
    assert imported.exit_code == 0, imported.output
    assert _hops(copy, old) == _hops(db, old)
