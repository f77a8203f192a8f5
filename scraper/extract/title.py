"""The article's own title: its heading, checked against the <title> and og:title."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from urllib.parse import urlsplit

from .content import HIDDEN_CLASS as _HIDDEN_CLASS
from .content import furniture
from .dom import HtmlElement, text_of, tokens
from .meta import head_title, jsonld
from .text import norm, squash

_TITLE_CLASS = re.compile(r"title|titre|headline|(?:^|[\s_-])h1(?:$|[\s_-])|heading")
# Parts of a heading that are not its words: dates, badges, SPIP translation markers.
_NOT_TITLE_TAGS = frozenset({"time"})
_LANG_MARKERS = re.compile(r"(?:\s*\[[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?\])+\s*$")
_SITE_SEPARATORS = re.compile(r"\s+[-|–—:·»]\s+|\s*[|｜]\s*")
# What a dropped kicker leaves before the title's words ("Klimaschutz: Bohren …" without its
# kicker). A dash or a "»" only with a space after it: "»Zitat«" opens a German quotation.
_LEFT_SEPARATOR = re.compile(r"^(?:\s*(?:[:：|·]|[-–—»](?=\s)))+\s*")


_META_NAMES = frozenset({"og:title", "twitter:title", "dc.title", "dcterms.title",
                         "og:site_name", "application-name"})


def _metas(doc: HtmlElement) -> dict[str, str]:
    """The first non-empty content of each <meta> the title reads, in one pass."""
    found: dict[str, str] = {}
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or "").lower()
        if key in _META_NAMES and key not in found:
            value = norm(el.get("content"))
            if value:
                found[key] = value
    return found


def _meta_titles(doc: HtmlElement, metas: dict[str, str]) -> list[str]:
    titles = [
        metas.get("og:title"),
        metas.get("twitter:title"),
        metas.get("dc.title") or metas.get("dcterms.title"),
        head_title(doc),
    ]
    for obj in jsonld(doc):
        headline = obj.get("headline") or None
        if isinstance(headline, str):
            titles.append(norm(headline))
    return [t for t in titles if t]


def clean_title(text: str) -> str:
    """Without trailing SPIP translation markers like "[en] [fr]"."""
    return norm(_LANG_MARKERS.sub("", text))


def _candidates(doc: HtmlElement) -> list[HtmlElement]:
    found: list[HtmlElement] = []
    for el in doc.iter("h1", "h2", "div", "span", "p", "header", "strong"):
        if el.tag in ("h1", "h2") or el.get("role") == "heading" or _title_class(tokens(el)):
            found.append(el)
    return found


@lru_cache(maxsize=4096)
def _title_class(names: str) -> bool:
    """A title's class or id, not a kicker's. Class strings repeat over a page's elements:
    each is judged once."""
    return bool(names) and bool(_TITLE_CLASS.search(names)) and not _KICKER.search(names)


# A kicker, roofline or label set inside the heading above the title's own words.
_KICKER = re.compile(
    r"kicker|roofline|topline|toptitle|dachzeile|overline|eyebrow|supertitle|pretitle|"
    r"topic-label|h1small|(?:^|[\s_-])(?:label|badge|rubric|ressort)(?:$|[\s_-])"
)


def _heading_text(el: HtmlElement, keys: list[str], skip: Collection[HtmlElement]) -> str:
    """The heading's words; `keys` are the meta titles' `squash`ed forms.

    Dates, kickers and screen-reader-only bits inside the heading are not its words, as
    long as words remain without them.
    """
    drop = [c for c in el.iterdescendants() if c.tag in _NOT_TITLE_TAGS or (
        isinstance(c.tag, str) and (c.get("class") or "") and (
            _KICKER.search(tokens(c)) or _HIDDEN_CLASS.search(tokens(c))))]
    # Without its kicker, "Klimaschutz: Bohren …" leaves the kicker's separator behind.
    text = clean_title(_LEFT_SEPARATOR.sub("", text_of(el, [*drop, *skip])))
    if drop and len(squash(text)) < 3:
        drop = [c for c in drop if c.tag in _NOT_TITLE_TAGS]
        text = clean_title(text_of(el, [*drop, *skip]))
    if keys:
        key = squash(text)
        if any(key in k for k in keys):
            return text
        # A badge or kicker inside the heading ("Abonnés"): drop children the meta titles lack.
        extra = []
        for c in el.iterdescendants():
            if isinstance(c.tag, str):
                ckey = squash(c.text_content())
                if ckey and not any(ckey in k for k in keys):
                    extra.append(c)
        trimmed = clean_title(text_of(el, [*drop, *extra, *skip]))
        if trimmed:
            tkey = squash(trimmed)
            if any(tkey in k for k in keys):
                return trimmed
    return text


class _Metas:
    """The meta titles' comparison keys, computed once per page."""

    def __init__(self, metas: list[str]) -> None:
        self.keys = [squash(m) for m in metas]
        self.segments: list[dict[str, bool]] = []  # segment key -> is the title's longest
        for m in metas:
            keys = [squash(s) for s in _SITE_SEPARATORS.split(m)]
            longest = max(keys, key=len, default="")
            self.segments.append({k: k == longest for k in keys if k})


