"""Dates a page declares rather than shows: JSON-LD, <meta>, microdata, hAtom, its URL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement

from scraper.extract import date_words
from scraper.extract.date_scan import is_plausible, make_date, parse_date
from scraper.extract.date_zones import Zones

__all__ = ["Declared", "attribute_dates", "canonical_url", "declared_dates", "url_date"]

_ARTICLE_TYPES = re.compile(r"article|posting|report|release|news", re.IGNORECASE)


def _json_ld_dates(scripts: Iterable[HtmlElement]) -> tuple[object, object]:
    """datePublished and dateModified of the page's own JSON-LD object (an Article if any),
    as written, from the page's <script> elements."""
    found: list[tuple[bool, object, object]] = []
    for script in scripts:
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            queue = [json.loads(script.text or "", strict=False)]
        except (ValueError, RecursionError):
            queue = [_loose_json_ld(script.text or "")]
        while queue:  # breadth first: the page's object before the objects it mentions
            item = queue.pop(0)
            if isinstance(item, list):
                queue.extend(item)
            elif isinstance(item, dict):
                if "datePublished" in item or "dateModified" in item:
                    is_article = bool(_ARTICLE_TYPES.search(str(item.get("@type", ""))))
                    found.append((is_article, item.get("datePublished"), item.get("dateModified")))
                queue.extend(v for k, v in item.items() if k not in date_words.JSON_LD_ELSEWHERE)
    found.sort(key=lambda f: not f[0])
    for _, published, modified in found:
        return published, modified
    return None, None


_JSON_LD_DATE = re.compile(r'"(datePublished|dateModified)"\s*:\s*"([^"]{6,40})"')


def _loose_json_ld(text: str) -> dict[str, str]:
    """The first datePublished and dateModified of JSON-LD that does not parse (a trailing
    comma, an unescaped quote): the dates are still plain to read."""
    found: dict[str, str] = {}
    for key, value in _JSON_LD_DATE.findall(text):
        found.setdefault(key, value)
    return found


def _plausible_text(value: object, today: date) -> date | None:
    d = parse_date(value) if isinstance(value, str) else None
    return d if is_plausible(d, today) else None


def _first_plausible(values: Iterable[str | None], today: date) -> tuple[date | None, str | None]:
    for value in values:
        d = _plausible_text(value, today)
        if d is not None:
            return d, value
    return None, None


# A time of day in UTC: "T23:00Z", "T09:49:32+0000", " 06:35:29+00:00".
_UTC_TIME = re.compile(r"[T ]([0-2][0-9]):([0-5][0-9])(?::[0-9]{1,2}(?:\.[0-9]+)?)?\s*"
                       r"(?:Z|[+-]00:?00)$", re.IGNORECASE)


def _utc_hour(value: object) -> float | None:
    m = _UTC_TIME.search(value.strip()) if isinstance(value, str) else None
    return int(m.group(1)) + int(m.group(2)) / 60 if m else None


# Through the attributes: the cheaper scan in libxml2 than a test on every element.
_ITEMPROP_DATES = etree.XPath("//@itemprop[. = 'datePublished' or . = 'dateModified']/..")


class Declared(NamedTuple):
    """What the markup says of the page's dates."""

    published: date | None  # an explicit publication date (JSON-LD, article:published_time …)
    modified: date | None
    dated: date | None  # a bare "date" (Dublin Core, <meta name="date">): weaker than a byline
    utc_hour: float | None = None  # when `published` was given as a UTC instant, its hour
    # Every publication date the markup declares: its declarations may disagree (JSON-LD
    # saying 3 November, article:published_time 6 November).
    also: frozenset[date] = frozenset()

    def local_days(self) -> set[date]:
        """The days `published` falls on somewhere on Earth (UTC-12 to UTC+14), when it was
        declared as a UTC instant; else that day alone."""
        if self.published is None:
            return set()
        days = {self.published}
        if self.utc_hour is not None:
            if self.utc_hour < 12:
                days.add(self.published - timedelta(days=1))
            if self.utc_hour >= 10:
                days.add(self.published + timedelta(days=1))
        return days


