"""What a crawl may do (`CrawlOptions`): its caps, its budget and its concurrency, in one place.

Politeness towards each host (delay, connections, timeouts) is `scraper.http.Politeness`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 5000  # URLs per site in one crawl: the last guard against traps
    max_depth: int = 30  # link hops from a start URL
    workers_per_site: int = 2  # matches the politeness limit of two connections per host
    sites_at_once: int = 200  # the whole French network in one wave
    discover: bool = True  # read robots.txt sitemaps, /sitemap.xml and the SPIP RSS feed
    full_every_days: int = 7  # every known page re-checked at least this often (scraper/recrawl.py)
    # Extraction processes (None: one per core but one, at least one; 0: threads).
    extract_processes: int | None = None
    # Fetches started and not yet stored, over all sites (None: scheduler.default_backlog, two
    # per extraction process and two). Past it no new request starts: a crawl busier than its
    # cores slows down instead of queueing work that every later fetch waits behind (each
    # place held past it adds a visit's time to every fetch: measured in bench_network.py).
    backlog: int | None = None
    # A request on the wire longer than this gives its place up (scraper/scheduler.py):
    # shorter lets more requests to remote hosts overlap, longer bounds the backlog tighter.
    backlog_grace: float = 0.05
    store_thread: bool = True  # the store's calls on a thread of their own (scraper/workers.py)
    # Sitemaps and feeds per site, apart from max_pages: pages keep their room whatever a
    # sitemap index names (one sitemap lists up to 50,000 URLs; a hundred cover any embassy).
    max_listings: int = 100
    # Seconds after which no request starts (None: no limit): a site that cannot finish
    # tonight yields, its frontier kept, and the next run resumes it; the lock is released.
    max_duration: float | None = 6 * 3600.0
