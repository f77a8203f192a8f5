"""Publication and modification dates of a page. Pure, no I/O, no clock.

`extract_dates(doc, main, language, url, today=...)` decides a page's (published, modified):
labelled visible lines first, then the day its URL files it under, then what the page shows
and what its markup declares, weighed against each other, then htmldate; never a date from
navigation, sidebars, related lists, quotations or comments. Reading a date out of text is
`date_scan`'s work; its public names are re-exported here.
"""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta

from lxml.html import HtmlElement

from scraper.extract.date_meta import (
    Declared,
    attribute_dates,
    canonical_url,
    declared_dates,
    url_date,
)
from scraper.extract.date_scan import (
    EARLIEST,
    HAS_DIGIT,
    complete_year,
    date_spans,
    find_labelled_dates,
    fold,
    is_plausible,
    labelled_dates,
    labelled_in_folded,
    parse_date,
    scan_dates,
)
from scraper.extract.date_zones import Zones

__all__ = ["EARLIEST", "extract_dates", "find_labelled_dates", "fold", "is_plausible",
           "labelled_dates", "parse_date", "scan_dates"]

_DATELINE = re.compile(r"^[^\W\d_][^,;:.!?]{0,40},\s*(?P<date>.{6,30}?)\s+[-–—]\s+\S")


class _Lines:
    """The labelled dates of a page's lines, each line folded once."""

    def __init__(self, zones: Zones, language: str | None, today: date) -> None:
        self.folds: dict[str, str] = {}
        self.labelled: dict[str, date] = {}  # kind -> first plausible date in the content
        self.header_published: date | None = None  # "Publié le" in an article's header band
        # A date element's own text is a line too: "Zuletzt geändert am: 15.10.2021" may sit
        # in a block whose whole text is too long to be a line.
        texts = [(z, t) for _, z, t in zones.lines] + [(z, t) for _, z, _, t in zones.dated]
        for zone, text in texts:
            if text in self.folds:
                continue
            folded = self.folds[text] = fold(text)
            for kind, d in labelled_in_folded(folded, language):
                if not is_plausible(d, today) or kind == "date":
                    continue
                if zone == "header" and kind == "published":
                    self.header_published = self.header_published or d
                elif zone != "header" and (zone == "content" or kind != "published"):
                    self.labelled.setdefault(kind, d)


def _byline(zones: Zones, doc: HtmlElement, url: str, language: str | None,
            lines: _Lines, today: date) -> date | None:
    """The first unlabelled visible date that dates the article: a date-classed element or
    <time> ("jeudi 13 juin 2019", "Par X | 30 septembre 2018"), a bare "Date: …" line, or
    a press dateline ("Bern, 17.08.2007 - Rede …"). A bare "Ciudad de México, 14 de julio
    de 2017" opening a speech or letter dates the text, not the page, and is not taken."""
    folds = lines.folds
    updated = lines.labelled.get("modified")
    candidates = [(order, text, True) for order, zone, _, text in zones.dated if zone == "content"]
    candidates += [(order, text, False) for order, zone, text in zones.lines
                   if zone == "content" and HAS_DIGIT.search(folds[text])
                   and (_DATELINE.match(folds[text]) or _only_dated(folds[text], language)
                        or _opens_with_date(folds[text], language))]
    full_dates: list[date] | None = None  # gathered only when a year is missing
    # After the article's end come comments, related lists and footers: no byline there.
    end = zones.main_end if zones.main_end is not None else len(zones.lines) + len(zones.dated)
    for order, text, dated in sorted(candidates):
        if order >= end:
            break
        folded = folds.get(text) or fold(text)
        labels = labelled_in_folded(folded, language)
        if not text or any(kind != "date" for kind, _ in labels):
            continue  # labelled lines speak for themselves
        if labels:
            d: date | None = next((d for _, d in labels if is_plausible(d, today)), None)
            if d is not None and d != updated:
                return d
            continue
        m = _DATELINE.match(folded)
        if not dated and m:
            folded = m.group("date")
        d = next((d for _, d in scan_dates(folded, language) if is_plausible(d, today)), None)
        if d is None and dated and len(text) <= 40:
            if full_dates is None:
                full_dates = attribute_dates(doc, url, today)
            d = complete_year(text, full_dates, language)
        if d is not None and d != updated:  # the labelled update shown again is no byline
            return d
    return None


_BYLINE_SEPARATOR = re.compile(r"\s*(?:[,|·•/–—-]|[0-9]{1,2}[:.h][0-9]{2})")


