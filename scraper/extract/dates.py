"""Publication and modification dates, in every language the embassy sites write.

Three pure functions, no I/O:

- `parse_date(text, language)` reads one date expression ("1er août 2019", "16/11/2017",
  "2011年7月4日", "٤ يوليو ٢٠١١", "2011-07-04T10:00Z" …);
- `find_labelled_dates(text, language)` reads (published, modified) from labelled lines
  ("publié le …", "Dernière modification : …", "Stand: …", "نشر في …", "发布时间：…");
- `extract_dates(doc, main, language, url)` decides a page's (published, modified): visible
  labelled dates first, then an unlabelled byline date, then structured data (JSON-LD, meta,
  `<time>`), then htmldate; never from navigation, sidebars, related lists or comments.

Our own regexes and month tables (`date_words`) do the work; dateparser only reads what they
cannot, because it is slow and too eager on free text.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache

from lxml.html import HtmlElement

from scraper.extract import date_words

# The web began in earnest in the mid-1990s: an earlier "page date" is a date in the text.
EARLIEST = date(1995, 1, 1)

_DIGITS = {ord(c): str(i % 10) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}
# Arabic and Persian spell some letters differently; tatweel and bidi marks are invisible.
_LETTERS = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك", "ـ": None, "\u200c": "", "\u200d": "",
                          "\u200e": "", "\u200f": "", "\u061c": "", "\u00ad": "", "\u200b": "",
                          "\u2060": "", "\ufeff": "", "İ": "i", "،": ","})


def fold(text: str) -> str:
    """Lowercase, ASCII digits, no diacritics, Arabic/Persian letters unified: what we match on."""
    text = unicodedata.normalize("NFKC", text).translate(_LETTERS).translate(_DIGITS).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))  # NFC: Hangul recomposed


def _base(language: str | None) -> str | None:
    return language.replace("_", "-").split("-")[0].lower() or None if language else None


def _is_us(language: str | None) -> bool:
    return bool(language) and language.replace("_", "-").lower() in ("en-us", "us")  # type: ignore[union-attr]


def _alternation(words: Iterable[str]) -> str:
    unique = sorted({fold(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


def _month_lookup() -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    per_language = {
        lang: {fold(w): n for n, words in table.items() for w in words}
        for lang, table in date_words.MONTHS.items()
    }
    merged: dict[str, int] = {}
    for table in per_language.values():
        for word, n in table.items():
            merged.setdefault(word, n)
    return per_language, merged


_MONTHS_BY_LANG, _MONTHS = _month_lookup()
_JALALI = {fold(w): n for n, words in date_words.JALALI_MONTHS.items() for w in words}
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_M = f"{_NOT_LETTER_BEFORE}(?P<m>{_alternation(list(_MONTHS) + list(_JALALI))})\\.?{_NOT_LETTER_AFTER}"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "dmy": re.compile(
        r"(?<![0-9])(?P<d>[0-9]{1,2})(?:er|re|e|o|°|st|nd|rd|th)?\.?\s*(?:de\s+|of\s+|[-/]\s*)?"
        + _M + r"\s*,?\s*(?:de\s+|del\s+|[-/]\s*)?(?P<y>[0-9]{4})(?![0-9])"
    ),
    "mdy": re.compile(
        _M + r"\s*(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])\s*,?\s*(?P<y>[0-9]{4})(?![0-9])"
    ),
    "ywd": re.compile(  # Hungarian, Lithuanian: "2011. július 4."
        r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})\.\s*" + _M + r"\s*(?P<d>[0-9]{1,2})(?![0-9])"
    ),
    "vi": re.compile(
        r"(?:ngay\s*)?(?P<d>[0-9]{1,2})\s*thang\s*(?P<m>[0-9]{1,2})\s*(?:,\s*)?nam\s*(?P<y>[0-9]{4})"
    ),
    "cjk": re.compile(
        r"(?<![0-9])(?P<y>[0-9]{4})\s*[年년]\s*(?P<m>[0-9]{1,2})\s*[月월]\s*(?P<d>[0-9]{1,2})(?![0-9])"
    ),
    "era": re.compile(
        r"(?P<era>令和|平成|昭和)\s*(?P<y>[0-9]{1,2}|元)\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})"
    ),
    "ymd": re.compile(
        r"(?<![0-9./-])(?P<y>(?:19|20|13|14)[0-9]{2})(?P<s>[-/.])\s?(?P<m>[0-9]{1,2})(?P=s)\s?"
        r"(?P<d>[0-9]{1,2})(?![0-9])"
    ),
    "num": re.compile(
        r"(?<![0-9./-])(?P<a>[0-9]{1,2})(?P<s>[./-])\s?(?P<b>[0-9]{1,2})(?P=s)\s?"
        r"(?P<y>[0-9]{4}|[0-9]{2}(?![./-]?[0-9]))(?![0-9])"
    ),
    "cjk_numerals": re.compile(
        r"(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})[日号]"
    ),
}
_HAN = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _han_number(text: str) -> int:
    if "十" not in text:
        return int("".join(str(_HAN[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_HAN[tens] if tens else 1) * 10 + (_HAN[units] if units else 0)


def _jalali(jy: int, jm: int, jd: int) -> date | None:
    """Solar Hijri to Gregorian, by the 33-year-cycle arithmetic of Iran's own software."""
    if not (1 <= jm <= 12 and 1 <= jd <= (31 if jm <= 6 else 30)):
        return None
    days = 365 * (jy + 1595) + ((jy + 1595) // 33) * 8 + (((jy + 1595) % 33) + 3) // 4 + jd
    days += (jm - 1) * 31 if jm < 7 else (jm - 7) * 30 + 186
    return date.fromordinal(days - 355668 - 365)  # that arithmetic counts from 1 Jan of year 0


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:  # 2-digit years: the most recent century that is not in the future
        y += 2000 if y <= date.today().year % 100 + 1 else 1900
    return y


def _from_match(kind: str, m: re.Match[str], language: str | None) -> date | None:
    g = m.groupdict()
    if kind in ("dmy", "mdy", "ywd"):
        word = re.sub(r"\s+", " ", g["m"])
        if word in _JALALI and word not in _MONTHS:
            return _jalali(int(g["y"]), _JALALI[word], int(g["d"]))
        lang_table = _MONTHS_BY_LANG.get(_base(language) or "", {})
        return _make(int(g["y"]), lang_table.get(word) or _MONTHS[word], int(g["d"]))
    if kind in ("cjk", "vi"):
        return _make(int(g["y"]), int(g["m"]), int(g["d"]))
    if kind == "era":
        year = 1 if g["y"] == "元" else int(g["y"])
        return _make(date_words.JAPANESE_ERAS[g["era"]] + year - 1, int(g["m"]), int(g["d"]))
    if kind == "cjk_numerals":
        return _make(_han_number(g["y"]), _han_number(g["m"]), _han_number(g["d"]))
    if kind == "ymd":
        y = int(g["y"])
        if y < 1500:  # a Solar Hijri year, written so only in Persian
            return _jalali(y, int(g["m"]), int(g["d"])) if _base(language) == "fa" else None
        return _make(y, int(g["m"]), int(g["d"]))
    a, b, y = int(g["a"]), int(g["b"]), _year(g["y"])
    if len(g["y"]) == 2 and g["s"] == "-":
        return None  # 1-2-11 is more often a reference number than a date
    if _base(language) in ("zh", "ja", "ko"):
        return None  # these write the year first; D/M/Y here is a reference, not a date
    if _base(language) == "en" and (b > 12 or (_is_us(language) and a <= 12)):
        a, b = b, a  # month first: the only reading, or a US page
    return _make(y, b, a)


def scan_dates(text: str, language: str | None = None) -> Iterator[tuple[int, date]]:
    """Every date expression in already `fold`ed text, as (position, date), in text order."""
    found: list[tuple[int, int, date]] = []
    for kind, pattern in _PATTERNS.items():
        for m in pattern.finditer(text):
            d = _from_match(kind, m, language)
            if d is not None:
                found.append((m.start(), -(m.end() - m.start()), d))
    taken_until = -1
    for start, neg_len, d in sorted(found):
        if start >= taken_until:  # overlapping readings: the earliest, then the longest, wins
            taken_until = start - neg_len
            yield start, d


@lru_cache(maxsize=4096)
def parse_date(text: str, language: str | None = None) -> date | None:
    """The first date expression in `text`, read as `language` writes dates; None if none.

    >>> parse_date("publié le 1er août 2019", "fr")
    datetime.date(2019, 8, 1)
    >>> parse_date("07/04/2011", "en-US"), parse_date("07/04/2011", "fr")
    (datetime.date(2011, 7, 4), datetime.date(2011, 4, 7))
    """
    if not text or len(text) > 2000:
        return None
    folded = fold(text)
    compact = folded.strip()
    if re.fullmatch(r"(?:19|20)[0-9]{6}", compact):  # ISO 8601 basic form, 20110704
        return _make(int(compact[:4]), int(compact[4:6]), int(compact[6:]))
    for _, d in scan_dates(folded, language):
        return d
    # Only words our tables lack are worth dateparser's time: "12/25/2011" on a French page
    # is no date, however dateparser would read it.
    if len(text) <= 80 and re.search(r"[0-9]{4}", folded) and re.search(r"[^\W\d_]", folded):
        return _dateparser(text, language)
    return None


def _dateparser(text: str, language: str | None) -> date | None:
    import dateparser  # imported late: it is slow to load and rarely needed

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True,
                "DATE_ORDER": "MDY" if _is_us(language) else "DMY", "PREFER_DATES_FROM": "past"}
    base = _base(language)
    try:
        parsed = dateparser.parse(text, languages=[base] if base else None, settings=settings)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors (unknown language …)
        return None
    return parsed.date() if parsed else None


