"""Publication and modification dates of a page. Pure, no I/O.

`extract_dates(doc, main, language, url)` decides a page's (published, modified): visible
labelled dates first, then an unlabelled byline date, then structured data (JSON-LD, meta,
`<time>`), then htmldate; never from navigation, sidebars, related lists or comments.
Reading a date out of text is `date_scan`'s work; its public names are re-exported here.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from scraper.extract import date_words
from scraper.extract.date_scan import (
    EARLIEST,
    HAS_DIGIT,
    complete_year,
    find_labelled_dates,
    fold,
    is_plausible,
    labelled_dates,
    labelled_in_folded,
    make_date,
    parse_date,
    scan_dates,
)

__all__ = ["EARLIEST", "extract_dates", "find_labelled_dates", "fold", "is_plausible",
           "labelled_dates", "parse_date", "scan_dates"]

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "select", "option", "textarea",
              "iframe", "head", "button"}
_BOILER_TAGS = {"nav", "aside", "menu", "dialog"}
_BOILER_ROLES = {"navigation", "complementary", "search", "menu", "menubar", "dialog"}


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?:^|[-_\s])(?:" + "|".join(words) + r")(?=$|[-_\s])", re.IGNORECASE)


_BOILER_WORDS = _words(date_words.BOILERPLATE_WORDS)
_FOOTER_WORDS = _words(date_words.FOOTER_WORDS)
_HEADER_WORDS = _words(date_words.HEADER_WORDS)
_DATED_MARKS = re.compile("|".join(date_words.DATED_MARKS), re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
               "section", "article", "header", "footer", "main", "aside", "nav", "table", "tr",
               "td", "th", "blockquote", "figure", "figcaption", "form", "br", "hr", "address",
               "pre", "fieldset", "center"}
_HOLDS_MAIN = "boolean(.//main | .//*[@role='main'])"
_MAX_LINE = 160  # a labelled date line is short; a long paragraph quoting "publié le" is body
_DATELINE = re.compile(r"^[^\W\d_][^,;:.!?]{0,40},\s*(?P<date>.{6,30}?)\s+[-–—]\s+\S")


@lru_cache(maxsize=4096)
def _zone_words(cls: str, ident: str) -> tuple[bool, bool, bool]:
    """(boilerplate, footer, header) by class and id; judged once per distinct pair."""
    if not cls and not ident:
        return False, False, False
    words = f"{cls} {ident}"
    return (bool(_BOILER_WORDS.search(words)), bool(_FOOTER_WORDS.search(words)),
            bool(_HEADER_WORDS.search(words)))


@lru_cache(maxsize=4096)
def _dated_marks(marks: str) -> bool:
    return bool(_DATED_MARKS.search(marks))


class _Zones:
    """One pass over the document: short text lines and date-carrying elements per zone.

    Zones: "content" (the article and anything not classed otherwise), "footer" (the site's
    footer: it carries "Letzte Änderung …" lines) and "header" (the site's banner). Comments,
    sidebars, navigation, hidden blocks and lists of other articles are left out altogether.
    """

    def __init__(self, root: HtmlElement, keep: set[HtmlElement]) -> None:
        self.lines: list[tuple[int, str, str]] = []  # (order, zone, text)
        self.dated: list[tuple[int, str, HtmlElement, str]] = []  # (order, zone, element, text)
        self.dropped: list[HtmlElement] = []  # boilerplate blocks, hidden from htmldate too
        self._keep = keep  # the main element and its ancestors: never boilerplate
        self._buffer: list[str] = []
        self._zone = "content"
        self._walk(root, "content", False)
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        if text and len(text) <= _MAX_LINE:
            self.lines.append((len(self.lines) + len(self.dated), self._zone, text))
        self._buffer = []

    def _classify(self, el: HtmlElement, zone: str, in_article: bool) -> str | None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP_TAGS:
            return None
        if el in self._keep:
            return zone
        role = (el.get("role") or "").lower()
        boiler, footer, header = _zone_words(el.get("class") or "", el.get("id") or "")
        style = el.get("style")
        hidden = el.get("hidden") is not None or bool(
            style and "display:none" in style.replace(" ", "").lower())
        if tag in _BOILER_TAGS or role in _BOILER_ROLES or boiler or hidden:
            # A wrapper that holds the page's main element is layout, whatever its class says.
            if tag in ("html", "body") or el.xpath(_HOLDS_MAIN):
                return zone
            self.dropped.append(el)
            return None
        if not in_article and (tag == "footer" or role == "contentinfo" or footer):
            return "footer"
        if not in_article and (tag == "header" or role == "banner" or header):
            return "header"
        return zone

    def _switch(self, zone: str) -> None:
        if zone != self._zone:
            self._flush()
            self._zone = zone

    def _walk(self, el: HtmlElement, zone: str, in_article: bool) -> None:
        inner = self._classify(el, zone, in_article)
        if inner is None:
            return
        tag: str = el.tag
        in_article = in_article or tag in ("article", "main") or el.get("role") == "main"
        block = tag in _BLOCK_TAGS
        if block:
            self._flush()
        self._switch(inner)
        if tag in ("time", "abbr") or _dated_marks(
            f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
        ):
            text = " ".join(el.text_content().split())
            if len(text) <= _MAX_LINE:
                self.dated.append((len(self.lines) + len(self.dated), inner, el, text))
        self._buffer.append(el.text or "")
        for child in el:
            self._walk(child, inner, in_article)
            self._switch(inner)
            self._buffer.append(child.tail or "")
        if block:
            self._flush()


_ARTICLE_TYPES = re.compile(r"article|posting|report|release|news", re.IGNORECASE)


def _json_ld_dates(doc: HtmlElement) -> tuple[date | None, date | None]:
    """datePublished and dateModified of the page's own JSON-LD object (an Article if any)."""
    found: list[tuple[bool, object, object]] = []
    for script in doc.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            queue = [json.loads(script.text or "", strict=False)]
        except ValueError:
            continue
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
        return _plausible_text(published), _plausible_text(modified)
    return None, None


def _plausible_text(value: object) -> date | None:
    d = parse_date(value) if isinstance(value, str) else None
    return d if is_plausible(d) else None


# Through the attributes: the cheaper scan in libxml2 than a test on every element.
_ITEMPROP_DATES = etree.XPath("//@itemprop[. = 'datePublished' or . = 'dateModified']/..")


def _metadata(doc: HtmlElement, zones: _Zones) -> tuple[date | None, date | None]:
    """(published, modified) that the markup declares: JSON-LD, meta tags, microdata, hAtom."""
    published, modified = _json_ld_dates(doc)
    meta: dict[str, str] = {}
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key and el.get("content"):
            meta.setdefault(key, el.get("content"))
    published = published or _first_plausible(meta.get(k) for k in date_words.PUBLISHED_META)
    modified = modified or _first_plausible(meta.get(k) for k in date_words.MODIFIED_META)
    for el in _ITEMPROP_DATES(doc):
        value = _plausible_text(el.get("content") or el.get("datetime") or el.text_content())
        if el.get("itemprop") == "datePublished":
            published = published or value
        else:
            modified = modified or value
    for _, zone, el, _ in zones.dated:  # hAtom and <time pubdate>, visible blocks only
        marks = (el.get("class") or "").lower()
        value = _plausible_text(el.get("datetime") or el.get("title"))
        if zone == "content" and (el.get("pubdate") is not None or "published" in marks):
            published = published or value
        elif zone == "content" and ("updated" in marks or "modified" in marks):
            modified = modified or value
    return published, modified


def _first_plausible(values: Iterable[str | None]) -> date | None:
    for value in values:
        d = _plausible_text(value)
        if d is not None:
            return d
    return None


_ATTRIBUTE_DATE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})[-/_.]?([01][0-9])[-/_.]?([0-3][0-9])(?![0-9])")


