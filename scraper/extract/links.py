"""Absolute link URLs: urllib's urljoin + urldefrag, with a fast path for the common forms.

A page holds hundreds of links, and urljoin re-parses the page's URL for every one of them.
`Joiner` splits the base once and builds the usual shapes ("https://host/a/b", "/a/b?x=1",
"Article-slug-4100") by concatenation; anything unusual (dot segments, "//", ";params",
whitespace, query-only or scheme-relative links) goes through urljoin, so the result is
always exactly urljoin's.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from .dom import HtmlElement

_NOT_LINKS = ("#", "javascript:", "mailto:", "tel:", "data:")
# A plain path, query and fragment: no whitespace or controls, no "\", no ";" params, no brackets.
_PLAIN = re.compile(r"[^\x00-\x20\x7f\\;\[\]]*")
_ODD_PATH = re.compile(r"//|(?:^|/)\.\.?(?:/|$)")


def _plain_path(path: str) -> bool:
    return _PLAIN.fullmatch(path) is not None and _ODD_PATH.search(path) is None


class Joiner:
    """Joins links to one base URL; `join(href)` equals urldefrag(urljoin(base, href))[0]."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._root: str | None = None  # "https://host", when the base is plain http(s)
        self._dir = ""  # the base path up to its last "/"
        self._scheme = ""
        try:
            parts = urlsplit(base)
        except ValueError:
            return
        if (parts.scheme in ("http", "https") and parts.netloc and base.isascii()
                and parts.path.startswith("/") and _plain_path(parts.path)
                and _PLAIN.fullmatch(parts.netloc)):
            self._scheme = parts.scheme
            self._root = f"{parts.scheme}://{parts.netloc}"
            self._dir = parts.path[: parts.path.rfind("/") + 1]

    def join(self, href: str) -> str:
        """The absolute URL of href without its fragment (ValueError on a malformed one)."""
        fast = self._fast(href)
        return fast if fast is not None else urldefrag(urljoin(self.base, href))[0]

    def _fast(self, href: str) -> str | None:
        if self._root is None or not href.isascii():
            return None
        rest, _, _ = href.partition("#")
        path, mark, query = rest.partition("?")
        if mark and not query:
            return None  # "a?": urllib drops the empty query; leave such rarities to it
        tail = f"?{query}" if query else ""
        if not _PLAIN.fullmatch(rest):
            return None
        if href.startswith(("http://", "https://")):
            scheme, _, after = path.partition("://")
            host, slash, local = after.partition("/")
            # Same scheme as the base: urljoin rebuilds the URL from its parts; another
            # scheme is returned as it stands. Either way a plain one is unchanged.
            if not host or (scheme == self._scheme and not _plain_path(slash + local)):
                return None
            return path + tail
        # The path is plain text already (a part of `rest`): only its segments are tested.
        if not path or ":" in path.split("/", 1)[0] or _ODD_PATH.search(path) is not None:
            return None  # query-only, "mailto:"-like or odd: urljoin decides
        if path.startswith("/"):
            return self._root + path + tail
        return self._root + self._dir + path + tail


def links_of(doc: HtmlElement, base: str) -> list[str]:
    """Absolute http(s) URLs of every <a href>, in order, deduplicated, fragments dropped."""
    joiner = Joiner(base)
    seen: dict[str, None] = {}
    done: set[str] = set()
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href in done or href.startswith(_NOT_LINKS):
            continue
        done.add(href)
        try:
            url = joiner.join(href)
        except ValueError:
            continue
        if url.startswith(("http://", "https://")):
            seen.setdefault(url, None)
    return list(seen)


def base_url(doc: HtmlElement, url: str) -> str:
    """The document's <base href>, resolved against its URL; else its URL."""
    for el in doc.iter("base"):
        href = el.get("href")
        if href:
            try:
                return str(urljoin(url, href.strip()))
            except ValueError:
                break
    return url