def is_plausible(d: date | None, today: date | None = None) -> bool:
    """A page date: not before the web's early years, not in the future (one day's grace)."""
    return d is not None and EARLIEST <= d <= (today or date.today()) + timedelta(days=1)


# --- labelled dates -----------------------------------------------------------------------

def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\ud7ff"


@lru_cache(maxsize=64)
def _label_pattern(language: str | None) -> tuple[re.Pattern[str], dict[str, str]]:
    """Labels of the page's language, plus French and English, which the embassy sites use on
    every language's pages; all languages' labels when the language is unknown. Keeping to
    these spares an English "We stand with …" from reading as the German "Stand"."""
    base = _base(language)
    wanted = {base, "fr", "en"} if base in date_words.LABELS else set(date_words.LABELS)
    kinds: dict[str, str] = {}
    for lang, table in date_words.LABELS.items():
        for kind, labels in table.items():
            for label in labels if lang in wanted else ():
                kinds.setdefault(fold(label).strip(" :"), kind)
    alternatives = []
    for label in sorted(kinds, key=len, reverse=True):
        body = re.escape(label)  # `fold` leaves one space between words
        # CJK runs have no spaces between words, so their labels need no word boundary.
        before = "" if _is_cjk(label[0]) else _NOT_LETTER_BEFORE
        after = "" if _is_cjk(label[-1]) else _NOT_LETTER_AFTER
        alternatives.append(f"{before}{body}{after}")
    return re.compile("|".join(alternatives)), kinds


