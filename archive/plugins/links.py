"""The reader's addresses: readable, stable, citable.

A page is cited as `/-/page?url=<its address>`, a diff as `/-/diff?url=...&from=1&to=2`, a
capture as `/-/capture/<id>`. Percent-encoded non-ASCII in a stored address (Arabic, Persian,
Chinese slugs) is shown decoded, as an IRI, so that a reader sees words, not `%D8%A7`.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

_ENCODED_NON_ASCII = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")
# Kept as they are inside our query value; `&`, `#`, `+`, `%` and spaces are encoded.
_SAFE = ":/?=;,@!$'()*~-._"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb", "ug", "sd"})


def _decode_run(match: re.Match[str]) -> str:
    try:
        return unquote(match.group(0), errors="strict")
    except UnicodeDecodeError:
        return match.group(0)


def iri(url: str | None) -> str:
    """The address as a reader reads it: percent-encoded UTF-8 decoded, ASCII escapes kept.

    >>> iri("https://ar.example.org/%D8%A7%D9%84%D8%A3%D9%85%D9%86-4212?a=%26")
    'https://ar.example.org/الأمن-4212?a=%26'
    """
    return _ENCODED_NON_ASCII.sub(_decode_run, url or "")


def _value(url: str) -> str:
    return quote(iri(url), safe=_SAFE)


def page_href(url: str, version: int | None = None, q: str | None = None) -> str:
    """The archived page view of `url` (its latest version unless `version` is given), with
    the hits of the search `q` marked when given."""
    return (f"/-/page?url={_value(url)}" + (f"&version={version}" if version else "")
            + (f"&q={quote(q, safe='')}" if q else ""))


def diff_href(url: str, old: int | None = None, new: int | None = None,
              only_changes: bool = False) -> str:
    """The diff view between two versions of `url` (its last change by default)."""
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
