"""The crawler against hostile sites (issue 20), each from servers on loopback started here.

A redirect target's robots.txt decides for that URL alone; Crawl-delay is capped; a crawl has
a time budget and resumes; scope holds to the end of a redirect chain and per origin;
listings have their own budget; robots.txt and sitemaps are read to the standards' sizes;
cookies are dropped.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from scraper.cli import cli
from scraper.http import Fetcher, Politeness

# (status, headers, body) for a path, given the server's own base URL; None: 404.
Answer = tuple[int, dict[str, str], bytes]
Route = Callable[[str, str], Answer | None]

FAST = Politeness(delay=0.0, connect_timeout=2.0, read_timeout=5.0, total_timeout=20.0,
                  backoff_base=0.01, max_retries=1, max_retry_after=2.0)


def page(title: str, links: list[str] = ()) -> bytes:  # type: ignore[assignment]
    items = "".join(f"<li><a href='{u}'>{u}</a></li>" for u in links)
    return (f"<!DOCTYPE html><html lang='fr'><head><title>{title}</title></head><body><main>"
            f"<h1>{title}</h1><p>{title} : une page de l'ambassade, avec assez de texte pour "
            f"être lue comme un article.</p><ul>{items}</ul></main></body></html>").encode()


def html(body: bytes, **headers: str) -> Answer:
    return 200, {"Content-Type": "text/html; charset=utf-8", **headers}, body


@dataclass
class Server:
    url: str
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]


@contextmanager
def serve(route: Route) -> Iterator[Server]:
    """A server on 127.0.0.1 (an OS-chosen port) answering `route`, logging every request."""
    server = Server("")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            server.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            found = route(self.path, server.url)
            status, headers, body = found if found is not None else (404, {}, b"not found")
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading, as it may

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


def crawl(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["crawl", "--db", str(db), "--delay", "0", "--quiet", *args])
    return result.exit_code, result.stdout, result.stderr


def sites_file(tmp_path: Path, hosts: list[str], start: str) -> str:
    path = tmp_path / "sites.yml"
    path.write_text(f"sites:\n  - name: s\n    hosts: [{', '.join(hosts)}]\n"
                    f"    start_urls: [{start}]\n", encoding="utf-8")
    return str(path)


def captures(db: Path) -> dict[str, dict[str, object]]:
    return {r["url"]: r for r in sqlite_utils.Database(db).query("select * from captures")}


def pages(db: Path) -> set[str]:
    return {r["url"] for r in sqlite_utils.Database(db).query("select url from pages")}


# -- 1. the site decides for the site ----------------------------------------------------------


@pytest.mark.slow
def test_a_redirect_targets_unavailable_robots_txt_fails_that_url_alone(tmp_path: Path) -> None:
    def other(path: str, base: str) -> Answer | None:
        return (503, {}, b"busy") if path == "/robots.txt" else html(page("Autre"))

    with serve(other) as b:
        def home(path: str, base: str) -> Answer | None:
            if path == "/":
                return html(page("Accueil", ["/moved", "/p1", "/p2"]))
            if path == "/moved":
                return 302, {"Location": b.url + "/x"}, b""
            return html(page(path)) if path in ("/p1", "/p2") else None

        with serve(home) as a:
            # Both origins are the site's, so scope lets the redirect reach b's robots.txt.
            yml = sites_file(tmp_path, [a.url[7:], b.url[7:]], a.url + "/")
            status, out, err = crawl(tmp_path / "a.db", "--sites", yml)

    assert status == 0, out + err
    moved = captures(tmp_path / "a.db")[a.url + "/moved"]
    assert (moved["outcome"], moved["error"]) == ("failed", "robots.txt unavailable")
    assert {a.url + "/", a.url + "/p1", a.url + "/p2"} <= pages(tmp_path / "a.db")
    assert set(b.paths()) == {"/robots.txt"}  # asked again by the retries, nothing else


def test_a_crawl_delay_past_the_cap_is_cut_to_it_and_said(caplog) -> None:  # type: ignore[no-untyped-def]
    def route(path: str, base: str) -> Answer | None:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 3600\n"
        return html(page("Accueil"))

    async def go(url: str) -> tuple[float, dict[str, float]]:
        async with Fetcher(FAST, seed_hosts=[url]) as fetcher:
            await fetcher.fetch(url + "/")
            return fetcher.throttles.of("127.0.0.1").delay, fetcher.capped_delays

    with serve(route) as srv, caplog.at_level(logging.WARNING, logger="scraper.http"):
        delay, capped = asyncio.run(go(srv.url))
    assert delay == FAST.max_crawl_delay == 60.0
    assert capped == {srv.url: 3600.0}
    assert "Crawl-delay of 3600 s; 60 s used" in caplog.text


def test_a_crawl_past_its_time_budget_pauses_and_the_next_run_resumes(tmp_path: Path) -> None:
    robots = {"delay": "Crawl-delay: 3600\n"}

    def route(path: str, base: str) -> Answer | None:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, f"User-agent: *\n{robots['delay']}".encode()
        if path == "/":
            return html(page("Accueil", ["/p1", "/p2", "/p3"]))
        return html(page(path)) if path in ("/p1", "/p2", "/p3") else None

    db = tmp_path / "a.db"
    with serve(route) as srv:
        # The second request's turn comes 60 s (the capped delay) after the first: past a
        # 30 s budget, so it is never made, whatever the machine's speed.
        first = crawl(db, srv.url + "/", "--max-duration", "30")
        after_first = len(srv.log)
        second = crawl(db, srv.url + "/", "--max-duration", "30")  # the lock was released
        after_second = srv.paths()[after_first:]
        robots["delay"] = ""
        third = crawl(db, srv.url + "/", "--max-duration", "30")

    assert first[0] == 0 and "paused" in first[1], first
    assert srv.paths()[:after_first] == ["/robots.txt", "/"]
    assert second[0] == 0 and "paused" in second[1], second
    assert after_second[0] == "/robots.txt" and len(after_second) == 2
    assert after_second[1] != "/"  # the frontier was kept: the next URL, not the start again
    assert third[0] == 0 and "resumed" in third[1] and "paused" not in third[1], third
    rows = list(sqlite_utils.Database(db).query("select id, status from crawls"))
    assert rows == [{"id": 1, "status": "done"}]  # one crawl, resumed twice, then closed
    assert {srv.url + p for p in ("/", "/p1", "/p2", "/p3")} <= pages(db)
    assert srv.paths().count("/") == 1  # no page fetched twice across the three runs


# -- 2. scope kept to the end ------------------------------------------------------------------


def test_a_seed_port_does_not_open_the_other_ports_of_its_host(tmp_path: Path) -> None:
    def secret(path: str, base: str) -> Answer | None:
        return html(page("Secret local"))

    with serve(secret) as b:
        def home(path: str, base: str) -> Answer | None:
            if path == "/":
                return html(page("Accueil", ["/go", b.url + "/linked"]))
            if path == "/go":
                return 302, {"Location": b.url + "/redirected"}, b""
            return None

        with serve(home) as a:
            # A bare host in `hosts` puts every port in scope; the address guard still lets
            # only the seed's own origin through.
            yml = sites_file(tmp_path, ["127.0.0.1"], a.url + "/")
            status, out, err = crawl(tmp_path / "a.db", "--sites", yml)
            by_seed_url = crawl(tmp_path / "b.db", a.url + "/")

    assert status == 0, out + err
    assert by_seed_url[0] == 0, by_seed_url
    assert b.log == []  # nothing reached the other port, by link or by redirect
    found = captures(tmp_path / "a.db")
    assert (found[a.url + "/go"]["status"], found[a.url + "/go"]["error"]) == (
        302, "refused address")
    assert found[b.url + "/linked"]["error"] == "refused address"
    assert captures(tmp_path / "b.db")[a.url + "/go"]["error"] == "out of scope"


# -- 3. listings get their own budget ----------------------------------------------------------


@pytest.mark.slow
def test_a_sitemap_index_of_50000_children_cannot_starve_the_pages(tmp_path: Path) -> None:
    def route(path: str, base: str) -> Answer | None:
        if path == "/robots.txt":
            return 200, {}, f"User-agent: *\nSitemap: {base}/sitemap.xml\n".encode()
        if path == "/sitemap.xml":
            children = "".join(f"<sitemap><loc>{base}/sm/{i}.xml</loc></sitemap>"
                               for i in range(50_000))
            return 200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">{children}</sitemapindex>').encode()
        if path == "/":
            return html(page("Accueil", [f"/p{i}" for i in range(10)]))
        if path.startswith("/p"):
            return html(page(path))
        return None  # every child sitemap: 404, cheaply

    with serve(route) as srv:
        status, out, err = crawl(tmp_path / "a.db", srv.url + "/", "--max-pages", "20")
    assert status == 0, out + err
    assert {srv.url + "/"} | {f"{srv.url}/p{i}" for i in range(10)} <= pages(tmp_path / "a.db")
    children = [p for p in srv.paths() if p.startswith("/sm/")]
    assert 0 < len(children) <= 100  # the listings' own budget (CrawlOptions.max_listings)


# -- 4. limits that follow the standards -------------------------------------------------------


def test_a_12_mb_robots_txt_is_read_from_its_first_500_kib(tmp_path: Path) -> None:
    rules = b"User-agent: *\nDisallow: /private/\n"
    filler = b"# " + b"x" * 1000 + b"\n"
    robots = rules + filler * (12 * 1024 * 1024 // len(filler) + 1)

    def route(path: str, base: str) -> Answer | None:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, robots
        if path == "/":
            return html(page("Accueil", ["/private/x", "/p1"]))
        return html(page(path)) if path == "/p1" else html(page("Privé"))

    with serve(route) as srv:
        status, out, err = crawl(tmp_path / "a.db", srv.url + "/")
    assert len(robots) > 12 * 1024 * 1024
    assert status == 0, out + err
    assert {srv.url + "/", srv.url + "/p1"} <= pages(tmp_path / "a.db")
    assert not [p for p in srv.paths() if p.startswith("/private")]  # its rules still apply


def test_a_sitemap_between_10_and_50_mb_is_read(tmp_path: Path) -> None:
    pad = " " * (1024 * 1024)  # whitespace between entries: no text node past libxml2's limit
    entries = "".join(f"<url><loc>{{base}}/listed{i}</loc></url>{pad}" for i in range(12))
    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"{entries}</urlset>")

    def route(path: str, base: str) -> Answer | None:
        if path == "/robots.txt":
            return 200, {}, f"User-agent: *\nSitemap: {base}/big-sitemap.xml\n".encode()
        if path == "/big-sitemap.xml":
            return 200, {"Content-Type": "application/xml"}, sitemap.format(base=base).encode()
        if path == "/":
            return html(page("Accueil"))
        return html(page(path)) if path.startswith("/listed") else None

    with serve(route) as srv:
        status, out, err = crawl(tmp_path / "a.db", srv.url + "/")
    assert len(sitemap) > 12 * 1024 * 1024
    assert status == 0, out + err
    assert {f"{srv.url}/listed{i}" for i in range(12)} <= pages(tmp_path / "a.db")


# -- 6. cookies --------------------------------------------------------------------------------


def test_a_cookie_set_by_a_site_is_never_sent_back(tmp_path: Path) -> None:
    def route(path: str, base: str) -> Answer | None:
        if path == "/":
            return html(page("Accueil", ["/p1", "/p2"]), **{"Set-Cookie": "session=abc; Path=/"})
        return html(page(path), **{"Set-Cookie": f"seen{path[2:]}=1; Path=/"})

    with serve(route) as srv:
        status, out, err = crawl(tmp_path / "a.db", srv.url + "/")
    assert status == 0, out + err
    assert {"/", "/p1", "/p2"} <= set(srv.paths())
    assert [p for p, headers in srv.log if "cookie" in headers] == []
