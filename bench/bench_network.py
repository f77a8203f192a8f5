"""A night of the whole network, on loopback: S sample sites on 127.0.0.2, 127.0.0.3 …

    .venv/bin/python bench/bench_network.py [--sites 16] [--pages 300] [--delay 0.05] [--changed 4]
                                            [--first-only [--against S]] [--nice N] [--backlog N]

Three crawls into one archive: the first, an unchanged recrawl, and a recrawl after `--changed`
sites moved to edition 2 of the sample site (some pages changed, one added, one removed). For
each: wall time, requests (200 / 304 / other), pages left alone by the re-check policy, CPU,
peak memory, database growth per known page, and the event loop's lag (how late a 10 ms timer
fires: what a busy crawler costs every fetch). Then the re-check policy is replayed over the
archive's known pages for the next seven nights (a pure function, scraper/recrawl.py) and the
whole is projected to 160 sites x 3,000 pages at 1 s per host, with its arithmetic.

Each crawl runs in its own process (its memory and CPU are its own); each site in another.

`--first-only` runs the first crawl alone and prints how responsive the crawler stays under
load: requests per second, CPU per fetch, the event loop's lag, and the crawler's own time per
fetch: from the moment its request was due (the host's delay and backoff let it go) to the
moment the visit was stored, minus the server's own time on it (its `Server-Timing` header)
and minus any time the request was held at the crawl's backpressure gate (shown apart). The
sample sites share this machine's cores with the crawler; real sites are remote. `--nice N`
runs them at a lower priority, standing for those remote machines (the crawler's numbers then
say what the crawler costs, not what the servers take from it). `--against S` crawls S sites
the same way afterwards and prints the ratio of the crawler's median own time per fetch
(`make bench`: 160 busy sites against 4, which must stay within 2x).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
FULL_EVERY = 7


# -- the sites ----------------------------------------------------------------------------


def _host(i: int) -> str:
    """The i-th site's loopback address: 127.0.0.2, 127.0.0.3 … (then 127.0.1.0 …)."""
    n = i + 2
    return f"127.0.{n // 256}.{n % 256}"


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def sample_site(host: str, port: int, pages: int, edition: int, nice: int = 0) -> Iterator[str]:
    niced = ["nice", "-n", str(nice)] if nice else []  # nice(1) execs: the same process
    proc = subprocess.Popen(
        [*niced, PYTHON, "-m", "scraper.sample_site", "--host", host, "--port", str(port),
         "--pages", str(pages), "--edition", str(edition)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection((host, port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://{host}:{port}/"
    finally:
        proc.terminate()
        proc.wait()


# -- one crawl, in a child process ----------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _service_ms(response: object) -> float | None:
    """The server's own time on a request, from its `Server-Timing: app;dur=…` header."""
    timing = getattr(response, "headers", {}).get("server-timing", "")
    _, _, dur = timing.partition("dur=")
    try:
        return float(dur.split(";")[0].split(",")[0])
    except ValueError:
        return None


def child(db_path: str, delay: float, backlog: int, rtt: float, urls: list[str]) -> None:
    # backlog < 0: the store's calls on the event loop's thread (as before the writer thread)
    """Crawl `urls` into `db_path`; print one JSON line of measures."""
    import httpx
    from sqlite_utils import Database

    from archive.crawlstore import SqliteCrawlStore
    from archive.schema import ensure_schema
    from scraper import extract_page
    from scraper.crawl import CrawlOptions, run_crawl_sync, site_for_url
    from scraper.http import Politeness
    from scraper.pools import OriginPools
    from scraper.progress import Reporter
    from scraper.throttle import Turn

    statuses: Counter[int] = Counter()
    lags: list[float] = []
    served: dict[str, float] = {}  # request URL -> the server's own time on it (ms)
    own: list[float] = []  # the crawler's own time per fetch (ms)
    held: list[float] = []  # time a request was held at the backpressure gate (ms)

    class Timing(Reporter):
        def fetch_timed(self, site: str, url: str, turn: Turn, stored: float) -> None:
            service = served.get(url)
            if service is not None:
                held.append(1000 * turn.held)
                own.append(1000 * (stored - turn.due - turn.held) - service)

    class Counting(OriginPools):  # the crawl's own transport, counted
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if not lags:  # the first request starts the loop-lag probe on the crawl's loop
                lags.append(0.0)
                asyncio.get_running_loop().create_task(probe())
            if rtt:  # a remote host's round trip, simulated: the network's time, not ours
                await asyncio.sleep(rtt / 1000)
            response = await super().handle_async_request(request)
            statuses[response.status_code] += 1  # robots.txt included: it is a request too
            service = _service_ms(response)
            if service is not None:
                served[str(request.url)] = service + rtt
            return response

    async def probe() -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - started - 0.01) * 1000)

    db = Database(db_path)
    ensure_schema(db)
    started = time.perf_counter()
    result = run_crawl_sync(
        SqliteCrawlStore(db), [site_for_url(u) for u in urls], extract_page,
        politeness=Politeness(delay=delay),
        options=CrawlOptions(max_pages=100_000, backlog=abs(backlog) or None,
                             store_thread=backlog >= 0),
        reporter=Timing(io.StringIO()), transport=Counting(Politeness().max_connections_per_host),
    )
    wall = time.perf_counter() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "wall": wall, "counts": result.counts, "statuses": dict(statuses),
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "rss_mb": me.ru_maxrss / 1024, "workers_rss_mb": kids.ru_maxrss / 1024,
        "lag_p50": statistics.median(lags[1:]) if len(lags) > 1 else 0.0,
        "lag_p95": sorted(lags[1:])[int(0.95 * (len(lags) - 2))] if len(lags) > 2 else 0.0,
        "own_p50": statistics.median(own) if own else 0.0, "own_p95": _percentile(own, 0.95),
        "held_p50": statistics.median(held) if held else 0.0,
        "held_p95": _percentile(held, 0.95), "timed": len(own),
    }))