_LABEL_REACH = 32  # how far after its label a date may start: "le", "on Thursday,", " : " …


def labelled_dates(text: str, language: str | None = None) -> list[tuple[str, date]]:
    """(kind, date) for each label in `text` followed closely by a date; kind is "published",
    "modified" or "asof"."""
    folded = fold(text)
    pattern, kinds = _label_pattern(language)
    labels = list(pattern.finditer(folded))
    found = []
    for i, label in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(folded)
        window = folded[label.end():min(stop, label.end() + _LABEL_REACH + 40)]
        for pos, d in scan_dates(window, language):
            if pos <= _LABEL_REACH:
                found.append((kinds[re.sub(r"\s+", " ", label.group()).strip()], d))
            break
    return found


def find_labelled_dates(text: str, language: str | None = None) -> tuple[date | None, date | None]:
    """(published, modified) read from labelled lines, the first plausible of each kind.

    An "as of" date ("Stand: 12.11.2021") counts as modified when no line says "modified".

    >>> find_labelled_dates("publié le 4 juillet 2011\\nDernière modification : 16/11/2017")
    (datetime.date(2011, 7, 4), datetime.date(2017, 11, 16))
    """
    first: dict[str, date] = {}
    for line in text.splitlines():
        for kind, d in labelled_dates(line, language):
            if is_plausible(d):
                first.setdefault(kind, d)
    return first.get("published"), first.get("modified") or first.get("asof")


