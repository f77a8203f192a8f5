"""What a crawl says while it runs: a live status line on a terminal, plain log lines for cron."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

from .outcomes import Outcome
from .throttle import Turn

# Outcomes that count as a failure in the status line.
FAILED = {Outcome.FAILED}


class Reporter:
    """Counts outcomes per site and shows them.

    On a terminal one status line is redrawn at most every `interval` seconds; elsewhere (cron)
    a plain line is written per site started and finished, and every `log_every` pages.
    """

    def __init__(
        self, stream: TextIO | None = None, *, tty: bool | None = None, log_every: int = 100
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.log_every = log_every
        self.started = time.monotonic()
        self.per_site: dict[str, Counter[str]] = {}
        self.finished: set[str] = set()
        self.total: Counter[str] = Counter()
        self._last_draw = 0.0
        self._drawn = False

    def _write(self, line: str) -> None:
        if self.tty and self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False
        self.stream.write(line + "\n")
        self.stream.flush()

    def site_started(self, site: str, queued: int) -> None:
        """A site's crawl begins with `queued` URLs in its frontier."""
        self.per_site.setdefault(site, Counter())
        if not self.tty:
            self._write(f"{_now()} {site}: started, {queued} URLs queued")

    def page(self, site: str, url: str, outcome: str, error: str | None = None) -> None:
        """One URL visited, with its outcome (an `Outcome`) and failure reason if any."""
        self.per_site.setdefault(site, Counter())[outcome] += 1
        self.total[outcome] += 1
        done = sum(self.total.values())
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw > 0.2:
                self._last_draw = now
                self._draw()
        elif done % self.log_every == 0:
            self._write(f"{_now()} {self.status()}")

    def fetch_timed(self, site: str, url: str, turn: Turn, stored: float) -> None:
        """A fetch whose last request was due and started as `turn` says was stored at
        `stored` (monotonic). Nothing is shown: the network benchmark collects these to
        measure the crawler's own time per fetch."""

    def note(self, line: str) -> None:
        """A line about the crawl as a whole (a crawl of other sites left waiting)."""
        self._write(line if self.tty else f"{_now()} {line}")

    def site_finished(self, site: str, note: str | None = None) -> None:
        """A site's crawl ended; `note` says why when it could not be crawled."""
        self.finished.add(site)
        counts = self.per_site.get(site, Counter())
        line = f"{site}: {_counts(counts)}" + (f" — {note}" if note else "")
        self._write(line if self.tty else f"{_now()} {line}")

    def status(self) -> str:
        """`412 URLs (3.9/s), 2 failed · ml 140 · eg 96 · cn 88 +3 sites`"""
        done = sum(self.total.values())
        rate = done / max(time.monotonic() - self.started, 1e-6)
        failed = sum(self.total[o] for o in FAILED)
        active = [s for s in self.per_site if s not in self.finished]
        shown = " · ".join(f"{s} {sum(self.per_site[s].values())}" for s in active[:3])
        more = f" +{len(active) - 3} sites" if len(active) > 3 else ""
        line = f"{done} URLs ({rate:.1f}/s), {failed} failed"
        return f"{line} · {shown}{more}" if shown else line

    def _draw(self) -> None:
        self.stream.write("\r\x1b[K" + self.status())
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the live status line, if one is drawn."""
        if self.tty and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


def _counts(counts: Counter[str]) -> str:
    parts = [f"{counts[k]} {k.replace('_', ' ')}" for k in Outcome if counts[k]]
    return ", ".join(parts) or "nothing fetched"


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")
