"""Declared and detected language, and the article's translations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin

from .dom import HtmlElement, text_of, tokens
from .lang_names import code_of_name
from .meta import meta_content

_CODE = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*\s*$")
_MARKER = re.compile(r"^\[?\s*([a-z]{2,3})(?:[-_][a-zA-Z]{2,4})?\s*\]?$")
_MENU_CLASS = re.compile(r"menu-lang|lang-menu|language-menu|langues|languages|lang-switch|selecteur", re.IGNORECASE)


def primary(code: str | None) -> str | None:
    """The ISO 639 primary subtag, lower-case: "fr-FR" -> "fr"."""
    match = _CODE.match(code or "")
    return match.group(1).lower() if match else None


def declared_language(doc: HtmlElement, content_language: str | None = None) -> str | None:
    """html lang, then xml:lang, Content-Language (header or meta), then og:locale."""
    # Each source is read only when those before it say nothing: a <meta> lookup walks the
    # whole tree, and most pages have their <html lang>.
    for value in (
        lambda: doc.get("lang"),
        lambda: doc.get("{http://www.w3.org/XML/1998/namespace}lang"),
        lambda: doc.get("xml:lang"),
        lambda: (content_language or "").split(",")[0],
        lambda: meta_content(doc, "content-language", "language", "dc.language"),
        lambda: meta_content(doc, "og:locale"),
    ):
        code = primary(value())
        if code:
            return code
    return None


# How much each source's word counts when they disagree: the article container's own lang
# names the article, where <html lang> is often the template's; a header, a meta or the
# text itself is one voice each. Two agreeing voices outweigh the template's.
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONTAINER_WEIGHT = 2.0
_VOICE_WEIGHT = 1.0
# The text is a voice only when there is enough of it to judge.
_DETECT_MIN = 200


def container_language(main: HtmlElement | None) -> str | None:
    """The lang of the article's container or its closest ancestor below <html>."""
    el = main
    while el is not None and el.tag != "html":
        code = primary(el.get("lang") or el.get(_XML_LANG))
        if code:
            return code
        el = el.getparent()
    return None


def article_language(
    doc: HtmlElement,
    main: HtmlElement | None,
    content_language: str | None,
    detected: str | None,
    text_length: int,
) -> str | None:
    """The article's language from the best evidence when its sources disagree.

    <html lang> (or the first declaration there is) opens the count; the container's own
    lang, the Content-Language (header, else meta) and the detected language of a body of
    some length add theirs; the heaviest wins, the declaration on a tie.
    """
    declared = declared_language(doc, content_language)
    # Without <html lang>, the declaration already is the header's: not counted twice.
    html_lang = primary(doc.get("lang") or doc.get(_XML_LANG) or doc.get("xml:lang"))
    header = primary((content_language or "").split(",")[0]) or primary(
        meta_content(doc, "content-language")) if html_lang else None
    votes: dict[str, float] = {}
    for code, weight in (
        (declared, _VOICE_WEIGHT),
        (container_language(main), _CONTAINER_WEIGHT),
        (header, _VOICE_WEIGHT),
        (detected if text_length >= _DETECT_MIN else None, _VOICE_WEIGHT),
    ):
        if code:
            votes[code] = votes.get(code, 0.0) + weight
    if not votes:
        return detected
    best = max(votes.values())
    if declared and votes.get(declared) == best:
        return declared
    return max(votes, key=lambda code: votes[code])


# py3langid's time grows with the text; its verdict on a page is settled within its first
# 600 characters (the same verdict on all 479 publicpages bodies as with 3,000).
_SAMPLE = 600


def detect_language(text: str) -> str | None:
    """py3langid's reading of the body; None when there is too little text to judge."""
    sample = text[:_SAMPLE]
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


def translations(
    doc: HtmlElement, base: str, own_language: str | None, own_url: str,
    labels: Iterable[HtmlElement] = (),
) -> dict[str, str]:
    """language -> URL of this article in that language (not a site-wide language menu).

    `labels` are the elements holding an "Also available in" / "Toutes les versions de cet
    article" label (`content.measure` finds them on its walk): the links of the box around
    each are the article's other versions.
    """
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
    for label in labels:
        if _MENU_CLASS.search(tokens(label)):
            continue
        # "All the versions of this article: [عربي] [English] [Español] [français]": an
        # explicit hreflang or lang first, else the link's text names the language.
        for a in _links_beside(label):
            add(a.get("hreflang") or a.get("lang") or _code_of_text(text_of(a)), a.get("href"))
    return found


def _links_beside(label: HtmlElement) -> list[HtmlElement]:
    """The links of the smallest box around a label that holds any, two levels up at most."""
    box: HtmlElement | None = label
    for _ in range(3):
        if box is None:
            break
        links = [a for a in box.iter("a") if a is not label]
        if links:
            return links
        box = box.getparent()
    return []


def _code_of_text(text: str) -> str | None:
    """A language code written "[en]" or "en", or a language name ("English", "عربي")."""
    return _marker(text) or code_of_name(text)


def _marker(text: str) -> str | None:
    match = _MARKER.match(text.strip())
    return match.group(1) if match else None
