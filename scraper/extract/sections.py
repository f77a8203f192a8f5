"""The main content as sections: headings of the article body and the paragraphs under them."""

from __future__ import annotations

import re
from collections.abc import Collection

from lxml import etree

from ..models import Section
from .content import HIDDEN_CLASS
from .dom import BLOCK, HEADINGS, NON_TEXT, HtmlElement, text_of, tokens
from .furniture import furniture_line
from .text import norm, squash

# Attachment labels SPIP prints beside a document link: not prose.
_ATTACHMENT = re.compile(
    r"^(?:[A-Z]{2,5}|(?:PDF|JPEG|JPG|PNG|GIF|DOC|DOCX|ODT|XLS|XLSX|ZIP|MP3|MP4)\s*[-–—]\s*"
    r"[\d.,\s]+\s*(?:[kKMG]i?[Bo]|octets|bytes))$"
)


# Captions and credits are not body text; a figure's table, quote or teaser text is.
_NOT_BODY = NON_TEXT | {"figcaption"}


# Box titles of page furniture that templates put among the article's headings.
_BOX_HEADINGS = re.compile(
    r"^(?:contacts?|kontakt|pressekontakt|presse ?kontakt|rückfragehinweis|contact presse|"
    r"à lire aussi|a lire aussi|lire aussi|voir aussi|dans la même rubrique|sur le même sujet|"
    r"du même auteur|les plus lus|articles? les plus lus|most read|related( articles)?|"
    r"read more|see also|share( this)?( article)?|partager( cet article)?|mots-clés|tags|"
    r"commentaires?|comments?|notes?|pour citer cet article|aller plus loin|nota bene|"
    r"weitere informationen|mehr zum thema|das könnte sie auch interessieren|"
    r"leer más|noticias relacionadas|(?:te|le) puede interesar|相关新闻|相关阅读|関連ニュース|"
    r"читайте также|اقرأ أيضا|اقرأ أيضاً|lesen sie auch|lies auch|auch interessant|"
    r"das könnte dich auch interessieren|empfehlungen aus dem|weitere artikel|"
    r"zobacz (?:również|także)|czytaj (?:również|także)|vous aimerez aussi|à voir aussi|"
    r"notas relacionadas|también te puede interesar|leggi anche|ti potrebbe interessare|"
    r"leia também|veja também|you may also like|recommended|more from|more on this|"
    r"das thema könnte dich auch interessieren|schon gelesen|mehr themen|lust auf mehr|"
    r"weitere (?:aktuelle )?themen|vea también|ver también|lee también|à lire également|"
    r"sur le même thème|ähnliche (?:artikel|beiträge)|verwandte artikel|passend dazu|"
    # "read also", "related", "see also", "most read" in the other languages we read
    r"lees ook|gerelateerde artikelen|meest gelezen|zie ook|meer over dit onderwerp|"
    r"ilgili haberler|benzer haberler|bunlar da ilginizi çekebilir|en çok okunanlar|"
    r"ayrıca bakınız|читайте також|схожі новини|найпопулярніше|дивіться також|"
    r"مطالب مرتبط|اخبار مرتبط|بیشتر بخوانید|پربازدیدترین|"
    r"kapcsolódó (?:cikkek|hírek)|ezek is érdekelhetik|olvasd el ezt is|legolvasottabb|lásd még|"
    r"כתבות (?:נוספות|קשורות)|עוד בנושא|הנקראים ביותר|"
    r"tin liên quan|bài viết liên quan|đọc thêm|xem thêm|đọc nhiều nhất|"
    r"관련 ?기사|많이 본 (?:뉴스|기사)|함께 볼 만한|"
    r"související články|čtěte (?:také|též)|přečtěte si (?:také|též)|nejčtenější|viz také|"
    r"läs (?:också|även)|relaterade artiklar|mest lästa|se även|"
    r"læs også|relaterede artikler|mest læste|se også|"
    r"articole similare|citește și|cele mai citite|vezi și|"
    r"διαβάστε (?:επίσης|ακόμα)|σχετικά άρθρα|δείτε επίσης|"
    r"baca juga|berita terkait|artikel terkait|terpopuler|lihat juga|"
    r"pročitajte (?:još|i)|povezane vijesti|povezani članci|najčitanije|vidi još|"
    r"прочитајте још|повезане вести|најчитаније)\b",
    re.IGNORECASE,
)
# "More" links that end a teaser box.
_MORE = re.compile(
    r"^(?:mehr|more|read more|en savoir plus|lire la suite|plus|suite|leer más|ver más|"
    r"подробнее|المزيد|更多)\W*$",
    re.IGNORECASE,
)


