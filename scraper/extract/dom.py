"""Parsing into lxml trees and the small tree helpers every part uses.

Everything here is iterative: pages nested thousands of levels deep must not hit Python's
recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from .text import norm

# HtmlElement is re-exported: every module of the extractor types its trees with it.
__all__ = ["BLOCK", "HEADINGS", "NON_TEXT", "HtmlElement", "first", "parse", "text_of", "tokens"]

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
# The same characters one by one: 28 substring searches over a page are five times faster
# than one scan by that character class, and almost no page holds any.
_CONTROL_CHARS = tuple(map(chr, (*range(0x09), 0x0B, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)))
# Never text for a reader.
NON_TEXT = frozenset(
    {"script", "style", "noscript", "template", "rt", "rp", "svg", "math", "head", "title",
     "select", "option", "button", "input", "textarea", "iframe", "object", "embed", "canvas"}
)
BLOCK = frozenset(
    {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol",
     "li", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody", "thead", "blockquote", "pre",
     "figure", "figcaption", "form", "fieldset", "address", "details", "summary", "hr", "br",
     "h1", "h2", "h3", "h4", "h5", "h6", "center", "body", "hgroup"}
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _parser() -> etree.HTMLParser:
    # lxml.html's own parser picks each element's class by a Python callback (forms, inputs,
    # labels get their own classes), paid on every element the extractor touches; we use none
    # of those classes, and a C-level default lookup gives every element HtmlElement's methods.
    parser = etree.HTMLParser()
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity))
    return parser


_PARSER = _parser()  # stateless between documents, like lxml.html's own module-level parser


def parse(text: str) -> HtmlElement | None:
    """The document's tree, or None when nothing parses (empty or hopeless input)."""
    declaration = _XML_DECL.match(text)
    if declaration:
        text = text[declaration.end():]
    if any(c in text for c in _CONTROL_CHARS):
        text = _CONTROL.sub("", text)
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None
    return root if isinstance(root, HtmlElement) else None


def tokens(el: HtmlElement) -> str:
    """The element's class and id as one lower-case string, for pattern tests."""
    cls = el.get("class") or ""
    ident = el.get("id") or ""
    return f"{cls} {ident}".lower() if (cls or ident) else ""


def text_of(el: HtmlElement, skip: Iterable[HtmlElement] = (), *, skip_tags: frozenset[str] = NON_TEXT) -> str:
    """The rendered text of el, without non-text elements and the given subtrees."""
    skipped = set(skip)
    parts: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if node is not el and (tag in skip_tags or not tag or node in skipped):
                walker.skip_subtree()
                continue
            if node.text and tag:
                parts.append(node.text)
            if tag in BLOCK:
                parts.append(" ")
        elif node is not el:
            if tag in BLOCK:
                parts.append(" ")
            if node.tail:
                parts.append(node.tail)
    return norm("".join(parts))


def first(root: HtmlElement, xpaths: Iterable[etree.XPath]) -> HtmlElement | None:
    """The first element matched by the first XPath that matches anything."""
    for xpath in xpaths:
        try:
            found = xpath(root)
        except etree.XPathError:
            continue
        for el in found if isinstance(found, list) else ():
            if isinstance(el, lxml.html.HtmlElement):
                return el
    return None