# --- dates of a page ------------------------------------------------------------------------

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "select", "option", "textarea",
              "iframe", "head", "button"}
_BOILER_TAGS = {"nav", "aside", "menu", "dialog"}
_BOILER_ROLES = {"navigation", "complementary", "search", "menu", "menubar", "dialog"}


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?:^|[-_\s])(?:" + "|".join(words) + r")(?=$|[-_\s])", re.IGNORECASE)


_BOILER_WORDS = _words(date_words.BOILERPLATE_WORDS)
_FOOTER_WORDS = _words(date_words.FOOTER_WORDS)
_HEADER_WORDS = _words(date_words.HEADER_WORDS)
_DATED_MARKS = re.compile("|".join(date_words.DATED_MARKS), re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
               "section", "article", "header", "footer", "main", "aside", "nav", "table", "tr",
               "td", "th", "blockquote", "figure", "figcaption", "form", "br", "hr", "address",
               "pre", "fieldset", "center"}
_HOLDS_MAIN = "boolean(.//main | .//*[@role='main'])"
_MAX_LINE = 160  # a labelled date line is short; a long paragraph quoting "publié le" is body
_DATELINE = re.compile(r"^[^\W\d_][^,;:.!?]{0,40},\s*(?P<date>.{6,30}?)\s+[-–—]\s+\S")


class _Zones:
    """One pass over the document: short text lines and date-carrying elements per zone.

    Zones: "content" (the article and anything not classed otherwise), "footer" (the site's
    footer: it carries "Letzte Änderung …" lines) and "header" (the site's banner). Comments,
    sidebars, navigation, hidden blocks and lists of other articles are left out altogether.
    """

    def __init__(self, root: HtmlElement, keep: set[HtmlElement]) -> None:
        self.lines: list[tuple[int, str, str]] = []  # (order, zone, text)
        self.dated: list[tuple[int, str, HtmlElement, str]] = []  # (order, zone, element, text)
        self.dropped: list[HtmlElement] = []  # boilerplate blocks, hidden from htmldate too
        self._keep = keep  # the main element and its ancestors: never boilerplate
        self._buffer: list[str] = []
        self._zone = "content"
        self._walk(root, "content", False)
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        if text and len(text) <= _MAX_LINE:
            self.lines.append((len(self.lines) + len(self.dated), self._zone, text))
        self._buffer = []

    def _classify(self, el: HtmlElement, zone: str, in_article: bool) -> str | None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP_TAGS:
            return None
        if el in self._keep:
            return zone
        role = (el.get("role") or "").lower()
        words = f"{el.get('class') or ''} {el.get('id') or ''}"
        style = (el.get("style") or "").replace(" ", "").lower()
        if (tag in _BOILER_TAGS or role in _BOILER_ROLES or _BOILER_WORDS.search(words)
                or el.get("hidden") is not None or "display:none" in style):
            # A wrapper that holds the page's main element is layout, whatever its class says.
            if tag in ("html", "body") or el.xpath(_HOLDS_MAIN):
                return zone
            self.dropped.append(el)
            return None
        if not in_article and (tag == "footer" or role == "contentinfo"
                               or _FOOTER_WORDS.search(words)):
            return "footer"
        if not in_article and (tag == "header" or role == "banner" or _HEADER_WORDS.search(words)):
            return "header"
        return zone

    def _switch(self, zone: str) -> None:
        if zone != self._zone:
            self._flush()
            self._zone = zone

    def _walk(self, el: HtmlElement, zone: str, in_article: bool) -> None:
        inner = self._classify(el, zone, in_article)
        if inner is None:
            return
        tag: str = el.tag
        in_article = in_article or tag in ("article", "main") or el.get("role") == "main"
        block = tag in _BLOCK_TAGS
        if block:
            self._flush()
        self._switch(inner)
        marks = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
        if tag in ("time", "abbr") or _DATED_MARKS.search(marks):
            text = " ".join(el.text_content().split())
            if len(text) <= _MAX_LINE:
                self.dated.append((len(self.lines) + len(self.dated), inner, el, text))
        self._buffer.append(el.text or "")
        for child in el:
            self._walk(child, inner, in_article)
            self._switch(inner)
            self._buffer.append(child.tail or "")
        if block:
            self._flush()


