"""What kind of change one version of a page is to the one before: a class and a size.

Pure functions over two `page_versions` rows (or None for a page not yet there, or gone).
The classes, from least to most significant:

- `dates`     dates or boilerplate only: a modification date, a "Dernière modification :
              16/11/2017" line, a share or print label, spacing and punctuation;
- `numbers`   numbers or contacts only: a telephone number, an address, an e-mail, a fee, an
              opening hour, a date *inside* a sentence (a deadline moved);
- `edited`    the words of the text changed;
- `sections`  a section was added or removed;
- `new`, `gone`  the page appeared or was removed.

Every class but `dates` is significant: the feeds show those by default. The rules are
deliberately few and stated here so that a researcher can argue with them, and they are
measured on labelled pairs (bench/bench_changes.py). `size` is the number of characters
inserted and deleted in the page's title and text; `share` is that size over the longer text.

`edgi_priority` is the baseline we measure against: EDGI's web-monitoring priority (0 to 1),
as `web_monitoring/analyze.py` computes it, over the features our versions hold.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from archive.diff import DELETE, INSERT, diff_sections, diff_text

DATES, NUMBERS, EDITED, SECTIONS, NEW, GONE = "dates", "numbers", "edited", "sections", "new", "gone"
CLASSES = (DATES, NUMBERS, EDITED, SECTIONS, NEW, GONE)
LABELS = {
    DATES: "dates or boilerplate only", NUMBERS: "numbers or contacts", EDITED: "text edited",
    SECTIONS: "sections added or removed", NEW: "page new", GONE: "page gone",
}
SIGNIFICANT = frozenset(CLASSES) - {DATES}
Version = Mapping[str, Any]

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre|january|february|march|april|may|june|july|august|september|"
    "october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|enero|febrero|"
    "marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|gennaio|"
    "febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januar|februar|märz|"
    "juni|juli|oktober|dezember|января|февраля|марта|апреля|мая|июня|июля|августа|"
    "сентября|октября|ноября|декабря|ocak|şubat|nisan|mayıs|haziran|temmuz|ağustos|eylül|"
    "ekim|kasım|aralık|يناير|فبراير|مارس|أبريل|إبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|"
    "سبتمبر|أكتوبر|اكتوبر|نوفمبر|ديسمبر|ژانویه|فوریه|مارس|آوریل|مه|ژوئن|ژوئیه|اوت|سپتامبر|"
    "اکتبر|نوامبر|دسامبر"
)
_D = r"[0-9٠-٩۰-۹]"  # ASCII, Arabic-Indic and Persian digits
DATE = re.compile(
    rf"{_D}{{4}}-{_D}{{2}}-{_D}{{2}}(?:[T ]{_D}{{2}}:{_D}{{2}}(?::{_D}{{2}})?Z?)?"
    rf"|{_D}{{1,4}}[/.]{_D}{{1,2}}[/.]{_D}{{2,4}}"
    rf"|{_D}{{4}}\s*年\s*{_D}{{1,2}}\s*月(?:\s*{_D}{{1,2}}\s*日)?"
    rf"|{_D}{{1,2}}(?:er|º|°)?\s+(?:de\s+)?(?:{_MONTHS})\b\.?(?:\s+(?:de\s+)?{_D}{{4}})?"
    rf"|(?:{_MONTHS})\b\.?\s+{_D}{{1,2}},?\s+{_D}{{4}}"
    rf"|(?:{_MONTHS})\b\.?\s+(?:de\s+)?{_D}{{4}}",
    re.IGNORECASE)
_STAMP_WORDS = 2  # a line holding a date and at most this many other words is a date stamp
_STAMP_CHARS = 160  # longer than any label, date and two words ("Dernière modification : …")
# The labels of date lines, left out before their words are counted.
STAMP_LABEL = re.compile(
    r"\b(?:dernière modification|derniere modification|mis à jour|mise à jour|publié|modifié|"
    r"last updated|last modified|updated|published|posted|on|le|du|"
    r"última modificación|actualizado|publicado|el|آخر تحديث|تاريخ|نشر|في|更新于|更新|发布|"
    r"обновлено|опубликовано|güncelleme|yayın)\b", re.IGNORECASE)
# A dateline: a place, a comma and the date ("Ciudad de México, 14 de julio de 2017").
DATELINE = re.compile(r"^\s*[^\W\d][\w\s.'’-]{0,40},\s*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# Lines a site repeats on every page, whatever the article says.
BOILERPLATE = re.compile(
    r"^\W*(?:partager|imprimer|envoyer|share|print|e-?mail this|haut de page|retour en haut|"
    r"back to top|top of page|accès rapide|skip to|toutes les versions de cet article|"
    r"all the versions of this article|©|copyright|tous droits réservés|all rights reserved|"
    r"suivez-nous|follow us|طباعة|مشاركة|分享|打印|compartir|imprimir)(?:\b.*)?$|^\W*©.*$",
    re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://[^\s,;]+|www\.[^\s,;]+")
# A word, with addresses kept whole so that a changed e-mail stays one contact.
_WORD = re.compile(rf"{EMAIL.pattern}|{URL.pattern}|\w+", re.UNICODE)
NUMBER = re.compile(rf"\+?{_D}[{_D[1:-1]}\s.,:h/()-]*{_D}|{_D}")


@dataclass(frozen=True)
class Change:
    """One change's class, its size in characters and its share of the page."""

    kind: str
    size: int
    share: float

    @property
    def significant(self) -> bool:
        return self.kind in SIGNIFICANT

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def _sections(version: Version) -> list[dict[str, Any]]:
    value = version.get("sections")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = []
    return [s for s in value or [] if isinstance(s, dict)]


