"""A fault-injecting HTTP server on loopback, for the client's tests and end-to-end crawl tests.

    with serve_faults() as srv:          # 127.0.0.1, an OS-chosen port, a daemon thread
        srv.url                          # "http://127.0.0.1:PORT"
        srv.requests                     # [(time.monotonic(), method, path, headers), ...]
        srv.max_in_flight                # most requests it was answering at once
        srv.sent["/big"]                 # bytes of /big actually written before the client left

Every path is linked from "/" so a crawler discovers them all; see PATHS.
"""

from __future__ import annotations

import itertools
import select
import socket
import struct
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BIG_BYTES = 50 * 1024 * 1024
BOMB_MEGABYTES = 1100  # inflates to more than 1 GB
CHAIN_LENGTH = 7

PATHS = [
    "/ok", "/redirect-ok", "/500", "/503", "/503-once", "/429", "/429-long", "/slow", "/reset",
    "/truncated", "/loop-a", "/chain", "/big", "/bomb", "/gzip", "/latin1-no-charset",
    "/wrong-charset", "/private/secret", "/to-private", "/calendar?month=2026-01",
    "/to-other-loopback", "/to-ipv6", "/doc.pdf", "/vue?m=1",
]

LATIN1_TEXT = (
    "Dernière modification : 16/11/2017. L'ambassade de France présente ses activités : "
    "coopération, économie, événements culturels, visas et état civil à l'étranger. "
    "Les élèves français y reçoivent une éducation de qualité."
)
CP1252_TEXT = "L’ambassade « ouverte » : réunion du comité — été 2017, coût 5 €."


@cache
def gzip_bomb() -> bytes:
    """A ~1 MB gzip member inflating to BOMB_MEGABYTES MiB of zeros, built once per process.

    Each MiB of zeros, compressed after a full flush, is the same byte string, so the member is
    that block repeated: no gigabyte is ever held or even compressed.
    """
    zeros = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()
    crc = 0
    for _ in range(BOMB_MEGABYTES):
        crc = zlib.crc32(zeros, crc)
    size = (BOMB_MEGABYTES << 20) & 0xFFFFFFFF
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + block * BOMB_MEGABYTES + end + struct.pack("<II", crc, size)


