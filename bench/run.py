"""Run every benchmark and print their tables: `make bench` (or `make bench QUICK=1`).

Each benchmark measures its reference in the same run (trafilatura for extraction, Scrapy for
crawling, a LIKE scan for search, the previous storage layout for storage), so the ratios hold
on any machine. bench_storage runs twice: with a real SPIP page's weight of template (the
archive's target: 0.26x the raw HTML at 100,000 pages, goal 0.5x), and with the light sample
pages as they are served.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL = [
    ["bench_extract.py"],
    ["bench_changes.py"],
    ["bench_crawl.py", "--pages", "10000", "--memory", "1000,100000"],
    ["bench_network.py", "--sites", "16", "--pages", "300", "--changed", "4"],
    ["bench_network.py", "--first-only", "--pages", "0", "--delay", "1", "--nice", "19",
     "--sites", "4", "--against", "160"],
    ["bench_search.py", "--pages", "100000"],
    ["bench_storage.py", "--pages", "100000", "--template"],
    ["bench_storage.py", "--pages", "5000"],
    ["bench_serve_load.py", "--pages", "300", "--more", "1500", "--seconds", "30"],
]
QUICK = [
    ["bench_extract.py", "--limit", "300"],
    ["bench_changes.py"],
    ["bench_crawl.py", "--pages", "1000", "--memory", "500,5000"],
    ["bench_network.py", "--sites", "4", "--pages", "100", "--changed", "1"],
    ["bench_network.py", "--first-only", "--pages", "0", "--delay", "1", "--nice", "19",
     "--sites", "4", "--against", "16"],
    ["bench_search.py", "--pages", "5000"],
    ["bench_storage.py", "--pages", "5000", "--template"],
    ["bench_storage.py", "--pages", "1000"],
    ["bench_serve_load.py", "--pages", "100", "--more", "500", "--seconds", "15"],
]


def main() -> int:
    plan = QUICK if "--quick" in sys.argv[1:] else FULL
    failed = 0
    for script, *args in plan:
        print(f"\n# {script} {' '.join(args)}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / script), *args])
        failed += code != 0
        print(f"({script} took {time.monotonic() - started:.0f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
