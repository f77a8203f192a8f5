"""Crawl speed and memory on the bundled sample site, beside Scrapy in the same run.

    .venv/bin/python bench/bench_crawl.py [--pages 10000] [--memory 1000,100000] [--connections 4]
                                          [--trafilatura-pages 2000]

Speed: pages per second crawling the sample site with `--pages` synthetic articles, politeness
off (no delay; the same number of connections for all), ours (which extracts every field and
stores everything in SQLite) beside Scrapy parsing titles and storing nothing, and Scrapy
with trafilatura extracting each page (text, title, date), closed after `--trafilatura-pages`
pages (its rate is what counts, and the whole site would take it many minutes).
Memory: our peak RSS crawling sites of each `--memory` size; it must stay flat as sites grow.
Each crawl runs in its own process, and the sample site in another.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sample_site(pages: int) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "scraper.sample_site", "--port", str(port), "--pages", str(pages)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait()


def run_json(args: list[str]) -> dict:
    out = subprocess.run([PYTHON, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ours(url: str, pages: int, connections: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return run_json([str(HERE / "crawl_once.py"), url, f"{tmp}/bench.db", str(pages + 1000),
                         str(connections)])


def scrapy(url: str, connections: int, extra: tuple[str, ...] = ()) -> dict | None:
    try:
        import scrapy as _  # noqa: F401
    except ImportError:
        return None
    return run_json([str(HERE / "scrapy_once.py"), url, str(connections), *extra])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--memory", default="1000,100000")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--trafilatura-pages", type=int, default=2000)
    args = parser.parse_args()

    print(f"## Crawl speed: sample site with {args.pages} synthetic pages, politeness off, "
          f"{args.connections} connections")
    with sample_site(args.pages) as url:
        a = ours(url, args.pages, args.connections)
    with sample_site(args.pages) as url:
        b = scrapy(url, args.connections)
    with sample_site(args.pages) as url:
        c = scrapy(url, args.connections,
                   ("--trafilatura", "--max-pages", str(args.trafilatura_pages)))
    print(f"{'crawler':<34} {'pages':>8} {'seconds':>8} {'pages/s':>8} {'peak MB':>8} {'ratio':>6}")
    rate_a = a["pages"] / a["seconds"]
    print(f"{'embassy-archive (extract + store)':<34} {a['pages']:>8} {a['seconds']:>8.1f} "
          f"{rate_a:>8.1f} {a['max_rss_mb']:>8.0f} {'':>6}")
    for name, r in (("scrapy (titles, no storage)", b), ("scrapy + trafilatura (no storage)", c)):
        if r:
            rate = r["pages"] / r["seconds"]
            print(f"{name:<34} {r['pages']:>8} {r['seconds']:>8.1f} {rate:>8.1f} "
                  f"{r['max_rss_mb']:>8.0f} {rate_a / rate:>6.2f}")
    if b:
        print("ratio = our pages/s ÷ theirs (goal: 150 pages/s, ≥ 5× Scrapy + trafilatura)")
    else:
        print("scrapy is not installed: `make bench` installs it")

    sizes = [int(s) for s in args.memory.split(",") if s]
    if sizes:
        print("\n## Peak memory of our crawl as the site grows")
        print(f"{'pages':>8} {'crawled':>8} {'seconds':>8} {'peak MB':>8} {'vs first':>8}")
        first = None
        for size in sizes:
            with sample_site(size) as url:
                r = ours(url, size, args.connections)
            first = first or r["max_rss_mb"]
            print(f"{size:>8} {r['pages']:>8} {r['seconds']:>8.1f} {r['max_rss_mb']:>8.0f} "
                  f"{r['max_rss_mb'] / first:>8.2f}")


if __name__ == "__main__":
    main()
