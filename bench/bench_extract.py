"""Extraction time per page on ../shared/realpages: extract_page beside trafilatura.extract.

    .venv/bin/python bench/bench_extract.py [--repeat N]

Prints one row per page (milliseconds, best of N runs) and the totals, with the ratio
ours / trafilatura. Both run in the same process on the same bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from scraper import extract_page

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages" / "pages"


def best_of(repeat: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per page (best is kept)")
    args = parser.parse_args(argv)
    if not PAGES.is_dir():
        print(f"no pages at {PAGES}: nothing to measure", file=sys.stderr)
        return 2
    files = sorted(PAGES.glob("*.html"))
    extract_page(files[0].read_bytes(), "http://example.invalid/")  # warm-up: model loads
    trafilatura.extract(files[0].read_bytes())
    print(f"{'page':<48} {'KB':>5} {'ours ms':>8} {'trafilatura ms':>15} {'ratio':>6}")
    total_ours = total_traf = 0.0
    for path in files:
        data = path.read_bytes()
        ours = best_of(args.repeat, partial(extract_page, data, "http://example.invalid/"))
        traf = best_of(args.repeat, partial(trafilatura.extract, data, include_comments=False))
        total_ours += ours
        total_traf += traf
        print(f"{path.stem[:48]:<48} {len(data) // 1024:>5} {ours:>8.1f} {traf:>15.1f} "
              f"{ours / traf:>6.2f}")
    print(f"{'total (' + str(len(files)) + ' pages)':<48} {'':>5} {total_ours:>8.1f} "
          f"{total_traf:>15.1f} {total_ours / total_traf:>6.2f}")
    print("ours returns title, breadcrumb, sections, dates, language, translations and links;"
          " trafilatura.extract returns the body text.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