def crawl(db: Path, delay: float, urls: list[str], backlog: int = 0, thread: bool = True,
          rtt: float = 0.0) -> dict:
    backlog = backlog if thread else -(backlog or 1_000_000)
    out = subprocess.run([PYTHON, __file__, "--child", str(db), str(delay), str(backlog),
                          str(rtt), *urls],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())


# -- the policy replayed over the archive -----------------------------------------------------


def replay_nights(db: Path) -> tuple[list[float], int, int]:
    """Share of known pages the policy re-checks on each of the next FULL_EVERY nights (nothing
    changing), the known pages, and how many the week leaves unchecked."""
    from sqlite_utils import Database

    from archive.revisits import known
    from scraper.recrawl import recheck_reason, rotation_nights

    archive = Database(db)
    pages, nights = [], {}
    for (site,) in archive.execute("select name from sites").fetchall():
        of_site = known(archive, site)
        pages += of_site
        nights.update(rotation_nights((k.url for k in of_site), FULL_EVERY))
    checked = {k.url: k for k in pages}
    shares, never = [], set(checked)
    now = datetime.now(UTC).replace(hour=2, minute=17)
    for night in range(1, FULL_EVERY + 1):
        when = now + timedelta(days=night)
        due = [k for k in checked.values()
               if recheck_reason(k, when, FULL_EVERY, site_lists_dates=True,
                                 night=nights[k.url])]
        shares.append(len(due) / len(checked))
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        for k in due:  # checked tonight: as the store would record it
            checked[k.url] = type(k)(k.url, stamp, k.listed_lastmod, k.listed_lastmod,
                                     k.checks + 1, k.changes)
            never.discard(k.url)
    return shares, len(pages), len(never)


# -- the run ------------------------------------------------------------------------------


