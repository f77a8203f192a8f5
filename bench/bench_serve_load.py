"""The public server under load: page views by 20 readers on loopback while a crawl writes.

    python bench/bench_serve_load.py [--pages 300] [--more 1500] [--readers 20] [--seconds 30]

1. The sample site (`--pages` synthetic articles) is crawled into a fresh archive.
2. The archive is served as `serve` does (uvicorn, our plugins, in a subprocess on 127.0.0.1).
3. The site grows (`--more` articles, edition 2) and is crawled again into the same archive,
   while `--readers` threads each read archived pages (`/-/page?url=...`), one request in ten
   the home page, until the crawl ends or `--seconds` pass.

Prints each kind of view's count, errors, p50, p95 and worst time, and the crawl's pages
fetched meanwhile. The goal (issue 20): a page view's p95 under 300 ms. A benchmark, never a
test: the figures depend on the machine (everyone's two cores).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from scraper.sample_site.server import start_sample_site, stop_sample_site

ROOT = Path(__file__).resolve().parents[1]

GOAL_P95_MS = 300
SERVER = (
    "import sys, uvicorn\n"
    "from archive.publish import make_datasette\n"
    "uvicorn.run(make_datasette(sys.argv[1]).app(), fd=int(sys.argv[2]), log_level='warning')\n"
)


def crawl(url: str, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from scraper.cli import cli; cli()", "crawl", url, "--db",
         str(db), "--delay", "0", "--quiet"], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finished(proc: subprocess.Popen[bytes], what: str) -> None:
    _, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"{what} failed ({proc.returncode}): {err.decode(errors='replace')[-500:]}")


def serve(db: Path) -> tuple[subprocess.Popen[bytes], socket.socket, str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(sock.fileno())],
                            pass_fds=[sock.fileno()], cwd=ROOT)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    for _ in range(600):
        try:
            if httpx.get(base + "/-/versions.json", timeout=5).status_code == 200:
                return proc, sock, base
        except httpx.TransportError:
            time.sleep(0.1)
    sys.exit("the archive server did not start")


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time so far (Linux /proc): the server's own work, which
    a busy machine does not inflate the way it inflates latencies."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_captures(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM captures").fetchone()[0])
    finally:
        conn.close()


def read(base: str, urls: list[str], stop: threading.Event, seed: int,
         times: dict[str, list[float]], errors: list[str]) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=60) as client:
        n = 0
        while not stop.is_set():
            n += 1
            kind = "home" if n % 10 == 0 else "page"
            started = time.perf_counter()
            try:
                if kind == "home":
                    response = client.get("/")
                else:
                    response = client.get("/-/page", params={"url": rng.choice(urls)})
            except httpx.HTTPError as error:
                errors.append(f"{kind}: {type(error).__name__}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                errors.append(f"{kind}: {response.status_code}")
            times[kind].append(elapsed)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="articles crawled before")
    parser.add_argument("--more", type=int, default=1500, help="articles during the load")
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0, help="longest load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-load-") as tmp:
        db = Path(tmp) / "archive.db"
        site, thread = start_sample_site(args.pages, 1, "127.0.0.1", 0)
        port = int(site.url.rsplit(":", 1)[1])
        finished(crawl(site.url + "/", db), "the first crawl")
        stop_sample_site(site, thread)
        conn = sqlite3.connect(db)
        urls = [u for (u,) in conn.execute("SELECT url FROM pages")]
        conn.close()
        server, sock, base = serve(db)
        site, thread = start_sample_site(args.pages + args.more, 2, "127.0.0.1", port)
        before = count_captures(db)
        times: dict[str, list[float]] = {"page": [], "home": []}
        errors: list[str] = []
        stop = threading.Event()
        readers = [threading.Thread(target=read, args=(base, urls, stop, n, times, errors))
                   for n in range(args.readers)]
        started, cpu_before = time.monotonic(), cpu_seconds(server.pid)
        crawler = crawl(site.url + "/", db)
        for t in readers:
            t.start()
        try:
            crawler.wait(timeout=args.seconds)
        except subprocess.TimeoutExpired:
            pass
        stop.set()
        for t in readers:
            t.join()
        load_seconds = time.monotonic() - started
        server_cpu = cpu_seconds(server.pid) - cpu_before
        crawled = count_captures(db) - before
        if crawler.poll() is None:
            crawler.terminate()
        crawler.wait()
        stop_sample_site(site, thread)
        server.terminate()
        server.wait()
        sock.close()
    print(f"{args.readers} readers for {load_seconds:.1f} s on loopback while a crawl wrote "
          f"{crawled} captures ({crawled / load_seconds:.1f}/s) into an archive of "
          f"{len(urls)} pages")
    print(f"{'view':<6} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in times.items():
        print(f"{kind:<6} {len(values):>8} {sum(e.startswith(kind) for e in errors):>6} "
              f"{statistics.median(values) if values else float('nan'):>8.0f} "
              f"{percentile(values, 0.95):>8.0f} {max(values, default=float('nan')):>8.0f}")
    served = sum(len(v) for v in times.values())
    print(f"server CPU per request: {server_cpu / max(served, 1) * 1000:.1f} ms "
          f"({server_cpu:.1f} s for {served}); machine load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    p95 = percentile(times["page"], 0.95)
    verdict = "met" if p95 < GOAL_P95_MS else "NOT met"
    print(f"goal: a page view's p95 under {GOAL_P95_MS} ms: {verdict} ({p95:.0f} ms)")
    if errors:
        print(f"errors: {sorted(set(errors))[:10]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
