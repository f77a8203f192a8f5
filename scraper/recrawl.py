"""Which known pages a night's recrawl re-checks: a pure function of what the archive knows.

The policy, in order (the first that applies decides):

1. a URL never checked is fetched (new URLs, from sitemaps and feeds first);
2. on a site whose sitemap or feed gives no dates, every known page is re-checked (as before);
3. a page whose listed date (the latest its sitemaps and feeds give) is later than the one
   listed when we last checked it (or, listed since, later than that check) is re-checked
   tonight: a changed page is found the same night;
4. a page its site's sitemap or feed listed before but no longer lists (and not checked
   since) is re-checked tonight: a page taken down is found gone the same night;
5. a page not checked for `full_every` days is re-checked, because sitemaps lie;
6. so that those full checks do not all fall on one night, each page also has its night in
   every `full_every`, dealt evenly over the site's pages in the order of their URLs' hashes:
   1/full_every of the site a night;
7. a page that changes often (at least twice, and on at least every other check) is
   re-checked every night;
8. any other page is left alone tonight (counted in `crawls.skipped_by_lastmod`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from scraper.store_protocol import KnownURL

# A page re-checked on its rotation night must not have been checked within this long: a crawl
# run twice in one night (or resumed) does not fetch the same rotation twice.
MIN_ROTATION_AGE = timedelta(hours=12)


def _hash(url: str) -> int:
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=4).digest(), "big")


def rotation_night(url: str, days: int) -> int:
    """The night (0 … days-1) of a URL in every run of `days` nights, stable across runs."""
    return _hash(url) % max(1, days)


def rotation_nights(urls: Iterable[str], days: int) -> dict[str, int]:
    """Nights for a site's known URLs, dealt in turn in the order of their hashes: each night
    gets the same share (to one page), where hashing alone leaves some nights a few percent
    heavier. A URL added later shifts its followers by one place at most, and the "due" rule
    still checks any page whose turn moved later."""
    days = max(1, days)
    return {url: i % days for i, url in enumerate(sorted(urls, key=lambda u: (_hash(u), u)))}


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)  # "…Z": UTC (an order faster than strptime)


def recheck_reason(
    known: KnownURL, now: datetime, full_every_days: int, *, site_lists_dates: bool,
    night: int | None = None,
) -> str | None:
    """Why `known` is fetched tonight, or None to leave it alone (see the module docstring).

    `full_every_days` is the longest a known page goes unchecked (`--full-every`; 0 re-checks
    every known page tonight). `night` is the URL's rotation night (`rotation_nights`),
    by default its hash's.
    """
    if known.last_checked is None:
        return "never checked"
    if not site_lists_dates:
        return "no dates listed"
    listed, checked = known.listed_lastmod, known.checked_lastmod
    # Compared by day: a sitemap's bare date and a feed's timestamp of the same day agree.
    if listed is not None and listed[:10] > (checked or known.last_checked)[:10]:
        return "lastmod moved"
    if known.unlisted:
        return "no longer listed"
    age = now - _when(known.last_checked)
    if full_every_days <= 0 or age >= timedelta(days=full_every_days):
        return "due"
    tonight = now.date().toordinal() % full_every_days
    if night is None:
        night = rotation_night(known.url, full_every_days)
    if night == tonight and age >= MIN_ROTATION_AGE:
        return "rotation"
    if known.changes >= 2 and 2 * known.changes >= known.checks:
        return "changes often"
    return None