def _lines(version: Version) -> list[str]:
    """The page's words as lines: its title, then each section's heading and paragraphs
    (or its whole text when it has no sections)."""
    lines = [str(version.get("title") or "")]
    sections = _sections(version)
    if sections:
        for s in sections:
            lines.append(str(s.get("heading") or ""))
            lines.extend(str(s.get("text") or "").split("\n"))
    else:
        lines.extend(str(version.get("text") or "").split("\n"))
    return lines


def _is_stamp(line: str) -> bool:
    """A date line ("Dernière modification : 16/11/2017", "publié le 4 juillet 2011", a
    dateline) or a repeated label ("Partager", "© 2017 ...")."""
    if BOILERPLATE.match(line):
        return True
    if len(line) > _STAMP_CHARS:
        return False  # prose, or a hostile megabyte title: not searched for dates at all
    without = DATE.sub(" ", line)
    if without == line:
        return False
    if DATELINE.match(without):
        return True
    rest = STAMP_LABEL.sub(" ", without)
    # An unspaced script's characters count as words ("申请截止日期为" is no stamp).
    words = len(_WORD.findall(_CJK.sub(" ", rest))) + len(_CJK.findall(rest))
    # A sentence ("Jusqu’au 12 mars 2018.") is prose, however short: its date is a fact.
    if words and re.search(r"[.。!?؟]\s*$", line):
        return False
    return words <= _STAMP_WORDS


def without_stamps(version: Version) -> str:
    """The page's words with date lines, boilerplate, spacing and punctuation left out."""
    kept = [" ".join(_WORD.findall(line)).casefold()
            for line in _lines(version) if not _is_stamp(line)]
    return "\n".join(x for x in kept if x)


def without_numbers(text: str) -> str:
    """`text` with every date, e-mail, web address and number (telephone, fee, hour) as #."""
    for pattern in (DATE, EMAIL, URL, NUMBER):
        text = pattern.sub("#", text)
    return text


MOVED = 0.8  # a section whose words are this much in the other version was moved or merged


def _section_added_or_removed(old: Version, new: Version, a: str, b: str) -> bool:
    """Whether a section with words of its own appeared or went. A renamed heading, a section
    merged into another or split in two is an edit: its words are still on the page."""
    words = {"a": a.split(), "b": b.split()}
    for s in diff_sections(_sections(old), _sections(new)):
        if s.status not in ("added", "removed"):
            continue
        content = without_stamps({"title": "", "sections": [
            {"heading": s.heading.new or s.heading.old, "text": s.text.new or s.text.old}]})
        mine = content.split()
        other = set(words["a"] if s.status == "added" else words["b"])
        if mine and sum(w in other for w in mine) / len(mine) < MOVED:
            return True
    return False