_Group = tuple[str | None, int, list[tuple[str, float]]]


class _Para:
    __slots__ = ("links", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.links = 0


def _level(el: HtmlElement) -> int | None:
    if el.tag in HEADINGS:
        return HEADINGS[str(el.tag)]
    if el.get("role") == "heading":
        try:
            return max(1, min(6, int(el.get("aria-level") or 2)))
        except ValueError:
            return 2
    return None


def blocks(
    main: HtmlElement,
    skip: Collection[HtmlElement],
    title_el: HtmlElement | None,
    last: HtmlElement | None = None,
) -> list[tuple[int | None, str, float]]:
    """(heading level or None for a paragraph, text, link share) in document order.

    The walk starts after title_el when main holds it, and stops at the end of last: what
    follows the article's prose in a shared container is related links and comments.
    """
    out: list[tuple[int | None, str, float]] = []
    para = _Para()
    in_link = 0

    def flush() -> None:
        nonlocal para
        text = norm("".join(para.parts), keep_nbsp=True)
        if text and not _ATTACHMENT.match(text):
            out.append((None, text, min(1.0, para.links / max(len(text), 1))))
        para = _Para()

    def add(text: str | None) -> None:
        if text:
            para.parts.append(text)
            if in_link:
                para.links += len(text.strip())

    skipped: set[HtmlElement] = set()
    walker = etree.iterwalk(main, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if el is title_el:
                flush()
                out.clear()  # what precedes the title (kickers, labels) is not body
                walker.skip_subtree()
                skipped.add(el)
                continue
            if el is not main and (not tag or tag in _NOT_BODY or el in skip):
                walker.skip_subtree()
                skipped.add(el)
                continue
            level = _level(el) if el is not main else None
            if level is not None:
                flush()
                heading = "" if HIDDEN_CLASS.search(tokens(el)) else text_of(el, skip)
                if heading:
                    out.append((level, heading, 0.0))
                walker.skip_subtree()
                continue
            if tag == "br":
                para.parts.append(" ")
            elif tag in BLOCK:
                flush()
            if tag == "a":
                in_link += 1
            add(el.text)
            continue
        if el is main or el is last:
            break
        if el in skipped:
            skipped.discard(el)
            add(el.tail)
            continue
        if tag == "a":
            in_link -= 1
        if (tag in BLOCK and tag != "br") or _level(el) is not None:
            flush()
        add(el.tail)
    flush()
    return out


# A box's own lines: a contact's name, phone and address, or a list of links.
_BOX_LINE = 100


def _is_box_line(text: str, links: float) -> bool:
    return links > 0.5 or len(text) < _BOX_LINE


# A short line naming a box ("Lesen Sie auch", "Mehr zum Thema:") opens the box as a title
# would, below every heading level: the box ends at the next heading or at prose.
_LINE_BOX = 7
_LINE_BOX_MAX = 60


def _group(items: list[tuple[int | None, str, float]]) -> list[_Group]:
    groups: list[_Group] = []
    for level, text, links in items:
        if level is None and _BOX_HEADINGS.match(text):
            if len(text) <= _LINE_BOX_MAX:
                groups.append((text, _LINE_BOX, []))
                continue
            if links > 0.5:
                continue  # "À lire aussi » <a>Another article</a>": the box in one line
        if level is None and furniture_line(text):
            continue
        if level is None:
            if not groups:
                groups.append((None, 0, []))
            groups[-1][2].append((text, links))
        else:
            groups.append((text, level, []))
    # Link-only lines closing the article ("Follow us on Google News") are furniture.
    while groups and groups[-1][2] and groups[-1][2][-1][1] > 0.9:
        groups[-1][2].pop()
    return groups


def _box_title(heading: str, paras: list[tuple[str, float]]) -> bool:
    """A box title ("Pressekontakt:", "À lire aussi"), not a heading of the article.

    A heading ending in a colon is one only over a few short lines (a contact box); over
    prose it introduces the article's own list or paragraph.
    """
    if _BOX_HEADINGS.match(heading):
        return True
    return heading.endswith((":", "：")) and all(_is_box_line(t, s) for t, s in paras)


def build_sections(
    items: list[tuple[int | None, str, float]], title: str | None
) -> list[Section]:
    """Group blocks under their headings; drop boxes, link lists and a heading repeating the title.

    A box's lines are dropped up to the first line of prose: the article's text resumes
    there, after a "Related" or "Mehr zum Thema" box set in its flow.
    """
    groups = _group(items)
    title_key = squash(title or "")
    sections: list[Section] = []
    dropping_below: int | None = None
    for index, (heading, level, paras) in enumerate(groups):
        if dropping_below is not None:
            if heading is not None and level <= dropping_below:
                dropping_below = None
            else:
                paras = _after_box(paras)
                if paras:
                    _continue(sections, paras)
                continue
        if heading is not None and _box_title(heading, paras):
            dropping_below = level
            paras = _after_box(paras, line=level == _LINE_BOX)
            if paras:
                _continue(sections, paras)
            continue
        if paras and paras[-1][1] > 0.9 and _MORE.match(paras[-1][0]):
            continue  # a teaser: a line of text and a "more" link to another page
        if heading is not None and title_key and squash(heading) == title_key and not sections:
            heading = None
        text_len = sum(len(t) for t, _ in paras)
        link_len = sum(len(t) * share for t, share in paras)
        if paras and link_len > 0.6 * text_len:
            continue  # a list of links under a box title: related articles, not prose
        if heading is not None and not paras:
            nxt = groups[index + 1] if index + 1 < len(groups) else None
            if nxt is None or nxt[0] is None or nxt[1] <= level:
                continue  # a heading over nothing: a box title whose content we dropped
        sections.append(
            Section(heading=heading, level=level, text="\n\n".join(t for t, _ in paras))
        )
    return sections


def _after_box(
    paras: list[tuple[str, float]], *, line: bool = False
) -> list[tuple[str, float]]:
    """The lines after a box's own links or short lines: from the first line of prose on.

    A box under a heading that opens with prose ("Nota bene", "Comments") is prose of its
    own: all dropped. Under a mere line ("A lire aussi :"), prose is the article's again.
    """
    for i, (text, links) in enumerate(paras):
        if not _is_box_line(text, links):
            return paras[i:] if i or line else []
    return []


def _continue(sections: list[Section], paras: list[tuple[str, float]]) -> None:
    """Append prose found after a box to the section the box interrupted."""
    text = "\n\n".join(t for t, _ in paras)
    if sections:
        last = sections[-1]
        joined = f"{last.text}\n\n{text}" if last.text else text
        sections[-1] = Section(heading=last.heading, level=last.level, text=joined)
    else:
        sections.append(Section(heading=None, level=0, text=text))


def body_text(sections: list[Section]) -> str:
    parts: list[str] = []
    for section in sections:
        if section.heading:
            parts.append(section.heading)
        if section.text:
            parts.append(section.text)
    return "\n\n".join(parts)
