"""A sitemap index that does not change still names children that do: a 304 on the index is
read again from the archive, so a page whose lastmod moved in a child is found that night."""

import hashlib
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlite_utils
from click.testing import CliRunner

from scraper.cli import cli

INDEX = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         "<sitemap><loc>{base}/sitemap-1.xml</loc></sitemap></sitemapindex>")
CHILD = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         "<url><loc>{base}/a</loc><lastmod>{a}</lastmod></url>"
         "<url><loc>{base}/b</loc><lastmod>2020-01-01</lastmod></url></urlset>")
PAGE = ("<html lang='fr'><head><title>{t}</title></head><body><main><h1>{t}</h1>"
        "<p>{t} : une page de l'ambassade, avec assez de texte pour être un article.</p>"
        "</main></body></html>")


class Site:
    """Two pages, a sitemap index that never changes, a child whose lastmod moves."""

    def __init__(self) -> None:
        self.a_version = 1
        self.log: list[tuple[str, int]] = []

    def body(self, path: str, base: str) -> tuple[str, str] | None:
        if path == "/robots.txt":
            return "text/plain", f"User-agent: *\nSitemap: {base}/sitemap.xml\n"
        if path == "/sitemap.xml":
            return "application/xml", INDEX.format(base=base)
        if path == "/sitemap-1.xml":
            lastmod = "2026-11-01" if self.a_version == 1 else "2026-11-30"
            return "application/xml", CHILD.format(base=base, a=lastmod)
        if path == "/":
            return "text/html", PAGE.format(t="Accueil").replace("</main>", "<a href='/a'>a</a></main>")
        if path in ("/a", "/b"):
            title = f"Page {path[1]} v{self.a_version if path == '/a' else 1}"
            return "text/html", PAGE.format(t=title)
        return None


@contextmanager
def serve(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            base = f"http://{self.headers['Host']}"
            found = site.body(self.path, base)
            if found is None:
                site.log.append((self.path, 404))
                self.send_response(404)
                self.end_headers()
                return
            ctype, text = found
            data = text.encode()
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
            site.log.append((self.path, status))
            self.send_response(status)
            self.send_header("ETag", etag)
            if status == 200:
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if status == 200:
                self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def crawl(url: str, db) -> None:
    result = CliRunner().invoke(cli, ["crawl", url, "--db", str(db), "--delay", "0", "--quiet"])
    assert result.exit_code == 0, result.output


def test_a_change_behind_an_unchanged_sitemap_index_is_found_the_same_night(tmp_path):
    site, db = Site(), tmp_path / "archive.db"
    with serve(site) as base:
        crawl(base + "/", db)
        site.log.clear()
        site.a_version = 2  # /a changes; the child sitemap says so; the index stays the same
        crawl(base + "/", db)
    night = dict(site.log)
    assert night["/sitemap.xml"] == 304  # the index did not change ...
    assert night["/sitemap-1.xml"] == 200  # ... but its child was asked for again, and read
    assert night.get("/a") == 200 and "/b" not in night  # the moved page only
    archive = sqlite_utils.Database(db)
    [page] = archive.query("select title from pages where url = ?", [base + "/a"])
    assert page["title"] == "Page a v2"