def _attribute_dates(doc: HtmlElement, url: str) -> list[date]:
    """Plausible full dates in the URL and in attribute values (ids, links, datetime …)."""
    values = [url] + [v for el in doc.iter() if isinstance(el.tag, str) for v in el.values()]
    # One search over all values: a date has no line break, so none spans two values.
    found = (make_date(int(y), int(m), int(d))
             for y, m, d in _ATTRIBUTE_DATE.findall("\n".join(values)))
    return [d for d in found if d is not None and is_plausible(d)]


def _byline(zones: _Zones, doc: HtmlElement, url: str, language: str | None,
            folds: dict[str, str]) -> date | None:
    """The first unlabelled visible date that dates the article: a date-classed element or
    <time> ("jeudi 13 juin 2019", "Par X | 30 septembre 2018"), or a press dateline
    ("Bern, 17.08.2007 - Rede …"). A bare "Ciudad de México, 14 de julio de 2017" opening
    a speech or letter dates the text, not the page, and is not taken."""
    candidates = [(order, text, True) for order, zone, _, text in zones.dated if zone == "content"]
    candidates += [(order, text, False) for order, zone, text in zones.lines
                   if zone == "content" and HAS_DIGIT.search(folds[text])
                   and _DATELINE.match(folds[text])]
    full_dates: list[date] | None = None  # gathered only when a year is missing
    for _, text, dated in sorted(candidates):
        folded = folds.get(text) or fold(text)
        if not text or labelled_in_folded(folded, language):
            continue  # labelled lines speak for themselves
        m = _DATELINE.match(folded)
        if not dated and m:
            folded = m.group("date")
        d = next((d for _, d in scan_dates(folded, language) if is_plausible(d)), None)
        if d is None and dated and len(text) <= 40:
            if full_dates is None:
                full_dates = _attribute_dates(doc, url)
            d = complete_year(text, full_dates, language)
        if d is not None:
            return d
    return None


