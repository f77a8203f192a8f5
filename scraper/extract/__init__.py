"""extract_page: bytes + URL -> Page. Pure: no I/O, never raises on bad input."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from ..models import Page, Section
from .breadcrumb import find_breadcrumb
from .choose import choose_main
from .content import Measures, body_skip, measure
from .dates import extract_dates
from .decode import decode_html
from .dom import HtmlElement, first, parse
from .fallback import TINY_BODY, needs_fallback, trafilatura_sections
from .language import article_language, declared_language, detect_language, translations
from .links import base_url, links_of
from .profiles import Compiled, match_profile
from .sections import blocks, body_text, build_sections
from .text import xml_safe
from .title import find_title

__all__ = ["extract_page"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def _field_or(default: T, step: Callable[[], T], url: str) -> T:
    """Run one extraction step; a failure costs that field, never the page.

    The failure is logged as a warning (Python prints warnings to stderr even where nothing
    configures logging, so a crawl's log shows it), naming the page and the error.
    """
    try:
        return step()
    except Exception as exc:  # noqa: BLE001 - lxml raises many types on broken trees
        log.warning("%s: an extraction step failed, its field is left empty (%s: %s)",
                    url, type(exc).__name__, exc)
        return default


def _excluded(main: HtmlElement, profile: Compiled | None, m: Measures) -> set[HtmlElement]:
    skip = body_skip(main, m)
    if profile is not None:
        for xpath in profile.exclude:
            found = xpath(main)
            skip.update(el for el in found if isinstance(el, HtmlElement))
    return skip


def _xml_safe_section(section: Section) -> Section:
    heading = xml_safe(section.heading, label=True) if section.heading else section.heading
    text = xml_safe(section.text)
    if heading is section.heading and text is section.text:
        return section  # nearly always: nothing to drop, no copy
    return Section(heading=heading or None, level=section.level, text=text)


def extract_page(
    html: bytes | str,
    url: str,
    *,
    content_type: str | None = None,
    content_language: str | None = None,
    today: date | None = None,
) -> Page:
    """Title, breadcrumb, sections, dates, language and translations of one HTML page.

    `content_type` and `content_language` are the HTTP headers of the response, when known:
    the first may name the charset, the second the language (trusted after `<html lang>`).
    `today` bounds the dates (a date after it is refused); None means the current date.
    """
    def guarded(step: Callable[[], T], default: T) -> T:  # a failure costs one field
        return _field_or(default, step, url)

    text = guarded(lambda: decode_html(html, content_type), "")
    doc = guarded(lambda: parse(text), None)
    if doc is None:
        return Page(url=url)
    base = guarded(lambda: base_url(doc, url), url)
    profile = guarded(lambda: match_profile(doc), None)
    name = profile.profile.name if profile else "generic"
    body = doc.find("body")
    if body is None:
        body = doc
    m = guarded(lambda: measure(body), Measures())

    chosen_title = first(doc, profile.title) if profile else None
    no_title: tuple[str | None, HtmlElement | None] = (None, None)
    branding = m.skip - m.concealed if m.concealed else m.skip
    title, title_el = guarded(lambda: find_title(doc, branding, chosen_title), no_title)
    main = first(doc, profile.main) if profile else None
    last = main
    if main is None:
        main, last = guarded(lambda: choose_main(body, m, title_el), None) or (None, None)
    sections: list[Section] = []
    if main is not None:
        skip = guarded(lambda: _excluded(main, profile, m), m.skip)
        items: list[tuple[int | None, str, float]] = guarded(
            lambda: blocks(main, skip, title_el, last), []
        )
        sections = guarded(lambda: build_sections(items, title), [])
    chosen_trail = first(doc, profile.breadcrumb) if profile else None
    breadcrumb: list[str] = guarded(lambda: find_breadcrumb(
        doc, title, chosen_trail, url, m.attributed if m.text else None), [])
    body_str = body_text(sections)
    if needs_fallback(body_str, m.text.get(body, 0) - m.links.get(body, 0)):
        second: list[Section] = guarded(lambda: trafilatura_sections(doc, title), [])
        second_str = body_text(second)
        if len(second_str) >= TINY_BODY and len(second_str) > 2 * len(body_str):
            sections, body_str, name = second, second_str, "trafilatura"

    declared = guarded(lambda: declared_language(doc, content_language), None)
    detected = guarded(lambda: detect_language(body_str or (title or "")), None)
    language = guarded(lambda: article_language(
        doc, main, content_language, detected, len(body_str)), declared or detected)
    no_dates: tuple[date | None, date | None] = (None, None)
    # The one clock reading of extraction, for the interactive `extract`: callers that must
    # be reproducible (reextract) pass the day of the capture.
    day = today or date.today()
    published, modified = guarded(
        lambda: extract_dates(doc, main, language, url, today=day), no_dates)
    no_translations: dict[str, str] = {}
    found_translations = guarded(
        lambda: translations(doc, base, language, url, m.versions), no_translations)
    no_links: list[str] = []
    found_links = guarded(lambda: links_of(doc, base), no_links)
    return Page(
        url=url,
        title=xml_safe(title, label=True) if title else title,
        breadcrumb=[item for item in (xml_safe(i, label=True) for i in breadcrumb) if item],
        sections=[_xml_safe_section(s) for s in sections],
        text=xml_safe(body_str),
        published=published,
        modified=modified,
        language=language,
        translations={xml_safe(k): xml_safe(v) for k, v in found_translations.items()},
        links=[xml_safe(link) for link in found_links],
        extractor=name,
        language_declared=declared,
        language_detected=detected,
    )