def size_of(old: Version | None, new: Version | None) -> tuple[int, float]:
    """Characters inserted and deleted in title and text, and their share of the longer."""
    a = f"{(old or {}).get('title') or ''}\n{(old or {}).get('text') or ''}"
    b = f"{(new or {}).get('title') or ''}\n{(new or {}).get('text') or ''}"
    ops = diff_text(a, b)
    size = sum(len(op.text) for op in ops if op.kind in (INSERT, DELETE))
    return size, round(size / max(len(a), len(b), 1), 4)


def classify(old: Version | None, new: Version | None) -> Change:
    """The class and size of the change from `old` to `new` (None: not there)."""
    size, share = size_of(old, new)
    if old is None or new is None:
        return Change(NEW if old is None else GONE, size, share)
    a, b = without_stamps(old), without_stamps(new)
    if _section_added_or_removed(old, new, a, b):
        return Change(SECTIONS, size, share)
    if a == b:
        return Change(DATES, size, share)
    if without_numbers(a) == without_numbers(b):
        return Change(NUMBERS, size, share)
    return Change(EDITED, size, share)


# --- the baseline: EDGI's priority ------------------------------------------------------

# EDGI's list is of environmental terms (climate, EPA ...); the formula takes a domain's own
# list, so the baseline runs with the terms that matter on an embassy's site.
KEY_TERMS = frozenset({
    "visa", "visas", "passeport", "passport", "pasaporte", "consulat", "consulate",
    "consulado", "ambassade", "embassy", "embajada", "urgence", "emergency", "sécurité",
    "security", "seguridad", "rendez-vous", "appointment", "cita", "tarif", "fee", "frais",
    "délai", "deadline", "fermé", "closed", "fermeture", "closure", "horaires", "hours",
    "تأشيرة", "التأشيرة", "جواز", "السفارة", "القنصلية", "签证", "护照", "大使馆", "领事",
})
KEY_TERM_GRAMS = 1


def _factor(ratio: float) -> float:
    """EDGI's priority_factor: a logarithmic curve over a ratio of change."""
    return math.log(1 + (math.e - 1) * ratio)


def edgi_priority(old: Version | None, new: Version | None, url: str = "",
                  old_status: int | None = 200, new_status: int | None = 200) -> float:
    """EDGI's priority (0 = not worth human eyes, 1 = really needs a look) of a change.

    Their analyze_page, term by term, on what a version holds: key terms changed (0.05 each,
    up to 0.4), 0.65 x factor(share of text changed), up to 0.35 for a change longer than
    100 characters (full at 600), +1 when the status changed between error and success, x
    0.15 or 0.4 when both are errors, x 0.25 on a site's home page. Links are not stored in
    a version, so the link terms (0.3 x factor, +0.75 for a removed self-link) stay 0. A page
    new or gone is a status change (nothing, or 404, against 200), which EDGI's analysis
    cannot see (it needs two versions of a page).
    """
    if old is None or new is None:
        old_status, new_status = (404, 200) if old is None else (200, 404)
    a = "\n".join(_lines(old or {}))
    b = "\n".join(_lines(new or {}))
    ops = diff_text(a, b)
    changes = [op for op in ops if op.kind in (INSERT, DELETE)]
    total = sum(len(op.text) for op in ops)
    priority = 0.0
    removed = [w.casefold() for op in changes if op.kind == DELETE for w in _WORD.findall(op.text)]
    added = [w.casefold() for op in changes if op.kind == INSERT for w in _WORD.findall(op.text)]
    key_changes = sum(abs(added.count(t) - removed.count(t)) for t in KEY_TERMS)
    if key_changes:
        priority += min(0.4, 0.05 * key_changes)
    if changes:
        priority += 0.65 * _factor(sum(len(op.text) for op in changes) / max(total, 1))
    longest = max((len(op.text) for op in changes), default=0)
    if longest > 100:
        priority += 0.35 * (min(longest, 600) - 100) / 500
    old_error = old_status is not None and old_status >= 400
    new_error = new_status is not None and new_status >= 400
    if old_error != new_error:
        priority += 1
    elif old_error and new_error:
        same_kind = (old_status or 0) // 100 == (new_status or 0) // 100
        priority *= 0.15 if same_kind else 0.4
    if url and re.fullmatch(r"/(index(\.\w+)?)?", urlsplit(url).path or "/"):
        priority *= 0.25
    return max(min(priority, 1.0), 0.0)