def _opens_with_date(folded: str, language: str | None) -> bool:
    """A short line that opens with a full date and goes on with an author, a time or a
    rubric ("1. Februar 2022, Daniel Dillenburg", "02.02.2022 10:16 Uhr - Bundesliga")."""
    if len(folded) > 80:
        return False
    for start, end, _ in date_spans(folded, language):
        return start == 0 and bool(_BYLINE_SEPARATOR.match(folded, end))
    return False


def _only_dated(folded: str, language: str | None) -> bool:
    labels = labelled_in_folded(folded, language)
    return bool(labels) and all(kind == "date" for kind, _ in labels)


def _weigh(shown: date | None, declared: Declared) -> date | None:
    """The publication date from what the page shows beside what its markup declares.

    An explicit declaration speaks for the page when the two differ: a visible "first date"
    may belong to a block we did not recognise, and a shown date equal to the declared update
    is the update. The shown date wins only where it is the declared UTC instant's day in the
    publisher's time zone ("2021-11-04T23:00Z" shown as 5 November in Berlin), or where the
    markup declares it too (JSON-LD says 3 November, article:published_time and the byline
    6 November: tune half 0.9695 -> 0.9706, measure half 0.9463 -> 0.9475). A bare
    declared "date" (Dublin Core's, often the day a record was created) yields to any shown
    date."""
    explicit = declared.published
    if shown is None or explicit is None or shown == explicit:
        return shown or explicit or declared.dated
    if shown in declared.local_days() or shown in declared.also:
        return shown
    return explicit


def _read_as_declared(shown: date | None, declared: Declared) -> date | None:
    """A numeric date that reads either way ("06/01/2020") in the order the markup declares:
    the page's own statement of which number is the month."""
    other = declared.published
    if shown and other and (shown.year, shown.month, shown.day) == (other.year, other.day,
                                                                   other.month):
        return other
    return shown


def _htmldate(doc: HtmlElement, zones: Zones, url: str, today: date) -> date | None:
    """htmldate's extensive reading of the page without the blocks we hold for boilerplate."""
    from htmldate import find_date  # imported late: heavy, and rarely reached

    tree = copy.deepcopy(doc)
    # The copy has the original's shape, so one walk of both pairs each block with its twin
    # (paths did the same, but a prefixed tag such as <fb:like> made them fail to evaluate).
    dropped = set(zones.dropped)
    if dropped:
        for el in [twin for el, twin in zip(doc.iter(), tree.iter()) if el in dropped]:
            el.drop_tree()
    try:
        found = find_date(tree, url=url or None, original_date=True, extensive_search=True,
                          min_date=EARLIEST.isoformat(),
                          max_date=(today + timedelta(days=1)).isoformat())
    except Exception:  # noqa: BLE001 - htmldate is a last resort: its failure means no date
        return None
    d = parse_date(found) if found else None
    if d is not None and (d.month, d.day) == (1, 1):
        return None  # a year alone ("© 2019"), which htmldate completes to 1 January
    return d if is_plausible(d, today) else None


def extract_dates(doc: HtmlElement, main: HtmlElement | None, language: str | None,
                  url: str, *, today: date) -> tuple[date | None, date | None]:
    """(published, modified) of a page. `modified` is kept only when later than `published`.

    In order: labelled visible lines in the page's language, French or English ("publié le",
    "Dernière modification :", "Stand"); the day the URL files the page under; a byline date
    weighed against the markup's declarations (JSON-LD, meta, microdata); htmldate. A page
    whose only date is a modification line gets no publication date from htmldate: we do not
    copy one into the other. Dates after `today` (one day's grace) are refused.
    """
    language = language or doc.get("lang") or None
    keep = {main, *main.iterancestors()} if main is not None else set()
    zones = Zones(doc, keep, main)
    lines = _Lines(zones, language, today)
    labelled = lines.labelled
    declared = declared_dates(doc, zones, today)
    published = (_read_as_declared(labelled.get("published"), declared) or url_date(url, today)
                 or url_date(canonical_url(doc), today))
    if published is None:
        shown = lines.header_published or _byline(zones, doc, url, language, lines, today)
        published = _weigh(shown, declared)
    modified = labelled.get("modified") or declared.modified
    asof = labelled.get("asof")
    if asof and published is None and modified is None:
        published = asof  # "Stand: …" is then the only date the publisher gives the page
    elif asof and modified is None:
        modified = asof
    if published is None and "modified" not in labelled:
        published = _htmldate(doc, zones, url, today)
    if published and modified and modified <= published:
        modified = None
    return published, modified
