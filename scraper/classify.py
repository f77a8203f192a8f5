"""What a fetch meant, as one pure function of what came back and what the archive knew.

The one rule for every capture, whoever brought it: the crawl, `import-warc` and `backfill`
(archive/ingest.py) classify with it, and `reextract` rebuilds from what it decided.
"""

from __future__ import annotations

from scraper.models import Capture
from scraper.outcomes import FailureReason, Outcome
from scraper.store_protocol import Validators


def classify(
    capture: Capture, known: Validators | None, *, is_listing: bool, in_scope: bool
) -> Outcome:
    """The outcome of one fetch.

    `known` is what the archive kept of the URL's last full answer (None: never answered 200),
    `is_listing` says the URL is a sitemap or feed, `in_scope` that the page it landed on (after
    redirects) belongs to the site. `Outcome.NEW` here means "a new HTML body: extract it"; the
    store then says whether the page is new, changed or unchanged.
    """
    if capture.error == FailureReason.DISALLOWED and capture.status is None:
        return Outcome.SKIPPED  # robots.txt said no: nothing was fetched
    status = capture.status
    if status == 200 and not in_scope:
        return Outcome.SKIPPED  # redirected off the site: not this site's page
    if status == 304:
        return Outcome.NOT_MODIFIED
    if status is not None and 300 <= status < 400 and capture.error is None:
        # A redirect answer kept as it is: an imported record (the crawl follows them).
        return Outcome.REDIRECT
    outcome = Outcome.FAILED
    if status == 200 and capture.body is not None and capture.error is None:
        if is_listing or not capture.is_html:
            return Outcome.DOCUMENT
        if known is not None and known.sha256 == capture.sha256:
            return Outcome.UNCHANGED
        return Outcome.NEW
    if status in (404, 410) and known is not None:
        outcome = Outcome.GONE
    if is_listing:
        return Outcome.SKIPPED  # a site without a sitemap or feed is not broken
    return outcome