def row(name: str, r: dict, growth: float | None, known_pages: int, sites: int) -> str:
    s = Counter({int(k): v for k, v in r["statuses"].items()})
    requests = sum(s.values())
    skipped = r["counts"].get("skipped_by_lastmod", 0)
    share = f"{100 * requests / known_pages:5.1f}%" if known_pages else "    -"
    grow = f"{growth:7.1f}" if growth is not None else "      -"
    return (f"{name:<22} {r['wall']:7.1f} {requests:8} {share} {s[200]:6} {s[304]:6} "
            f"{requests - s[200] - s[304]:6} {skipped:8} {r['cpu']:6.1f} {r['rss_mb']:6.0f} "
            f"{r['workers_rss_mb']:6.0f} {grow} {r['lag_p50']:6.1f} {r['lag_p95']:6.1f} "
            f"{requests / sites:8.1f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=16)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--changed", type=int, default=4)
    parser.add_argument("--first-only", action="store_true",
                        help="the first crawl alone, and how responsive the crawler stayed")
    parser.add_argument("--nice", type=int, default=0,
                        help="run the sample sites at this lower priority (standing for remote hosts)")
    parser.add_argument("--backlog", type=int, default=0,
                        help="the crawl's backpressure bound (0: its default)")
    parser.add_argument("--against", type=int, default=0,
                        help="--first-only: also crawl this many sites, and compare")
    parser.add_argument("--rtt", type=float, default=0.0,
                        help="simulated round trip to each host, ms (--first-only)")
    parser.add_argument("--no-store-thread", action="store_true",
                        help="store calls on the event loop's thread, as before the writer thread")
    args = parser.parse_args()
    hosts = [_host(i) for i in range(max(args.sites, args.against))]
    ports = {h: _free_port(h) for h in hosts}
    if args.first_only:
        responsiveness(args, hosts, ports)
        return
    print(f"## The network on loopback: {args.sites} sample sites x ~{args.pages + 60} pages, "
          f"--delay {args.delay}, {args.changed} sites changed before the third crawl")
    print(f"{'crawl':<22} {'wall s':>7} {'requests':>8} {'/known':>6} {'200':>6} {'304':>6} "
          f"{'other':>6} {'left':>8} {'cpu s':>6} {'MB':>6} {'wrk MB':>6} {'B/page':>7} "
          f"{'lag50':>6} {'lag95':>6} {'req/site':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "network.db"
        results = {}
        for phase, edition_of in (("first crawl", lambda i: 1), ("unchanged recrawl", lambda i: 1),
                                  ("after changes", lambda i: 2 if i < args.changed else 1)):
            before = db_bytes(db)
            known_pages = _known(db)
            with ExitStack() as stack:
                urls = [stack.enter_context(sample_site(h, ports[h], args.pages, edition_of(i)))
                        for i, h in enumerate(hosts)]
                r = crawl(db, args.delay, urls)
            results[phase] = r
            growth = (db_bytes(db) - before) / known_pages if known_pages else None
            print(row(phase, r, growth, known_pages, args.sites), flush=True)
        shares, known_pages, never = replay_nights(db)
    project(args, results, shares, known_pages, never)


def responsiveness(args: argparse.Namespace, hosts: list[str], ports: dict[str, int]) -> None:
    """The first crawl of `--sites` busy sites (and of `--against` sites, when given): how
    fast, and how much the crawler adds; with two counts, the ratio of the own times."""
    counts = [args.sites] + ([args.against] if args.against else [])
    print(f"## First crawl of sample sites x ~{args.pages + 60} pages, --delay "
          f"{args.delay}, sites at nice {args.nice}, round trip {args.rtt:.0f} ms, "
          f"backlog {args.backlog or 'default'}, "
          f"store calls {'on the loop' if args.no_store_thread else 'on a writer thread'}")
    print(f"{'sites':>5} {'wall s':>7} {'requests':>8} {'req/s':>6} {'cpu ms/fetch':>12} "
          f"{'lag50':>6} {'lag95':>6} {'own50':>6} {'own95':>6} {'held50':>6} {'held95':>6}",
          flush=True)
    own = []
    for count in counts:
        with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
            urls = [stack.enter_context(sample_site(h, ports[h], args.pages, 1, args.nice))
                    for h in hosts[:count]]
            r = crawl(Path(tmp) / "network.db", args.delay, urls, args.backlog,
                      not args.no_store_thread, args.rtt)
        requests = sum(r["statuses"].values())
        own.append(r["own_p50"])
        print(f"{count:5} {r['wall']:7.1f} {requests:8} {requests / r['wall']:6.1f} "
              f"{1000 * r['cpu'] / max(1, requests):12.1f} {r['lag_p50']:6.1f} "
              f"{r['lag_p95']:6.1f} {r['own_p50']:6.1f} {r['own_p95']:6.1f} "
              f"{r['held_p50']:6.1f} {r['held_p95']:6.1f}", flush=True)
    print("(ms; own: the crawler's own time per fetch, from due to stored, minus the server's "
          "time and the time held at the gate)")
    if len(own) == 2 and own[0]:
        print(f"own time per fetch, median, {counts[1]} sites / {counts[0]} sites: "
              f"{own[1] / own[0]:.2f} (goal: at most 2)")


def _known(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("select count(*) from revisits where last_checked is not null")
                   .fetchone()[0])
    finally:
        conn.close()


def project(args: argparse.Namespace, results: dict, shares: list[float], known_pages: int,
            never: int) -> None:
    """The projection to the French network, printed with its arithmetic."""
    unchanged = results["unchanged recrawl"]
    fixed = sum(unchanged["statuses"].values()) / args.sites  # home, listings: every night
    worst = max(shares)
    sites, pages, delay = 160, 3000, 1.0
    per_site = fixed + worst * pages
    print(f"\nRe-check policy replayed for the next {FULL_EVERY} nights over {known_pages} known "
          f"pages, nothing changing: {', '.join(f'{100 * s:.1f}%' for s in shares)} of them "
          f"re-checked; {never} left unchecked after {FULL_EVERY} nights.")
    print(f"\n## Projection: {sites} sites x {pages} pages, {delay:.0f} s between two requests "
          f"to one host, all sites at once (--sites-at-once 200 >= {sites})")
    print(f"unchanged night: {fixed:.1f} fixed requests per site (robots.txt, home, listings; "
          f"measured) + {100 * worst:.1f}% (the worst night above) x {pages} = "
          f"{per_site:.0f} requests per site")
    print(f"  x {delay:.0f} s per request per host, every site in parallel = {per_site * delay:.0f} s"
          f" = {per_site * delay / 60:.1f} min (<= 60 min: {per_site * delay <= 3600}); "
          f"{100 * per_site / pages:.1f}% of the known pages requested (<= 15%: "
          f"{per_site / pages <= 0.15})")
    first = pages + fixed
    print(f"first crawl: {pages} pages + {fixed:.1f} = {first:.0f} requests per site x {delay:.0f} s"
          f" = {first * delay / 60:.1f} min, once")
    changed = results["after changes"]["counts"]
    print(f"night after changes: {changed.get('changed', 0)} changed and {changed.get('new', 0)} new "
          f"pages found on {args.changed} changed sites, the same night their lastmod moved")
    polite = fixed * args.delay
    print(f"on loopback: the unchanged night's {fixed:.1f} requests per site at --delay "
          f"{args.delay} are {polite:.2f} s of politeness per site; its {unchanged['wall']:.1f} s "
          f"wall is mostly start-up (interpreter, imports, the extraction worker)")
    first = results["first crawl"]
    per_fetch = 1000 * first["cpu"] / max(1, sum(first["statuses"].values()))
    print(f"the first crawl ({args.sites} busy sites): {per_fetch:.1f} ms of CPU per fetch (crawl "
          f"and extraction worker); the crawler's own time per fetch (due to stored, minus the "
          f"server's time and the gate's) median {first['own_p50']:.1f} ms, 95th percentile "
          f"{first['own_p95']:.1f} ms; event loop lag median {first['lag_p50']:.1f} ms, 95th "
          f"percentile {first['lag_p95']:.1f} ms (--first-only: the same under load, alone)")


if __name__ == "__main__":
    main()
