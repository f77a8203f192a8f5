"""One crawl of a URL into a fresh database with politeness off; prints a JSON line.

Run as its own process by bench_crawl.py so that its peak memory is its own.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import time

from sqlite_utils import Database

from archive.crawlstore import SqliteCrawlStore
from archive.schema import ensure_schema
from scraper import extract_page
from scraper.crawl import CrawlOptions, run_crawl_sync, site_for_url
from scraper.http import Politeness
from scraper.progress import Reporter


def main() -> None:
    url, db_path, max_pages, connections = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    db = Database(db_path)
    ensure_schema(db)
    started = time.perf_counter()
    result = run_crawl_sync(
        SqliteCrawlStore(db), [site_for_url(url)], extract_page,
        politeness=Politeness(delay=0.0, max_connections_per_host=connections),
        options=CrawlOptions(max_pages=max_pages, workers_per_site=connections, max_depth=10_000),
        reporter=Reporter(io.StringIO()),
    )
    seconds = time.perf_counter() - started
    pages = db.execute("select count(*) from pages").fetchone()[0]
    print(json.dumps({
        "pages": pages, "fetched": result.counts.get("fetched", 0), "seconds": seconds,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
