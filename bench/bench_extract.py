"""Extraction time per page on ../shared/realpages: extract_page beside trafilatura.extract.

    .venv/bin/python bench/bench_extract.py [--repeat N]

Both run in the same process on the same bytes, each warmed up once on every page (models
and caches loaded), then timed N times per page, alternating ours and theirs so that a busy
machine slows both alike. Prints one row per page (median milliseconds), the totals, and the
ratio ours / trafilatura as total and as geometric mean of the per-page ratios.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from scraper import extract_page

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages" / "pages"
URL = "http://example.invalid/"


def _ms(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def medians(repeat: int, ours: Callable[[], object], theirs: Callable[[], object]) -> tuple[float, float]:
    """Median milliseconds of each, timed in alternation."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        a.append(_ms(ours))
        b.append(_ms(theirs))
    return statistics.median(a), statistics.median(b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per page (median kept)")
    args = parser.parse_args(argv)
    if not PAGES.is_dir():
        print(f"no pages at {PAGES}: nothing to measure", file=sys.stderr)
        return 2
    repeat = max(args.repeat, 5)
    files = sorted(PAGES.glob("*.html"))
    pages = [(path.stem, path.read_bytes()) for path in files]
    for _, data in pages:  # warm-up: language model, dateparser, regex caches, both sides
        extract_page(data, URL)
        trafilatura.extract(data, include_comments=False)
    print(f"{'page':<48} {'KB':>5} {'ours ms':>8} {'trafilatura ms':>15} {'ratio':>6}")
    total_ours = total_traf = 0.0
    logs: list[float] = []
    for name, data in pages:
        ours, traf = medians(repeat, partial(extract_page, data, URL),
                             partial(trafilatura.extract, data, include_comments=False))
        total_ours += ours
        total_traf += traf
        logs.append(math.log(ours / traf))
        print(f"{name[:48]:<48} {len(data) // 1024:>5} {ours:>8.1f} {traf:>15.1f} "
              f"{ours / traf:>6.2f}")
    print(f"{'total (' + str(len(pages)) + ' pages, median of ' + str(repeat) + ')':<48} "
          f"{'':>5} {total_ours:>8.1f} {total_traf:>15.1f} {total_ours / total_traf:>6.2f}")
    print(f"{'geometric mean of the ratios':<48} {'':>5} {'':>8} {'':>15} "
          f"{math.exp(statistics.fmean(logs)):>6.2f}")
    print("ours returns title, breadcrumb, sections, dates, language, translations and links;"
          " trafilatura.extract returns the body text.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