def _match(text: str, metas: _Metas) -> float:
    key = squash(text)
    if len(key) < 2:
        return 0.0
    best = 0.0
    for mkey, segments in zip(metas.keys, metas.segments):
        if key == mkey:
            return 3.0
        if key in segments:
            # "Article – Site": the shorter segment is usually the site's name.
            best = max(best, 2.5 if segments[key] else 2.0)
        elif key in mkey and len(key) >= 0.4 * len(mkey):
            best = max(best, 2.0)
        elif mkey in key and len(mkey) >= 0.6 * len(key):
            best = max(best, 1.0)
    return best


# A home link: the site's logo or name heading, not the article's.
_HOME = re.compile(r"^(?:\.{0,2}/)*(?:index\.\w+)?$|^/web/\d+\w*/https?://[^/]+/?$")


def _site_heading(el: HtmlElement, key: str, site_keys: set[str]) -> bool:
    """A heading that names the site: og:site_name's words, or wholly a link to home."""
    if key in site_keys:
        return True
    links = [a for a in el.iter("a")]
    if len(links) != 1 or squash(links[0].text_content()) != key:
        return False
    parts = urlsplit((links[0].get("href") or "").strip())
    return not parts.query and bool(_HOME.match(parts.path))


def _site_keys(metas: dict[str, str]) -> set[str]:
    names = (metas.get("og:site_name"), metas.get("application-name"))
    return {squash(n) for n in names if n}


def _without_site_name(title: str, metas: list[str]) -> str:
    """A meta title without the site's name. Where another meta title is this one plus a
    segment ("Schneeflöckchen – mit Hund im Winter - Martin Rütter DOGS" beside the og:title
    without its last part), that segment is the site's name and this title is whole, dashes
    and all; otherwise the longest segment is the title."""
    if any(_adds_a_segment(other, title) for other in metas):
        return title
    parts = [p for p in _SITE_SEPARATORS.split(title) if p]
    return max(parts, key=len) if parts else title


def _adds_a_segment(other: str, title: str) -> bool:
    """Whether `other` is `title` with one more segment after or before it."""
    if other == title:
        return False
    if other.startswith(title):
        return _SITE_SEPARATORS.match(other, len(title)) is not None
    if other.endswith(title):
        head = other[: len(other) - len(title)]
        return any(m.end() == len(head) for m in _SITE_SEPARATORS.finditer(head))
    return False


def find_title(
    doc: HtmlElement, skip: Collection[HtmlElement], chosen: HtmlElement | None = None
) -> tuple[str | None, HtmlElement | None]:
    """(title text, its element): a profile's chosen element first, else the best heading."""
    found = _metas(doc)
    metas = _meta_titles(doc, found)
    keys = _Metas(metas)
    if chosen is not None:
        # The meta titles tell a section label or badge inside the CMS's heading
        # ("Local News | " in WordPress's h1.entry-title) from the title's words.
        text = _heading_text(chosen, keys.keys, ())
        if text:
            return text, chosen
    site = _site_keys(found)
    best_is_site = False
    best: tuple[float, int, HtmlElement, str] | None = None
    longest = max((len(m) for m in metas), default=0) + 100
    for order, el in enumerate(_candidates(doc)):
        if len(el.text_content()) > max(longest, 400):
            continue  # a container far longer than any title
        text = _heading_text(el, keys.keys, ())
        if not text or len(text) > 400:
            continue
        score = _match(text, keys)
        if score == 0.0:
            continue
        site_heading = _site_heading(el, squash(text), site)
        if site_heading:
            score -= 2.0
        score += 0.3 if el.tag == "h1" else 0.0
        if _HIDDEN_CLASS.search(tokens(el)):
            score -= 2.0  # a screen-reader copy of the <title>, not the visible heading
        elif any(furniture(tokens(a))[0] for a in (el, *el.iterancestors())):
            score -= 2.0  # a share box or related list repeating the <title>
        elif skip and (el in skip or any(a in skip for a in el.iterancestors())):
            score -= 0.4  # site branding in the header
        if best is None or score > best[0]:
            best = (score, order, el, text)
            best_is_site = site_heading
    if best is not None and not best_is_site:
        return best[3], best[2]
    for el in doc.iter("h1"):
        if el in skip:
            continue
        text = _heading_text(el, [], ())
        if len(text) > 3 and not _site_heading(el, squash(text), site):
            return text, el
    fallback = metas[0] if metas else None
    if fallback:
        return clean_title(_without_site_name(fallback, metas)) or None, None
    return (best[3], best[2]) if best is not None else (None, None)
