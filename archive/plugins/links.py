"""The reader's addresses: readable, stable, citable.

A page is cited as `/-/page?url=<its address>`, a diff as `/-/diff?url=...&from=1&to=2`, a
capture as `/-/capture/<id>`. Percent-encoded non-ASCII in a stored address (Arabic, Persian,
Chinese slugs) is shown decoded, as an IRI, so that a reader sees words, not `%D8%A7`.

Labels that come from a crawled page (titles, trail items, headings) are shown capped at
`LABEL_LIMIT` characters, the full text staying in the database, and bidi-isolated: a U+202E
(right-to-left override) in a title must not reverse the site name or the date beside it.
`bdi` does both for HTML; `isolated` for plain text (an Atom feed, a tab's title).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

from markupsafe import Markup, escape

_ENCODED_NON_ASCII = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")
# Kept as they are inside our query value; `&`, `#`, `+`, `%` and spaces are encoded.
_SAFE = ":/?=;,@!$'()*~-._"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb", "ug", "sd"})
LABEL_LIMIT = 300  # characters of a page's title, trail item or heading shown or fed
ELLIPSIS = "…"
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate
SQLITE_INT = range(-(2**63), 2**63)  # what an SQLite INTEGER holds


def _invisible(text: str) -> bool:
    # Controls, format characters (bidi overrides, isolates, zero-width marks) and
    # noncharacters would be invisible or misread in an address shown as an IRI: such a run
    # stays percent-encoded.
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Cn", "Co", "Zl", "Zp")
               for ch in text)


def _decode_run(match: re.Match[str]) -> str:
    try:
        decoded = unquote(match.group(0), errors="strict")
    except UnicodeDecodeError:
        return match.group(0)
    return match.group(0) if _invisible(decoded) else decoded


def iri(url: str | None) -> str:
    """The address as a reader reads it: percent-encoded UTF-8 decoded, ASCII escapes kept.

    >>> iri("https://ar.example.org/%D8%A7%D9%84%D8%A3%D9%85%D9%86-4212?a=%26")
    'https://ar.example.org/الأمن-4212?a=%26'
    """
    return _ENCODED_NON_ASCII.sub(_decode_run, url or "")


def label(text: object, limit: int = LABEL_LIMIT) -> str:
    """A page's label as shown: at most `limit` characters, with … where it was cut.

    >>> label("x" * 301)[-3:], len(label("x" * 301))
    ('xx…', 300)
    """
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[:limit - 1] + ELLIPSIS


def bdi(text: object, limit: int = LABEL_LIMIT) -> Markup:
    """A page's label as HTML: capped, escaped and bidi-isolated in <bdi>."""
    return Markup(f"<bdi>{escape(label(text, limit))}</bdi>")


_BIDI = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def isolated(text: object, limit: int = LABEL_LIMIT) -> str:
    """A page's label as plain text: capped, and between FSI and PDI (the plain-text <bdi>)
    when it holds anything right-to-left or a bidi control; left-to-right text is left as is.

    >>> isolated("Visa"), isolated("\u202easiV")
    ('Visa', '\u2068\u202easiV\u2069')
    """
    value = label(text, limit)
    if any(unicodedata.bidirectional(ch) in _BIDI for ch in value):
        return FSI + value + PDI
    return value


def sqlite_int(value: str | None) -> int | None:
    """An address's number as an SQLite integer, or None when it is none (empty, not a
    number, past 2**63): the caller answers 404 or 400, not a 500 from the driver.

    >>> sqlite_int("12"), sqlite_int(str(2**63)), sqlite_int("x"), sqlite_int(None)
    (12, None, None, None)
    """
    if value is None or not value.strip().lstrip("+-").isdigit() or len(value) > 25:
        return None
    number = int(value)
    return number if number in SQLITE_INT else None


def _value(url: str) -> str:
    return quote(iri(url), safe=_SAFE)


def page_href(url: str, version: int | None = None, q: str | None = None,
              at: str | None = None) -> str:
    """The archived page view of `url`: as it read at time `at` (YYYYMMDDhhmmss, the address
    to cite), or its version number `version` (a convenience that older captures imported
    later can shift), else its latest content; with the hits of the search `q` marked."""
    when = f"&at={at}" if at else (f"&version={version}" if version else "")
    return f"/-/page?url={_value(url)}{when}" + (f"&q={quote(q, safe='')}" if q else "")


def readable_at(at: str) -> str:
    """A 14-digit capture time as people read it.

    >>> readable_at("20110704100000")
    '2011-07-04 10:00:00 UTC'
    """
    return f"{at[:4]}-{at[4:6]}-{at[6:8]} {at[8:10]}:{at[10:12]}:{at[12:14]} UTC"


def diff_href(url: str, old: int | str | None = None, new: int | str | None = None,
              only_changes: bool = False) -> str:
    """The diff view between two versions of `url` (its last change by default), each named
    by its time address (or its number)."""
    href = f"/-/diff?url={_value(url)}"
    if old is not None:
        href += f"&from={old}"
    if new is not None:
        href += f"&to={new}"
    return href + ("&only=changes" if only_changes else "")


def capture_href(capture_id: int, part: str = "") -> str:
    """A capture's view, or one of its parts: `frame`, `source` or `raw`."""
    return f"/-/capture/{int(capture_id)}" + (f"/{part}" if part else "")


def feed_href(site: str | None = None, url: str | None = None) -> str:
    """The Atom feed of changes: all of them, one site's or one page's."""
    if url:
        return f"/-/changes.atom?url={_value(url)}"
    if site:
        return f"/-/changes.atom?site={quote(site, safe='')}"
    return "/-/changes.atom"


def direction(language: str | None) -> str:
    """The writing direction of a language: rtl for Arabic, Persian, Hebrew, Urdu ..."""
    return "rtl" if (language or "").split("-")[0].lower() in RTL_LANGUAGES else "ltr"
