"""The sample site over real HTTP: a quiet ThreadingHTTPServer in a daemon thread."""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from scraper.sample_site.site import SampleSite

REQUEST_LOG_SIZE = 100_000

RequestRecord = tuple[float, str, str, dict[str, str]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as real SPIP hosts do; every answer has a length
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle plus delayed ACKs
    # would add ~40 ms to every keep-alive answer.
    disable_nagle_algorithm = True

    def _answer(self) -> None:
        srv = self.server
        if self.command not in ("GET", "HEAD"):
            self.close_connection = True  # its unread body must not be taken for a request
        headers = {k: v for k, v in self.headers.items()}
        srv.log_request_record(self.command, self.path, headers)
        started = time.perf_counter()
        status, out_headers, body = srv.site.respond(self.command, self.path, headers)
        self.send_response(status)
        for name, value in out_headers.items():
            self.send_header(name, value)
        # The server's own time on the request (a standard header): the network benchmark
        # subtracts it to measure the time the crawler itself adds to a fetch.
        self.send_header("Server-Timing", f"app;dur={1000 * (time.perf_counter() - started):.2f}")
        self.end_headers()
        if body:
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Silence: tests and the demo want a clean terminal."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, site: SampleSite, host: str, port: int) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.site = site
        self._log: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)
        self._lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def log_request_record(self, method: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self._log.append((time.monotonic(), method, path, headers))

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-answer is normal; say nothing."""


class RunningSite:
    """A sample site being served: its base `url`, the `site`, and the request log."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self.site = server.site
        raw_host, port = server.server_address[:2]
        host = raw_host.decode() if isinstance(raw_host, bytes) else str(raw_host)
        shown = f"[{host}]" if ":" in host else host
        self.host = host
        self.port = int(port)
        self.url = f"http://{shown}:{port}"

    @property
    def requests(self) -> list[RequestRecord]:
        """(time.monotonic(), method, path, headers) of each request, oldest first (the last
        100,000 are kept). A copy: safe to read while the server keeps answering."""
        return self._server.records()

    def clear_requests(self) -> None:
        with self._server._lock:
            self._server._log.clear()

    def paths(self) -> list[str]:
        """Just the request targets, in order."""
        return [r[2] for r in self.requests]


def start_sample_site(pages: int = 0, edition: int = 1, host: str = "127.0.0.1",
                      port: int = 0) -> tuple[RunningSite, threading.Thread]:
    """Start serving in a daemon thread; stop with `stop_sample_site`. Raises OSError when
    the address cannot be bound and ValueError for bad `pages` or `edition`."""
    server = _Server(SampleSite(pages=pages, edition=edition), host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"sample-site-{server.server_address[1]}", daemon=True)
    thread.start()
    return RunningSite(server), thread


def stop_sample_site(running: RunningSite, thread: threading.Thread) -> None:
    running._server.shutdown()
    running._server.server_close()
    thread.join(timeout=5)


@contextmanager
def serve_sample_site(pages: int = 0, edition: int = 1, host: str = "127.0.0.1",
                      port: int = 0) -> Iterator[RunningSite]:
    """`with serve_sample_site() as server:` serves the sample site at `server.url`."""
    running, thread = start_sample_site(pages, edition, host, port)
    try:
        yield running
    finally:
        stop_sample_site(running, thread)
