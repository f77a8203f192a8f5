"""Declared and detected language, and the article's translations."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin

from lxml import etree

from .dom import HtmlElement, text_of, tokens
from .lang_names import code_of_name
from .meta import meta_content

_CODE = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*\s*$")
_MARKER = re.compile(r"^\[?\s*([a-z]{2,3})(?:[-_][a-zA-Z]{2,4})?\s*\]?$")
# "All the versions of this article" / "Toutes les versions de cet article".
_VERSIONS = re.compile(
    r"versions? (?:of this article|de cet article)|versiones de este art[ií]culo|autres langues|"
    r"other languages",
    re.IGNORECASE,
)
_MENU_CLASS = re.compile(r"menu-lang|lang-menu|language-menu|langues|languages|lang-switch|selecteur", re.IGNORECASE)


def primary(code: str | None) -> str | None:
    """The ISO 639 primary subtag, lower-case: "fr-FR" -> "fr"."""
    match = _CODE.match(code or "")
    return match.group(1).lower() if match else None


def declared_language(doc: HtmlElement, content_language: str | None = None) -> str | None:
    """html lang, then xml:lang, Content-Language (header or meta), then og:locale."""
    for value in (
        doc.get("lang"),
        doc.get("{http://www.w3.org/XML/1998/namespace}lang"),
        doc.get("xml:lang"),
        (content_language or "").split(",")[0],
        meta_content(doc, "content-language", "language", "dc.language"),
        meta_content(doc, "og:locale"),
    ):
        code = primary(value)
        if code:
            return code
    return None


def detect_language(text: str) -> str | None:
    """py3langid's reading of the body; None when there is too little text to judge."""
    sample = text[:3000]
    letters = 0
    for ch in sample:  # stops at the 20th letter: the usual page has them in its first words
        letters += ch.isalpha()
        if letters >= 20:
            break
    else:
        return None
    import py3langid  # imported late: its model loads in a fraction of a second, once

    code, _ = py3langid.classify(sample)
    return str(code) or None


def _absolute(base: str, href: str | None) -> str | None:
    if not href or href.strip().lower().startswith(("javascript:", "mailto:", "#")):
        return None
    url = urldefrag(urljoin(base, href.strip()))[0]
    return url if url.startswith(("http://", "https://")) else None


def translations(doc: HtmlElement, base: str, own_language: str | None, own_url: str) -> dict[str, str]:
    """language -> URL of this article in that language (not a site-wide language menu)."""
    found: dict[str, str] = {}

    def add(lang: str | None, href: str | None) -> None:
        code = primary(lang)
        url = _absolute(base, href)
        if code and url and code != own_language and url != own_url and code not in found:
            found[code] = url

    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        hreflang = (link.get("hreflang") or "").lower()
        if "alternate" in rel and hreflang and hreflang != "x-default":
            add(hreflang, link.get("href"))
    for a in doc.iter("a"):
        cls = (a.get("class") or "").lower().split()
        if "tradlang" in cls or "alternate" in (a.get("rel") or "").lower().split():
            add(a.get("hreflang") or a.get("lang") or _code_of_text(text_of(a)), a.get("href"))
    hosts = _version_hosts(doc)
    for el in doc.iter("p", "div", "ul", "span", "nav") if hosts else ():
        if el not in hosts or _MENU_CLASS.search(tokens(el)):
            continue
        own = (el.text or "") + " " + " ".join(
            (c.text or "") for c in el if isinstance(c.tag, str) and c.tag not in ("a",)
        )
        if _VERSIONS.search(own):
            # "All the versions of this article: [عربي] [English] [Español] [français]":
            # an explicit hreflang or lang first, else the link's text names the language.
            for a in el.iter("a"):
                add(a.get("hreflang") or a.get("lang") or _code_of_text(text_of(a)), a.get("href"))
    return found


# Text nodes that may hold a "versions of this article" phrase: an XPath scan in C spares a
# Python look at every block of every page. Stems without their first letter catch
# "version", "Version", "langues", "Langues"; upper-case forms are looked for too.
_VERSION_TEXTS = etree.XPath("//text()[" + " or ".join(
    f"contains(., '{stem}')" for stem in ("ersion", "ERSION", "angu", "ANGU")
) + "]")


_ALL_TEXT = etree.XPath("string(/)")
# Each word of a phrase sits whole in one text node, so a page without one of these stems
# anywhere in its text has no phrase at all; most pages are ruled out by this one search.
_STEMS = re.compile(r"version|langu", re.IGNORECASE)


def _version_hosts(doc: HtmlElement) -> set[HtmlElement]:
    """Elements whose own text, or a child's text, may say "versions of this article"."""
    hosts: set[HtmlElement] = set()
    if not _STEMS.search(str(_ALL_TEXT(doc))):
        return hosts
    for node in _VERSION_TEXTS(doc):
        parent = node.getparent() if node.is_text else None
        if parent is not None:
            hosts.add(parent)
            if parent.tag != "a" and parent.getparent() is not None:
                hosts.add(parent.getparent())
    return hosts


def _code_of_text(text: str) -> str | None:
    """A language code written "[en]" or "en", or a language name ("English", "عربي")."""
    return _marker(text) or code_of_name(text)


def _marker(text: str) -> str | None:
    match = _MARKER.match(text.strip())
    return match.group(1) if match else None
