"""Where on a page a date may be read: one pass that sorts short lines and date-carrying
elements into zones, and leaves out the blocks whose dates are not the page's own."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement

from scraper.extract import date_words

__all__ = ["MAX_LINE", "Zones"]

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "select", "option", "textarea",
              "iframe", "head", "button"}
# A quotation (an embedded post, a tweet, a cited letter) carries its own dates, not the page's.
_BOILER_TAGS = {"nav", "aside", "menu", "dialog", "blockquote"}
_BOILER_ROLES = {"navigation", "complementary", "search", "menu", "menubar", "dialog"}


# The patterns below match lowercased text (`_marks` lowers it once): without IGNORECASE,
# the regex engine scans two to four times faster.
def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?:^|[-_\s])(?:" + "|".join(words) + r")(?=$|[-_\s])")


_BOILER_WORDS = _words(date_words.BOILERPLATE_WORDS)
_FOOTER_WORDS = _words(date_words.FOOTER_WORDS)
# "article-header", "entry-header", "post-header__date" head the article, not the site.
_TEASER_WORDS = _words(date_words.TEASER_WORDS)
_HEADER_WORDS = re.compile(
    r"(?:^|" + "".join(f"(?<!{w})" for w in date_words.ARTICLE_PARTS) + r"[-_\s])(?:"
    + "|".join(date_words.HEADER_WORDS) + r")(?=$|[-_\s])")
_DATED_MARKS = re.compile("|".join(date_words.DATED_MARKS))


def _stem(word: str) -> str:
    """The literal text every match of a word pattern holds: "teasers?" -> "teaser"."""
    stem = ""
    for ch in word:
        if ch in "?*{":
            return stem[:-1]  # the character before is optional
        if ch in "\\.[(|+^$":
            return stem
        stem += ch
    return stem


class _Finder:
    """A word pattern's search, after a test that its words' literal stems occur at all:
    a few substring tests spare most strings the regex scan (three times slower)."""

    def __init__(self, pattern: re.Pattern[str], words: tuple[str, ...]) -> None:
        stems = tuple(_stem(w) for w in words)
        self._search = pattern.search
        self._stems = stems if all(stems) else ()

    def __call__(self, text: str) -> bool:
        if self._stems and not any(stem in text for stem in self._stems):
            return False
        return self._search(text) is not None


_FIND_FOOTER = _Finder(_FOOTER_WORDS, date_words.FOOTER_WORDS)
_FIND_HEADER = _Finder(_HEADER_WORDS, date_words.HEADER_WORDS)
_FIND_TEASER = _Finder(_TEASER_WORDS, date_words.TEASER_WORDS)

_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
               "section", "article", "header", "footer", "main", "aside", "nav", "table", "tr",
               "td", "th", "blockquote", "figure", "figcaption", "form", "br", "hr", "address",
               "pre", "fieldset", "center"}
_HOLDS_MAIN = etree.XPath("boolean(.//main | .//*[@role='main'])")
_LINK_LIST = etree.XPath("count(.//li[.//a[@href]]) >= 2")  # a list of other pages
_NO_ATTRS: dict[str, str] = {}
_BANDS = frozenset({"header", "footer"})  # tags that open a zone by themselves
MAX_LINE = 160  # a labelled date line is short; a long paragraph quoting "publié le" is body
_LABEL_ALONE = 40  # "Date de dernière mise à jour :" and the like
_DIGIT = re.compile(r"\d")


# Utility classes style an element and name no block: "tw-text-grey-secondary-text" is a
# colour, not WordPress's secondary sidebar.
_UTILITY_CLASS = re.compile(r"(?:[a-z0-9]+:)*(?:tw-)?(?:text|bg|border|font|color|fill)-")


class _Marks(NamedTuple):
    """What an element's class, id and itemprop say of it, judged once per distinct triple."""

    boiler: bool
    footer: bool
    header: bool
    teaser: bool  # a "teaser" word: boilerplate unless it is the article's own lead
    hidden: bool
    teaser_item: bool  # a WordPress teaser list item ("post-8526 type-post")
    dated: bool  # carries a date ("h-time", "article-main__date", "fecha-articulo")


_NO_MARKS = _Marks(False, False, False, False, False, False, False)


@lru_cache(maxsize=16384)
def _marks(cls: str, ident: str, itemprop: str) -> _Marks:
    if not cls and not ident and not itemprop:
        return _NO_MARKS
    dated = bool(_DATED_MARKS.search(f"{cls} {ident} {itemprop}".lower()))
    hidden = not date_words.HIDDEN_CLASSES.isdisjoint(cls.lower().split())
    teaser_item = bool(_TEASER_ITEM.search(cls))
    if ":" in cls or "text-" in cls or "bg-" in cls:
        cls = " ".join(t for t in cls.split() if not _UTILITY_CLASS.match(t))
    words = f"{cls} {ident}".lower()
    if "widget blog" in words:  # Blogger's "widget Blog" (#Blog1) holds the posts themselves
        words = words.replace("widget blog", "blog")
    return _canonical(_Marks(bool(_BOILER_WORDS.search(words)), _FIND_FOOTER(words),
                             _FIND_HEADER(words), _FIND_TEASER(words), hidden, teaser_item,
                             dated))


def _canonical(marks: _Marks) -> _Marks:
    """_NO_MARKS itself for marks that say nothing: the walk tests it by identity."""
    return _NO_MARKS if marks == _NO_MARKS else marks


# A list item that is another article's teaser, as WordPress marks them.
_TEASER_ITEM = re.compile(r"(?:^|\s)(?:post-[0-9]+|type-post|hentry)(?:$|\s)")