def declared_dates(doc: HtmlElement, zones: Zones, today: date) -> Declared:
    """The dates that the markup declares: JSON-LD, meta tags, microdata, hAtom."""
    scripts: list[HtmlElement] = []
    metas: list[HtmlElement] = []
    for el in doc.iter("script", "meta"):  # one walk of the tree for both
        (metas if el.tag == "meta" else scripts).append(el)
    ld_published, ld_modified = _json_ld_dates(scripts)
    published, raw = _first_plausible([ld_published if isinstance(ld_published, str) else None],
                                      today)
    modified = _plausible_text(ld_modified, today)
    meta: dict[str, str] = {}
    for el in metas:
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key and el.get("content"):
            meta.setdefault(key, el.get("content"))
    in_meta = [(d, value) for value in (meta.get(k) for k in date_words.PUBLISHED_META)
               if (d := _plausible_text(value, today)) is not None]
    also = {d for d, _ in in_meta}
    if published is None and in_meta:
        published, raw = in_meta[0]
    modified = modified or _first_plausible(
        (meta.get(k) for k in date_words.MODIFIED_META), today)[0]
    for el in _ITEMPROP_DATES(doc):
        text = el.get("content") or el.get("datetime") or el.text_content()
        value = _plausible_text(text, today)
        if el.get("itemprop") == "datePublished" and value:
            also.add(value)
            if published is None:
                published, raw = value, text
        elif el.get("itemprop") == "dateModified":
            modified = modified or value
    for _, zone, el, _ in zones.dated:  # hAtom and <time pubdate>, visible blocks only
        marks = (el.get("class") or "").lower()
        text = el.get("datetime") or el.get("title")
        value = _plausible_text(text, today)
        if zone == "content" and (el.get("pubdate") is not None or "published" in marks):
            if value:
                also.add(value)
            if published is None and value:
                published, raw = value, text
        elif zone == "content" and ("updated" in marks or "modified" in marks):
            modified = modified or value
    dated = _first_plausible((meta.get(k) for k in date_words.DATED_META), today)[0]
    return Declared(published, modified, dated, _utc_hour(raw), frozenset(also))


_ATTRIBUTE_DATE = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{2})[-/_.]?([01][0-9])[-/_.]?([0-3][0-9])(?![0-9])")


# Every attribute value of the document, in document order: libxml2 reads them, not a Python
# look at every element.
_ATTRIBUTE_VALUES = etree.XPath("//@*", smart_strings=False)


def attribute_dates(doc: HtmlElement, url: str, today: date) -> list[date]:
    """Plausible full dates in the URL and in attribute values (ids, links, datetime …)."""
    values = [url, *_ATTRIBUTE_VALUES(doc)]
    # One search over all values: a date has no line break, so none spans two values.
    found = (make_date(int(y), int(m), int(d))
             for y, m, d in _ATTRIBUTE_DATE.findall("\n".join(values)))
    return [d for d in found if d is not None and is_plausible(d, today)]


# A path that files the page under its day: /2017/7/12/slug, /2019-04-30-slug, /2019_04_30,
# /article/20211103/… . The day must end its path segment (or be followed by the same
# separator and a slug), so "/2023/10/3-questions" (a month archive and a title) is not read
# as 3 October.
_URL_DATE = re.compile(
    r"/((?:19|20)[0-9]{2})/([01]?[0-9])/([0-3]?[0-9])(?=/|\.[a-z]{2,5}(?:$|[?#])|$|[?#])"
    r"|[/_-]((?:19|20)[0-9]{2})([-_]?)([01][0-9])\5([0-3][0-9])(?![0-9])")


def url_date(url: str | None, today: date) -> date | None:
    """The publication day a URL's path states, as blogs and news sites file their articles."""
    path = (url or "").split("://", 1)[-1].partition("/")[2]
    m = _URL_DATE.search("/" + path.split("?", 1)[0].split("#", 1)[0])
    if m is None:
        return None
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (
        m.group(4), m.group(6), m.group(7))
    found = make_date(int(y), int(mo), int(d))
    return found if is_plausible(found, today) else None


def canonical_url(doc: HtmlElement) -> str | None:
    """The page's own address as it declares it (a feed or a mirror serves it elsewhere)."""
    for el in doc.iter("link"):
        href = el.get("href")
        if isinstance(href, str) and "canonical" in (el.get("rel") or "").lower().split():
            return href
    return None