_ARTICLE_TYPES = re.compile(r"article|posting|report|release|news", re.IGNORECASE)


def _json_ld_dates(doc: HtmlElement) -> tuple[date | None, date | None]:
    """datePublished and dateModified of the page's own JSON-LD object (an Article if any)."""
    found: list[tuple[bool, object, object]] = []
    for script in doc.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            queue = [json.loads(script.text or "", strict=False)]
        except ValueError:
            continue
        while queue:  # breadth first: the page's object before the objects it mentions
            item = queue.pop(0)
            if isinstance(item, list):
                queue.extend(item)
            elif isinstance(item, dict):
                if "datePublished" in item or "dateModified" in item:
                    is_article = bool(_ARTICLE_TYPES.search(str(item.get("@type", ""))))
                    found.append((is_article, item.get("datePublished"), item.get("dateModified")))
                queue.extend(v for k, v in item.items() if k not in date_words.JSON_LD_ELSEWHERE)
    found.sort(key=lambda f: not f[0])
    for _, published, modified in found:
        return _plausible_text(published), _plausible_text(modified)
    return None, None


def _plausible_text(value: object) -> date | None:
    d = parse_date(value) if isinstance(value, str) else None
    return d if is_plausible(d) else None


def _metadata(doc: HtmlElement, zones: _Zones) -> tuple[date | None, date | None]:
    """(published, modified) that the markup declares: JSON-LD, meta tags, microdata, hAtom."""
    published, modified = _json_ld_dates(doc)
    meta: dict[str, str] = {}
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key and el.get("content"):
            meta.setdefault(key, el.get("content"))
    published = published or _first_plausible(meta.get(k) for k in date_words.PUBLISHED_META)
    modified = modified or _first_plausible(meta.get(k) for k in date_words.MODIFIED_META)
    for el in doc.xpath("//*[@itemprop='datePublished' or @itemprop='dateModified']"):
        value = _plausible_text(el.get("content") or el.get("datetime") or el.text_content())
        if el.get("itemprop") == "datePublished":
            published = published or value
        else:
            modified = modified or value
    for _, zone, el, _ in zones.dated:  # hAtom and <time pubdate>, visible blocks only
        marks = (el.get("class") or "").lower()
        value = _plausible_text(el.get("datetime") or el.get("title"))
        if zone == "content" and (el.get("pubdate") is not None or "published" in marks):
            published = published or value
        elif zone == "content" and ("updated" in marks or "modified" in marks):
            modified = modified or value
    return published, modified


def _first_plausible(values: Iterable[str | None]) -> date | None:
    for value in values:
        d = _plausible_text(value)
        if d is not None:
            return d
    return None


_YEARLESS = re.compile(
    r"(?<![0-9])(?P<d>[0-9]{1,2})(?:er|e|o|st|nd|rd|th)?\.?\s*(?:de\s+|of\s+)?" + _M
    + r"|" + _M.replace("?P<m>", "?P<m2>") + r"\s*(?P<d2>[0-9]{1,2})(?![0-9])"
    + r"|(?<![0-9])(?P<m3>[0-9]{1,2})\s*[月월]\s*(?P<d3>[0-9]{1,2})\s*[日일]"
)
_ATTRIBUTE_DATE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})[-/_.]?([01][0-9])[-/_.]?([0-3][0-9])(?![0-9])")


def _complete_year(text: str, full_dates: list[date], language: str | None) -> date | None:
    """A date written without its year ("[06月24日 11時30分]", "29 июня"), dated by a full
    date of the same month and day in the page's URL or attributes (ids, links, datetime)."""
    m = _YEARLESS.search(fold(text))
    if m is None:
        return None
    if m.group("m3"):
        month, day = int(m.group("m3")), int(m.group("d3"))
    else:
        word = re.sub(r"\s+", " ", m.group("m") or m.group("m2"))
        month = _MONTHS_BY_LANG.get(_base(language) or "", {}).get(word) or _MONTHS.get(word, 0)
        day = int(m.group("d") or m.group("d2"))
    return next((d for d in full_dates if (d.month, d.day) == (month, day)), None)