class Zones:
    """One pass over the document: short text lines and date-carrying elements per zone.

    Zones: "content" (the article and anything not classed otherwise), "footer" (the site's
    footer: it carries "Letzte Änderung …" lines) and "header" (the site's banner). Comments,
    sidebars, navigation, quotations, hidden blocks and lists of other articles are left out
    altogether.
    """

    def __init__(self, root: HtmlElement, keep: set[HtmlElement],
                 main: HtmlElement | None = None) -> None:
        self.lines: list[tuple[int, str, str]] = []  # (order, zone, text)
        self.dated: list[tuple[int, str, HtmlElement, str]] = []  # (order, zone, element, text)
        self.dropped: list[HtmlElement] = []  # blocks hidden from htmldate too
        self._keep = keep  # the main element and its ancestors: never boilerplate
        self._main = main
        self.main_end: int | None = None  # the order at which the main element ends
        self._buffer: list[str] = []
        self._zone = "content"
        self._walk(root, "content", False, False)
        self._flush()
        self._join_labels()

    def _join_labels(self) -> None:
        """A label in a block of its own ("<dt>Letzte Änderung:</dt><dd>14.01.2022</dd>",
        "<h5>Datum:</h5>03.02.2022") is read with the line after it, as one more line."""
        joined = []
        for (order, zone, text), (_, next_zone, after) in zip(self.lines, self.lines[1:]):
            if (zone == next_zone and len(text) <= _LABEL_ALONE and text[-1] in ":：" and
                    not _DIGIT.search(text)):
                joined.append((order, zone, f"{text} {after}"))
        if joined:
            self.lines = sorted(self.lines + joined, key=lambda line: line[0])

    def _flush(self) -> None:
        if not self._buffer:  # most flushes, between two block tags: nothing to join
            return
        text = " ".join("".join(self._buffer).split())
        if text and len(text) <= MAX_LINE:
            self.lines.append((len(self.lines) + len(self.dated), self._zone, text))
        self._buffer.clear()

    def _classify(self, el: HtmlElement, tag: str, attrs: dict[str, str], marks: _Marks,
                  zone: str, in_article: bool, in_main: bool) -> str | None:
        if el in self._keep:
            return zone
        role = (attrs.get("role") or "").lower()
        # Inside the main element, a "teaser" that links nowhere is the article's own lead
        # (its picture, its date line); one that links, or any outside, is another article's.
        boiler = marks.boiler or (marks.teaser and (
            not in_main or el.find(".//a[@href]") is not None))
        style = attrs.get("style")
        hidden = marks.hidden or "hidden" in attrs or bool(
            style and "display:none" in style.replace(" ", "").lower())
        teaser = tag == "li" and marks.teaser_item
        if tag in _BOILER_TAGS or role in _BOILER_ROLES or boiler or hidden or teaser:
            # A wrapper that holds the page's main element is layout, whatever its class says.
            if tag in ("html", "body") or _HOLDS_MAIN(el):
                return zone
            # htmldate, the last resort, still sees a box named as a sidebar inside the
            # article (its own "Mise en ligne 23 mai 2019" aside): dates F1 0.9674 -> 0.9695
            # on the tune half, 0.945 -> 0.949 on the measure half. A quotation, a hidden
            # block, another article's teaser or a list of links (the dates beside them are
            # the linked pages': SPIP's "Dernières actualités" would date a rubrique by its
            # newest article) it never sees.
            if (not in_main or hidden or teaser or tag == "blockquote" or marks.teaser
                    or _LINK_LIST(el)):
                self.dropped.append(el)
            return None
        if not in_article and (tag == "footer" or role == "contentinfo" or marks.footer):
            return "footer"
        if not in_article and (tag == "header" or role == "banner" or marks.header):
            return "header"
        return zone

    def _switch(self, zone: str) -> None:
        if zone != self._zone:
            self._flush()
            self._zone = zone

    def _walk(self, el: HtmlElement, zone: str, in_article: bool, in_main: bool) -> None:
        tag = el.tag
        if tag.__class__ is not str or tag in _SKIP_TAGS:
            return  # comments, processing instructions, scripts …
        # The attributes read once (most elements have none) instead of seven lookups.
        items = el.items()
        if items:
            attrs = dict(items)
            marks = _marks(attrs.get("class") or "", attrs.get("id") or "",
                           attrs.get("itemprop") or "")
        else:
            attrs, marks = _NO_ATTRS, _NO_MARKS
        # A bare <p>, <span>, <td>, or one whose attributes say nothing of its role: nothing
        # to classify it by (what _classify would find), it stays in its zone.
        inner = zone
        special = tag in _BOILER_TAGS or tag in _BANDS
        if special or items and (marks is not _NO_MARKS or "role" in attrs
                                 or "style" in attrs or "hidden" in attrs):
            classified = self._classify(el, tag, attrs, marks, zone, in_article, in_main)
            if classified is None:
                return
            inner = classified
        in_article = in_article or tag in ("article", "main") or attrs.get("role") == "main"
        is_main = el is self._main
        in_main = in_main or is_main
        block = tag in _BLOCK_TAGS
        if block:
            self._flush()
        self._switch(inner)
        if marks.dated or tag in ("time", "abbr"):
            text = " ".join(el.text_content().split())
            if len(text) <= MAX_LINE:
                self.dated.append((len(self.lines) + len(self.dated), inner, el, text))
        if el.text:
            self._buffer.append(el.text)
        for child in el:
            self._walk(child, inner, in_article, in_main)
            self._switch(inner)  # back in this element's zone for the text after the child
            if child.tail:
                self._buffer.append(child.tail)
        if block or is_main:
            self._flush()
        if is_main:
            self.main_end = len(self.lines) + len(self.dated)
