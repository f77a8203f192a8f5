"""A small web archive on loopback speaking the Wayback Machine's CDX API and `id_` replay.

    archive = FakeWayback({"http://h/": [Snapshot("20120304101501", b"<html>…")]})
    with serve_wayback(archive) as srv:
        srv.cdx_url        # "http://127.0.0.1:PORT/cdx/search/cdx"
        srv.requests       # [(time.monotonic(), path), ...] in arrival order
        srv.max_in_flight  # most requests it was answering at once

Faults for the politeness tests: `down` (every answer a 503), `busy_once` (the first request
gets 503 with Retry-After: 1), `slow` (seconds each replay answer takes), `hold_after` (replay
answers past that many wait for `release` to be set: a test acts on an event). `limit` cuts a CDX
answer; with `showResumeKey=true` the cut page ends with an empty row and its resume key, as
the Wayback Machine's does, unless `resume_keys` is False (pywb honours limit, sends no key).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Snapshot:
    timestamp: str
    body: bytes
    status: str = "200"
    mime: str = "text/html"

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body).hexdigest().upper()


@dataclass
class FakeWayback:
    snapshots: dict[str, list[Snapshot]]
    down: bool = False
    busy_once: bool = False
    slow: float = 0.0
    hold_after: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    replays: int = 0
    requests: list[tuple[float, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    cdx_url: str = ""
    resume_keys: bool = True

    def rows(self, url: str, match_type: str) -> list[list[str]]:
        out = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
        for original, snaps in sorted(self.snapshots.items()):
            # As the Wayback Machine matches (on SURTs): whatever the scheme, or none given.
            key, wanted = _bare(original), _bare(url)
            hit = key.startswith(wanted) if match_type == "prefix" else key == wanted
            if hit:
                out += [["k", s.timestamp, original, s.mime, s.status, s.digest, str(len(s.body))]
                        for s in snaps]
        return out

    def page(self, query: dict[str, str]) -> list[list[str]]:
        """One answer to a CDX query: the rows from its resume key on, cut at its limit."""
        header, *rows = self.rows(query["url"], query.get("matchType", "exact"))
        if not rows:
            return []
        if "limit" not in query:
            return [header, *rows]
        start, limit = int(query.get("resumeKey", "0")), int(query["limit"])
        out = [header, *rows[start:start + limit]]
        if self.resume_keys and query.get("showResumeKey") == "true" and start + limit < len(rows):
            out += [[], [str(start + limit)]]  # our keys are offsets; the Wayback's are opaque
        return out

    def find(self, stamp: str, url: str) -> Snapshot | None:
        return next((s for s in self.snapshots.get(url, []) if s.timestamp == stamp), None)


def _bare(url: str) -> str:
    return url.split("://", 1)[-1]


def _handler(archive: FakeWayback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with archive.lock:
                archive.requests.append((time.monotonic(), self.path))
                archive.in_flight += 1
                archive.max_in_flight = max(archive.max_in_flight, archive.in_flight)
                first = len(archive.requests) == 1
            try:
                self._answer(first)
            finally:
                with archive.lock:
                    archive.in_flight -= 1

        def _answer(self, first: bool) -> None:
            if archive.down or (archive.busy_once and first):
                self._send(503, b"busy", "text/plain", {"Retry-After": "1"})
                return
            parts = urlsplit(self.path)
            if parts.path == "/cdx/search/cdx":
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                self._send(200, json.dumps(archive.page(query)).encode(), "application/json")
                return
            if parts.path.startswith("/web/"):
                stamp, _, url = self.path[len("/web/"):].partition("id_/")
                snap = archive.find(stamp, url)
                with archive.lock:
                    archive.replays += 1
                    held = archive.hold_after is not None and archive.replays > archive.hold_after
                if held:
                    archive.release.wait()
                time.sleep(archive.slow)
                if snap is None:
                    self._send(404, b"not in archive", "text/plain")
                else:
                    self._send(200, snap.body, snap.mime, {
                        "X-Archive-Orig-Content-Type": f"{snap.mime}; charset=utf-8",
                        "X-Archive-Orig-Server": "Apache", "Memento-Datetime": stamp,
                    })
                return
            self._send(404, b"no such path", "text/plain")

        def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_wayback(archive: FakeWayback) -> Iterator[FakeWayback]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(archive))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    archive.cdx_url = f"http://127.0.0.1:{server.server_address[1]}/cdx/search/cdx"
    try:
        yield archive
    finally:
        server.shutdown()
        server.server_close()
