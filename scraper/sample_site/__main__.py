"""python -m scraper.sample_site --port PORT [--pages N] [--edition 2]

Serves the bundled sample embassy site on 127.0.0.1 until Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import NoReturn

from scraper.sample_site.server import start_sample_site, stop_sample_site


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: the caller's mistake, said plainly.
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: expected 0-65535")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"invalid page count {text!r}: expected 0 or more")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m scraper.sample_site",
                     description="Serve the bundled sample embassy site on 127.0.0.1.")
    parser.add_argument("--port", type=_port, default=8000, help="port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--pages", type=_count, default=0, help="add N synthetic articles")
    parser.add_argument("--edition", type=int, choices=(1, 2), default=1,
                        help="2: a later state of the site, for incremental crawls")
    args = parser.parse_args(argv)
    try:
        running, thread = start_sample_site(args.pages, args.edition, args.host, args.port)
    except OSError as exc:
        print(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    # Both stop it, set here rather than inherited: a shell's background job starts with
    # SIGINT ignored, and Ctrl-C or `kill -INT` must still end the server.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"Sample embassy site at {running.url}/ (Ctrl-C to stop)", flush=True)
    while not stop.wait(0.5):
        pass
    stop_sample_site(running, thread)
    return 0


if __name__ == "__main__":
    sys.exit(main())
