"""A second opinion from trafilatura, for pages whose main content our rules cannot find.

Our detection scores paragraph-like elements; a page that writes its prose as bare text and
<br> in a <section>, or whose profile's container is empty, gives it nothing to hold. Then
trafilatura's XML output (headings kept as <head rend="h2">) becomes our sections.
"""

from __future__ import annotations

import logging

from lxml import etree

from ..models import Section
from .dom import HtmlElement
from .sections import build_sections
from .text import norm

log = logging.getLogger(__name__)

# Our own body is "nothing usable" below this many characters …
TINY_BODY = 200
# … on a page whose visible text outside links says there is prose to find.
PROSE = 500
_BLOCKS = frozenset({"p", "item", "quote", "list", "table", "row", "cell", "lb", "head", "main",
                     "code", "graphic"})


# A short body (a lead, one block of a gallery or a recipe) on a page holding many times
# more prose than it is worth a second opinion too.
SHORT_BODY = 1000
SHORT_SHARE = 3


def needs_fallback(body_text: str, page_prose: int) -> bool:
    """True when our body is empty or tiny while the page clearly holds prose, or short
    while the page holds several times more."""
    size = len(body_text)
    if size < TINY_BODY:
        return page_prose >= PROSE
    return size < SHORT_BODY and page_prose >= SHORT_SHARE * size


def trafilatura_sections(doc: HtmlElement | str, title: str | None) -> list[Section]:
    """Sections of trafilatura's reading of the page; [] when it finds nothing either.

    Given our tree, trafilatura reads it without a second parse, and works on its own
    copy (trafilatura 2 copies a tree it is handed), so the tree stays ours, unchanged.
    """
    import trafilatura  # imported late: heavy, and only the rare page needs it

    try:
        xml = trafilatura.extract(doc, output_format="xml", include_formatting=True,
                                  include_comments=False, include_tables=True)
    except Exception as exc:  # noqa: BLE001 - a failed second opinion is no opinion
        log.debug("trafilatura failed: %r", exc)
        return []
    if not xml:
        return []
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return []
    main = root.find("main")
    sections = build_sections(_items(main), title) if main is not None else []
    if sections and sections[0].heading is None and sections[0].level:
        # The title's own heading, dropped: its text opens the body as our sections do.
        sections[0] = Section(heading=None, level=0, text=sections[0].text)
    return sections


def _items(main: etree._Element) -> list[tuple[int | None, str, float]]:
    """(heading level or None, text, link share 0.0) in order, as `sections.blocks` gives."""
    out: list[tuple[int | None, str, float]] = []
    parts: list[str] = []

    def flush() -> None:
        text = norm("".join(parts), keep_nbsp=True)
        if text:
            out.append((None, text, 0.0))
        parts.clear()

    for event, el in etree.iterwalk(main, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "head":
                flush()
                rend = (el.get("rend") or "h2").lower()
                level = int(rend[1]) if len(rend) == 2 and rend[1] in "123456" else 2
                heading = norm("".join(el.itertext()))
                if heading:
                    out.append((level, heading, 0.0))
                continue
            if tag in _BLOCKS:
                flush()
            if el.text and not _inside_head(el):
                parts.append(el.text)
            continue
        if tag in _BLOCKS:
            flush()
        if el is not main and el.tail and not _inside_head(el.getparent()):
            parts.append(el.tail)
    flush()
    return out


def _inside_head(el: etree._Element | None) -> bool:
    while el is not None:
        if el.tag == "head":
            return True
        el = el.getparent()
    return False
