"""The crawl's vocabulary in one place: what a fetch meant, and why a fetch failed.

Both are `StrEnum`s whose values are the strings the archive stores (`captures.outcome`,
`captures.error`), so archives written before these enumerations existed read the same.
`archive/metadata.yml` describes `captures.outcome` with exactly these values (a test checks).
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What one visited URL meant for the archive (`captures.outcome`)."""

    NEW = "new"  # a page seen for the first time
    CHANGED = "changed"  # a known page whose content changed
    UNCHANGED = "unchanged"  # fetched again, same content
    NOT_MODIFIED = "not_modified"  # a conditional request answered 304
    DOCUMENT = "document"  # not a page: a PDF, an image, a sitemap or a feed
    GONE = "gone"  # a known page now answers 404 or 410
    FAILED = "failed"  # no usable answer (see FailureReason)
    SKIPPED = "skipped"  # not fetched or not ours: robots.txt, a redirect off the site …
    REDIRECT = "redirect"  # an imported capture (WARC, Wayback) of a redirect: no crawl makes one


# Outcomes that say "nothing new tonight": recorded on the page, never as a full capture.
UNCHANGED_OUTCOMES = frozenset({Outcome.UNCHANGED, Outcome.NOT_MODIFIED})
# Outcomes whose capture carries (or once carried) a page: what `reextract` rebuilds from.
PAGE_OUTCOMES = frozenset(
    {Outcome.NEW, Outcome.CHANGED, Outcome.UNCHANGED, Outcome.NOT_MODIFIED, Outcome.GONE,
     Outcome.FAILED}
)

# captures.outcome -> the `crawls` column it counts towards (imports' REDIRECT has no crawl).
COUNT_COLUMN: dict[str, str] = {
    Outcome.NEW: "new",
    Outcome.CHANGED: "changed",
    Outcome.UNCHANGED: "unchanged",
    Outcome.NOT_MODIFIED: "unchanged",
    Outcome.DOCUMENT: "documents",
    Outcome.GONE: "gone",
    Outcome.FAILED: "failed",
    Outcome.SKIPPED: "skipped",
}


class FailureReason(StrEnum):
    """Why a fetch ended without a usable answer (`captures.error`)."""

    INVALID_URL = "invalid url"  # not http(s), or unparseable
    DNS_FAILURE = "dns failure"  # the host name did not resolve
    REFUSED_ADDRESS = "refused address"  # private, loopback, link-local … and not a seed host
    DISALLOWED = "disallowed by robots.txt"  # robots.txt forbids the path for our user agent
    # robots.txt answered 5xx or could not be fetched: the host is not crawled now
    ROBOTS_UNAVAILABLE = "robots.txt unavailable"
    TIMEOUT = "timeout"  # connect, read, or the whole-page limit
    CONNECTION_FAILED = "connection failed"  # nothing accepted the connection
    CONNECTION_RESET = "connection reset"  # the peer dropped the connection
    TRUNCATED = "truncated body"  # fewer bytes than announced
    TOO_LARGE = "too large"  # the body passed max_body_bytes (reading stopped there)
    BOMB = "decompression bomb"  # a compressed body inflating past max_body_bytes
    UNDECODABLE = "undecodable body"  # a Content-Encoding whose data is corrupt
    REDIRECT_LOOP = "redirect loop"
    TOO_MANY_REDIRECTS = "too many redirects"
    INVALID_REDIRECT = "invalid redirect"
    OUT_OF_SCOPE = "out of scope"  # a redirect leaving the site's scope: not followed
    RETRY_AFTER_TOO_LONG = "retry-after too long"  # a 429/503 asking more than max_retry_after
    SERVER_ERROR = "server error"  # a 5xx still there after max_retries retries
    RATE_LIMITED = "rate limited"  # a 429 still there after max_retries retries
    HTTP_ERROR = "http error"  # any other transport error (its type is appended)
    CRAWLER_ERROR = "crawler error"  # a bug of ours on this URL (its type and message appended)
