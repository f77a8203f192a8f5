"""A real pywb on loopback, replaying WARC files a test wrote: a CDX server and `id_` replay.

    with serve_pywb([warc_path], tmp_path) as base:   # "http://127.0.0.1:PORT/arc/"
        base + "cdx?url=…&output=json"                 # pywb's CDX API (one JSON object a line)
        base + "20120101000000id_/http://…"            # the raw capture, as the Wayback Machine

pywb is started as its own `wayback` command from this interpreter's venv, bound to
127.0.0.1, with no live-web handler (it never fetches anything itself). When it cannot start
here the tests that need it skip, except under CI=true where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from servers import stop_process
from waiting import HANG

BIN = Path(sys.executable).parent
COLLECTION = "arc"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"pywb cannot run here: {reason}")
    pytest.skip(f"pywb cannot run here: {reason}")


def index_warcs(warcs: list[Path], archive_dir: Path, index: Path) -> None:
    """Copy WARCs into a pywb collection and write its sorted CDXJ index with cdxj-indexer
    (the command comes with the `wacz` package)."""
    for warc in warcs:
        shutil.copy(warc, archive_dir / warc.name)
    names = [warc.name for warc in warcs]
    done = subprocess.run(
        [str(BIN / "cdxj-indexer"), "--sort", *names],
        cwd=archive_dir, capture_output=True, text=True, check=True,
    )
    index.write_text(done.stdout, encoding="utf-8")


@contextmanager
def serve_pywb(warcs: list[Path], root: Path) -> Iterator[str]:
    """pywb serving `warcs` as collection 'arc' on 127.0.0.1; yields the collection's base URL."""
    try:
        import pywb  # the package behind the `wayback` command (test extra)
    except ImportError:
        _unavailable("pywb is not installed")
    wayback = BIN / "wayback"
    if not wayback.exists():
        _unavailable(f"pywb {pywb.__version__} installed without its `wayback` command")
    archive_dir = root / "collections" / COLLECTION / "archive"
    indexes = root / "collections" / COLLECTION / "indexes"
    archive_dir.mkdir(parents=True)
    indexes.mkdir(parents=True)
    index_warcs(warcs, archive_dir, indexes / "index.cdxj")
    port = _free_port()
    log = (root / "pywb.log").open("wb")
    proc = subprocess.Popen(
        [str(wayback), "-p", str(port), "-b", "127.0.0.1", "-t", "2", "-d", str(root)],
        cwd=root, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/{COLLECTION}/"
    try:
        deadline = time.monotonic() + HANG
        while True:
            try:
                httpx.get(base + "cdx?url=example.org&output=json", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    _unavailable((root / "pywb.log").read_text(errors="replace")[-300:])
                time.sleep(0.2)
        yield base
    finally:
        stop_process(proc)
        log.close()
