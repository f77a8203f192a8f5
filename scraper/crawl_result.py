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

    @property
    def exit_status(self) -> int:
        return EXIT_SITE_FAILED if self.failed_sites else EXIT_OK

    def summary(self) -> str:
        """One line: what the crawl fetched and found, and which sites it could not crawl."""
        c = Counter(self.counts)
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
