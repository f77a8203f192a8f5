"""Extraction time per page on ../shared/publicpages: ours beside trafilatura and htmldate.

    .venv/bin/python bench/bench_extract.py [--limit N] [--repeat N]

All three run in this one process on the same bytes, so their ratio holds on any machine:
`extract_page(bytes, url)` (title, breadcrumb, sections, dates, language, translations,
links); trafilatura's `extract` with the settings of its own benchmark (what
../shared/publicpages/check compares us with: metadata on, JSON out, no comments, tables
kept); htmldate's `find_date` with extensive search (the date alone). Each is warmed up on
the first pages (models, caches, regexes), then every page is timed in turn by each, in
alternation, so that a busy machine slows all three alike; the best of `--repeat` runs per
page is kept. Prints median and 95th percentile per page, and ours / theirs.

Without ../shared (a stranger's clone) it says so and exits 0: nothing to measure.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CASES = Path(__file__).resolve().parents[1].parent / "shared" / "publicpages"
WARM_UP = 20

Call = Callable[[bytes, str], object]


def _pages(limit: int | None) -> list[tuple[bytes, str]]:
    """(bytes, url) of the body suite then the dates suite, up to `limit` pages."""
    pages: list[tuple[bytes, str]] = []
    for suite in ("body", "dates"):
        for line in (CASES / f"{suite}.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            with gzip.open(CASES / case["html_path"], "rb") as f:
                pages.append((f.read(), case["url"]))
    return pages[:limit] if limit else pages


def _contenders() -> dict[str, Call]:
    import trafilatura
    from htmldate import find_date

    from scraper import extract_page

    def traf(html: bytes, url: str) -> object:
        return trafilatura.extract(html, output_format="json", with_metadata=True, fast=False,
                                   include_comments=False, include_tables=True,
                                   include_formatting=False)

    def htmldate(html: bytes, url: str) -> object:
        return find_date(html, extensive_search=True, original_date=True)

    return {"embassy-archive": extract_page, "trafilatura": traf, "htmldate": htmldate}


def _time(call: Call, html: bytes, url: str) -> float:
    start = time.perf_counter()
    # A page one library cannot read still took its time.
    with contextlib.suppress(Exception):
        call(html, url)
    return time.perf_counter() - start


def measure(pages: list[tuple[bytes, str]], calls: dict[str, Call], repeat: int) -> dict[str, list[float]]:
    """Seconds per page for each contender, the best of `repeat` alternated runs."""
    for html, url in pages[:WARM_UP]:
        for call in calls.values():
            _time(call, html, url)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for html, url in pages:
        for name, call in calls.items():
            times[name].append(min(_time(call, html, url) for _ in range(repeat)))
    return times


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def table(times: dict[str, list[float]]) -> str:
    ours = times["embassy-archive"]
    header = (f"{'extractor':<16} {'median ms':>10} {'p95 ms':>8} {'ours / it (median)':>19} "
              f"{'ours / it (p95)':>16}")
    lines = [header]
    for name, values in times.items():
        med, high = statistics.median(values), p95(values)
        ratio = statistics.median(ours) / med if med else float("inf")
        ratio95 = p95(ours) / high if high else float("inf")
        lines.append(f"{name:<16} {med * 1000:>10.1f} {high * 1000:>8.1f} {ratio:>19.2f} "
                     f"{ratio95:>16.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="time only the first N pages")
    parser.add_argument("--repeat", type=int, default=1, help="runs per page, the best kept")
    args = parser.parse_args(argv)
    if not (CASES / "body.jsonl").is_file():
        print(f"skipped: no pages at {CASES} (../shared is not beside the repository)")
        return 0
    pages = _pages(args.limit)
    times = measure(pages, _contenders(), max(args.repeat, 1))
    print(f"{len(pages)} pages of ../shared/publicpages, each timed by all three in turn")
    print(table(times))
    print("ours returns title, breadcrumb, sections, dates, language, translations and links;"
          " trafilatura the body and its metadata; htmldate the date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
