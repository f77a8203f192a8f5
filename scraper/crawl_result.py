"""How a crawl ended (`CrawlResult`), and the exit statuses `embassy-archive crawl` gives."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Exit statuses of `embassy-archive crawl` (see the README).
EXIT_OK = 0
EXIT_SITE_FAILED = 3
EXIT_INTERRUPTED = 130  # as a shell reports Ctrl-C: 128 + SIGINT, for SIGTERM too


@dataclass
class CrawlResult:
    """How a crawl ended: its id, whether it resumed an unfinished one, its counts.

    >>> CrawlResult(4, False, {"fetched": 2, "new": 2}, interrupted=True,
    ...             waiting=((1, ("ml",)),)).summary()  # doctest: +NORMALIZE_WHITESPACE
    'crawl 4 interrupted: 2 fetched, 2 new, 0 changed, 0 unchanged, 0 documents, 0 gone,
    0 failed; the next crawl of the same sites resumes it; crawl 1 (ml) left waiting for
    a crawl of its sites'
    """

    crawl_id: int
    resumed: bool
    counts: dict[str, int]
    failed_sites: dict[str, str] = field(default_factory=dict)
    # Sites paused at the crawl's time budget (--max-duration): the crawl stays open
    # ('interrupted', counts so far) and the next crawl of the same sites resumes it.
    yielded: tuple[str, ...] = ()
    interrupted: bool = False  # stopped by SIGINT or SIGTERM: resumed the same way
    # Unfinished crawls of other sites, (id, site names): left waiting, frontier kept.
    waiting: tuple[tuple[int, tuple[str, ...]], ...] = ()

    @property
    def exit_status(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_SITE_FAILED if self.failed_sites else EXIT_OK

    def summary(self) -> str:
        """One line: what the crawl fetched and found, and which sites it could not crawl."""
        c = Counter(self.counts)
        counts = (f"{c['fetched']} fetched, {c['new']} new, {c['changed']} changed, "
                  f"{c['unchanged']} unchanged, {c['documents']} documents, {c['gone']} gone, "
                  f"{c['failed']} failed")
        resumed = "resumed and " if self.resumed else ""
        if self.interrupted:
            line = (f"crawl {self.crawl_id} {resumed}interrupted: {counts}; "
                    "the next crawl of the same sites resumes it")
        elif self.yielded:
            line = (f"crawl {self.crawl_id} paused at its time budget (--max-duration): "
                    f"{', '.join(self.yielded)} not finished; the next run resumes it")
        else:
            line = f"crawl {self.crawl_id} {resumed}finished: {counts}"
        if self.failed_sites:
            line += "; could not crawl " + "; ".join(
                f"{name} ({why})" for name, why in sorted(self.failed_sites.items())
            )
        for crawl_id, names in self.waiting:
            line += f"; crawl {crawl_id} ({', '.join(names)}) left waiting for a crawl of its sites"
        return line
