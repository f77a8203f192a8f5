"""How a crawl ended (`CrawlResult`), and the exit statuses `embassy-archive crawl` gives."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Exit statuses of `embassy-archive crawl` (see the README).
EXIT_OK = 0
EXIT_SITE_FAILED = 3


@dataclass
class CrawlResult:
    """How a crawl ended: its id, whether it resumed an interrupted one, its counts."""

    crawl_id: int
    resumed: bool
    counts: dict[str, int]
    failed_sites: dict[str, str] = field(default_factory=dict)
    # Sites paused at the crawl's time budget (--max-duration): the crawl stays open (no
    # counts yet) and the next run resumes it.
    yielded: tuple[str, ...] = ()

    @property
    def exit_status(self) -> int:
        return EXIT_SITE_FAILED if self.failed_sites else EXIT_OK

    def summary(self) -> str:
        """One line: what the crawl fetched and found, and which sites it could not crawl."""
        c = Counter(self.counts)
        if self.yielded:
            return (f"crawl {self.crawl_id} paused at its time budget (--max-duration): "
                    f"{', '.join(self.yielded)} not finished; the next run resumes it"
                    + "".join(f"; could not crawl {n} ({w})"
                              for n, w in sorted(self.failed_sites.items())))
        line = (
            f"crawl {self.crawl_id} {'resumed and ' if self.resumed else ''}finished: "
            f"{c['fetched']} fetched, {c['new']} new, {c['changed']} changed, "
            f"{c['unchanged']} unchanged, {c['documents']} documents, {c['gone']} gone, "
            f"{c['failed']} failed"
        )
        if self.failed_sites:
            line += "; could not crawl " + "; ".join(
                f"{name} ({why})" for name, why in sorted(self.failed_sites.items())
            )
        return line