def _attribute_dates(doc: HtmlElement, url: str) -> list[date]:
    """Plausible full dates in the URL and in attribute values (ids, links, datetime …)."""
    values = [url] + [v for el in doc.iter() if isinstance(el.tag, str) for v in el.values()]
    found = (_make(int(y), int(m), int(d)) for value in values
             for y, m, d in _ATTRIBUTE_DATE.findall(value))
    return [d for d in found if d is not None and is_plausible(d)]


def _byline(zones: _Zones, doc: HtmlElement, url: str, language: str | None) -> date | None:
    """The first unlabelled visible date that dates the article: a date-classed element or
    <time> ("jeudi 13 juin 2019", "Par X | 30 septembre 2018"), or a press dateline
    ("Bern, 17.08.2007 - Rede …"). A bare "Ciudad de México, 14 de julio de 2017" opening
    a speech or letter dates the text, not the page, and is not taken."""
    candidates = [(order, text, True) for order, zone, _, text in zones.dated if zone == "content"]
    candidates += [(order, text, False) for order, zone, text in zones.lines
                   if zone == "content" and _DATELINE.match(fold(text))]
    full_dates: list[date] | None = None  # gathered only when a year is missing
    for _, text, dated in sorted(candidates):
        if not text or labelled_dates(text, language):
            continue  # labelled lines speak for themselves
        folded = fold(text)
        m = _DATELINE.match(folded)
        if not dated and m:
            folded = m.group("date")
        d = next((d for _, d in scan_dates(folded, language) if is_plausible(d)), None)
        if d is None and dated and len(text) <= 40:
            if full_dates is None:
                full_dates = _attribute_dates(doc, url)
            d = _complete_year(text, full_dates, language)
        if d is not None:
            return d
    return None


def _htmldate(doc: HtmlElement, zones: _Zones, url: str) -> date | None:
    """htmldate's reading of the page without the blocks we hold for boilerplate."""
    from htmldate import find_date  # imported late: heavy, and rarely reached

    tree = copy.deepcopy(doc)
    if doc.getparent() is None:  # paths of the original find the same blocks in the copy
        paths = [doc.getroottree().getpath(el) for el in zones.dropped]
        for path in paths:
            for el in tree.xpath(path):
                el.drop_tree()
    try:
        found = find_date(tree, url=url or None, original_date=True, extensive_search=False,
                          min_date=EARLIEST.isoformat(),
                          max_date=(date.today() + timedelta(days=1)).isoformat())
    except Exception:  # noqa: BLE001 - htmldate is a last resort: its failure means no date
        return None
    d = parse_date(found) if found else None
    return d if is_plausible(d) else None


def extract_dates(doc: HtmlElement, main: HtmlElement | None, language: str | None,
                  url: str) -> tuple[date | None, date | None]:
    """(published, modified) of a page. `modified` is kept only when later than `published`.

    In order: labelled visible lines in the page's language or any other ("publié le",
    "Dernière modification :", "Stand"), an unlabelled byline date, the markup's own
    declarations (JSON-LD, meta, microdata), and htmldate. A page whose only date is a
    modification line gets no publication date from htmldate: we do not copy one into the other.
    """
    language = language or doc.get("lang") or None
    keep = {main, *main.iterancestors()} if main is not None else set()
    zones = _Zones(doc, keep)
    labelled: dict[str, date] = {}
    for _, zone, text in zones.lines:
        if zone == "header":
            continue
        for kind, d in labelled_dates(text, language):
            if is_plausible(d) and (zone == "content" or kind != "published"):
                labelled.setdefault(kind, d)
    meta_published, meta_modified = _metadata(doc, zones)
    published = labelled.get("published") or _byline(zones, doc, url, language) or meta_published
    modified = labelled.get("modified") or meta_modified
    asof = labelled.get("asof")
    if asof and published is None and modified is None:
        published = asof  # "Stand: …" is then the only date the publisher gives the page
    elif asof and modified is None:
        modified = asof
    if published is None and "modified" not in labelled:
        published = _htmldate(doc, zones, url)
    if published and modified and modified <= published:
        modified = None
    return published, modified
