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
from .title import find_title

__all__ = ["extract_page"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def _guard(step: Callable[[], T], default: T) -> T:
    """Run one extraction step; a failure costs that field, never the page."""
    try:
        return step()
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError, LookupError,
            AssertionError) as exc:
        log.debug("extraction step failed: %r", exc)
        return default
    except Exception as exc:  # noqa: BLE001 - lxml raises many types on broken trees
        log.debug("extraction step failed: %r", exc)
        return default


def _excluded(main: HtmlElement, profile: Compiled | None, m: Measures) -> set[HtmlElement]:
    skip = body_skip(main, m)
    if profile is not None:
        for xpath in profile.exclude:
            found = xpath(main)
            skip.update(el for el in found if isinstance(el, HtmlElement))
    return skip


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
    text = _guard(lambda: decode_html(html, content_type), "")
    doc = _guard(lambda: parse(text), None)
    if doc is None:
        return Page(url=url)
    base = _guard(lambda: base_url(doc, url), url)
    profile = _guard(lambda: match_profile(doc), None)
    name = profile.profile.name if profile else "generic"
    body = doc.find("body")
    if body is None:
        body = doc
    m = _guard(lambda: measure(body), Measures())

    chosen_title = first(doc, profile.title) if profile else None
    no_title: tuple[str | None, HtmlElement | None] = (None, None)
    title, title_el = _guard(lambda: find_title(doc, m.skip, chosen_title), no_title)
    main = first(doc, profile.main) if profile else None
    last = main
    if main is None:
        main, last = _guard(lambda: choose_main(body, m, title_el), None) or (None, None)
    sections: list[Section] = []
    if main is not None:
        skip = _guard(lambda: _excluded(main, profile, m), m.skip)
        items: list[tuple[int | None, str, float]] = _guard(
            lambda: blocks(main, skip, title_el, last), []
        )
        sections = _guard(lambda: build_sections(items, title), [])
    chosen_trail = first(doc, profile.breadcrumb) if profile else None
    breadcrumb: list[str] = _guard(lambda: find_breadcrumb(
        doc, title, chosen_trail, url, m.attributed if m.text else None), [])
    body_str = body_text(sections)
    if needs_fallback(body_str, m.text.get(body, 0) - m.links.get(body, 0)):
        second: list[Section] = _guard(lambda: trafilatura_sections(doc, title), [])
        second_str = body_text(second)
        if len(second_str) >= TINY_BODY and len(second_str) > 2 * len(body_str):
            sections, body_str, name = second, second_str, "trafilatura"

    declared = _guard(lambda: declared_language(doc, content_language), None)
    detected = _guard(lambda: detect_language(body_str or (title or "")), None)
    language = _guard(lambda: article_language(
        doc, main, content_language, detected, len(body_str)), declared or detected)
    no_dates: tuple[date | None, date | None] = (None, None)
    # The one clock reading of extraction, for the interactive `extract`: callers that must
    # be reproducible (reextract) pass the day of the capture.
    day = today or date.today()
    published, modified = _guard(
        lambda: extract_dates(doc, main, language, url, today=day), no_dates)
    return Page(
        url=url,
        title=title,
        breadcrumb=breadcrumb,
        sections=sections,
        text=body_str,
        published=published,
        modified=modified,
        language=language,
        translations=_guard(lambda: translations(doc, base, language, url, m.versions), {}),
        links=_guard(lambda: links_of(doc, base), []),
        extractor=name,
        language_declared=declared,
        language_detected=detected,
    )