def _htmldate(doc: HtmlElement, zones: _Zones, url: str) -> date | None:
    """htmldate's reading of the page without the blocks we hold for boilerplate."""
    from htmldate import find_date  # imported late: heavy, and rarely reached

    tree = copy.deepcopy(doc)
    if doc.getparent() is None:  # paths of the original find the same blocks in the copy
        paths = [doc.getroottree().getpath(el) for el in zones.dropped]
        for path in paths:
            for el in tree.xpath(path):
                el.drop_tree()
    try:
        found = find_date(tree, url=url or None, original_date=True, extensive_search=False,
                          min_date=EARLIEST.isoformat(),
                          max_date=(date.today() + timedelta(days=1)).isoformat())
    except Exception:  # noqa: BLE001 - htmldate is a last resort: its failure means no date
        return None
    d = parse_date(found) if found else None
    return d if is_plausible(d) else None


def extract_dates(doc: HtmlElement, main: HtmlElement | None, language: str | None,
                  url: str) -> tuple[date | None, date | None]:
    """(published, modified) of a page. `modified` is kept only when later than `published`.

    In order: labelled visible lines in the page's language or any other ("publié le",
    "Dernière modification :", "Stand"), an unlabelled byline date, the markup's own
    declarations (JSON-LD, meta, microdata), and htmldate. A page whose only date is a
    modification line gets no publication date from htmldate: we do not copy one into the other.
    """
    language = language or doc.get("lang") or None
    keep = {main, *main.iterancestors()} if main is not None else set()
    zones = _Zones(doc, keep)
    labelled: dict[str, date] = {}
    folds: dict[str, str] = {}  # each line folded once: the byline search reads them again
    for _, zone, text in zones.lines:
        if zone == "header":
            continue
        folded = folds[text] = fold(text)
        for kind, d in labelled_in_folded(folded, language):
            if is_plausible(d) and (zone == "content" or kind != "published"):
                labelled.setdefault(kind, d)
    meta_published, meta_modified = _metadata(doc, zones)
    published = labelled.get("published") or _byline(zones, doc, url, language, folds) or meta_published
    modified = labelled.get("modified") or meta_modified
    asof = labelled.get("asof")
    if asof and published is None and modified is None:
        published = asof  # "Stand: …" is then the only date the publisher gives the page
    elif asof and modified is None:
        modified = asof
    if published is None and "modified" not in labelled:
        published = _htmldate(doc, zones, url)
    if published and modified and modified <= published:
        modified = None
    return published, modified