def _page(title: str, body: str = "", charset: str = "utf-8") -> bytes:
    return (
        f"<!DOCTYPE html><html lang='fr'><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    ).encode(charset)


@dataclass
class FaultServer:
    host: str
    port: int
    crawl_delay: float | None = None
    robots_status: int = 200
    slow_seconds: float = 3600.0  # /slow answers after this, or never: until the client leaves
    other_loopback_url: str = ""
    ipv6_url: str = ""
    requests: list[tuple[float, str, str, dict[str, str]]] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    max_in_flight: int = 0
    connections: int = 0
    _in_flight: int = 0
    _hits: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def paths(self) -> list[str]:
        """Paths requested so far, in order (query included)."""
        with self._lock:
            return [path for _, _, path, _ in self.requests]

    def _log(self, method: str, path: str, headers: dict[str, str]) -> int:
        with self._lock:
            self.requests.append((time.monotonic(), method, path, headers))
            self._hits[path] = self._hits.get(path, 0) + 1
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            return self._hits[path]

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so "connections per host" means something
    srv: FaultServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is srv.requests

    def setup(self) -> None:
        super().setup()
        with self.srv._lock:
            self.srv.connections += 1

    def do_GET(self) -> None:
        hits = self.srv._log("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
        try:
            self._route(urlsplit(self.path), hits)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client left, as clients past a cap should
        finally:
            self.srv._done()

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", "", {"Location": location})

    def _route(self, parts: Any, hits: int) -> None:
        srv, path = self.srv, parts.path
        query = parse_qs(parts.query)
        if path == "/":
            links = [*PATHS, f"{srv.ipv6_url}/", f"{srv.other_loopback_url}/x"]
            items = "".join(f"<li><a href='{p}'>{p}</a></li>" for p in links)
            self._send(200, _page("Index", f"<ul>{items}</ul>"))
        elif path == "/robots.txt":
            lines = ["User-agent: *", "Disallow: /private/"]
            if srv.crawl_delay is not None:
                lines.append(f"Crawl-delay: {srv.crawl_delay}")
            lines.append(f"Sitemap: {srv.url}/sitemap.xml")
            self._send(srv.robots_status, ("\n".join(lines) + "\n").encode(), "text/plain")
        elif path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{srv.url}{p}</loc></url>" for p in ("/ok", "/gzip"))
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            self._send(200, body.encode(), "application/xml")
        elif path == "/ok":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304, b"", "", {"ETag": '"v1"'})
            else:
                self._send(200, _page("OK", "<p>Bonjour</p>"), headers={"ETag": '"v1"'})
        elif path == "/redirect-ok":
            self._redirect("/ok", 301)
        elif path in ("/500", "/503"):
            self._send(int(path[1:]), _page("Erreur"))
        elif path == "/503-once":
            if hits == 1:
                self._send(503, _page("Maintenance"), headers={"Retry-After": "1"})
            else:
                self._send(200, _page("Back"))
        elif path == "/429":
            if hits == 1:
                self._send(429, _page("Slow down"), headers={"Retry-After": "2"})
            else:
                self._send(200, _page("Thanks"))
        elif path == "/429-long":
            self._send(429, _page("Come back tomorrow"), headers={"Retry-After": "86400"})
        elif path == "/slow":
            if self._client_left_within(srv.slow_seconds):
                self.close_connection = True  # a client that timed out is no longer in flight
            else:
                self._send(200, _page("Slow"))
        elif path == "/reset":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            self.wfile.flush()
            # SO_LINGER 0: close() sends RST, a real reset rather than a clean end.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "10000")
            self.end_headers()
            self.wfile.write(_page("Cut")[:60])
            self.close_connection = True
        elif path in ("/loop-a", "/loop-b"):
            self._redirect("/loop-b" if path == "/loop-a" else "/loop-a")
        elif path == "/chain" or path.startswith("/chain-"):
            step = int(path.rsplit("-", 1)[1]) if "-" in path else 0
            self._redirect("/ok" if step + 1 >= CHAIN_LENGTH else f"/chain-{step + 1}")
        elif path == "/big":
            self._big(declared="declared" in query)
        elif path == "/bomb":
            self._send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
        elif path == "/gzip":
            page = _page("Compressé", "<p>Texte compressé</p>" * 50)
            self._send(200, zlib.compress(page, wbits=31), headers={"Content-Encoding": "gzip"})
        elif path == "/latin1-no-charset":
            self._send(200, _page("Ambassade", f"<p>{LATIN1_TEXT}</p>", "latin-1"), "text/html")
        elif path == "/wrong-charset":
            self._send(200, _page("Réunion", f"<p>{CP1252_TEXT}</p>", "cp1252"))
        elif path.startswith("/private/"):
            self._send(200, _page("Private"))
        elif path == "/to-private":
            self._redirect("/private/secret")
        elif path == "/calendar":
            year, month = (int(x) for x in query.get("month", ["2026-01"])[0].split("-")[:2])
            before = f"{year - (month == 1)}-{12 if month == 1 else month - 1:02d}"
            after = f"{year + (month == 12)}-{1 if month == 12 else month + 1:02d}"
            nav = f"<a href='/calendar?month={before}'>prev</a> <a href='/calendar?month={after}'>next</a>"
            self._send(200, _page(f"Agenda {year}-{month:02d}", nav))
        elif path == "/vue":
            # An endless sequence whose words say nothing of a calendar: "Mois suivant" only.
            n = int(query.get("m", ["1"])[0] or 1)
            self._send(200, _page(f"Vue {n}", f"<a href='/vue?m={n + 1}'>Mois suivant</a>"))
        elif path == "/to-other-loopback":
            self._redirect(f"{srv.other_loopback_url}/")
        elif path == "/to-ipv6":
            self._redirect(f"{srv.ipv6_url}/")
        elif path == "/doc.pdf":
            self._send(200, b"%PDF-1.4\n% not a real document\n%%EOF\n", "application/pdf")
        else:
            self._send(404, _page("Not found"))

    def _client_left_within(self, seconds: float) -> bool:
        """Sleep up to `seconds`, returning early (True) if the client closes the connection."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.srv._stop.is_set():
            ready, _, _ = select.select([self.connection], [], [], 0.02)
            if ready:
                try:
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        return True
                except OSError:
                    return True
                time.sleep(0.02)  # pipelined bytes, not a hang-up: keep sleeping
        return False

    def _big(self, declared: bool) -> None:
        chunk = b"<p>" + b"a" * (64 * 1024 - 7) + b"</p>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declared:
            self.send_header("Content-Length", str(BIG_BYTES))
        else:
            self.send_header("Connection", "close")  # body ends when the connection does
        self.end_headers()
        self.close_connection = True
        sent = 0
        try:
            while sent < BIG_BYTES and not self.srv._stop.is_set():
                self.wfile.write(chunk)
                sent += len(chunk)
        finally:
            with self.srv._lock:
                self.srv.sent[self.path] = sent


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up mid-body are part of the test plan, not errors


@contextmanager
def serve_faults(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    crawl_delay: float | None = None,
    robots_status: int = 200,
    slow_seconds: float = 3600.0,
    other_loopback_url: str | None = None,
    ipv6_url: str | None = None,
) -> Iterator[FaultServer]:
    """Run a fault server in a daemon thread for the duration of the block.

    `other_loopback_url` / `ipv6_url` are where the refused links and redirects point
    (default: 127.0.0.2 and [::1] on this server's port); tests start canary servers there.
    """
    server_class = type("Server", (_Server,), {
        "address_family": socket.AF_INET6 if ":" in host else socket.AF_INET,
    })
    handler: Any = type("Handler", (_Handler,), {})
    httpd = server_class((host, port), handler)
    bound_port = httpd.server_address[1]
    srv = FaultServer(
        host=host, port=bound_port, crawl_delay=crawl_delay, robots_status=robots_status,
        slow_seconds=slow_seconds,
        other_loopback_url=other_loopback_url or f"http://127.0.0.2:{bound_port}",
        ipv6_url=ipv6_url or f"http://[::1]:{bound_port}",
    )
    handler.srv = srv
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv._stop.set()
        httpd.shutdown()
        httpd.server_close()


def assert_polite(log: list[tuple[float, str, str, dict[str, str]]], delay: float) -> None:
    """Never faster than one request per `delay` to a host, as its server's log saw them,
    robots.txt included, with no slack.

    A server logs a request once it has read it, before it answers, and the crawler starts
    a host's next request `delay` after the host began answering (scraper/throttle.py): so
    every gap in the log is at least the delay however late a loaded machine logs a request.
    """
    starts = sorted(t for t, _, _, _ in log)
    assert len(starts) > 10, "too few requests to measure a rate"
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= delay, (min(gaps), delay)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server process the test started: politely, then for good after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
