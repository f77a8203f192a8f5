"""Reading dates in text, in every language the embassy sites write. Pure, no I/O.

- `parse_date(text, language)` reads one date expression ("1er août 2019", "16/11/2017",
  "2011年7月4日", "٤ يوليو ٢٠١١", "2011-07-04T10:00Z" …);
- `scan_dates(folded, language)` finds every date expression in already `fold`ed text;
- `labelled_dates` / `find_labelled_dates` read (published, modified) from labelled lines
  ("publié le …", "Dernière modification : …", "Stand: …", "نشر في …", "发布时间：…");
- `complete_year` dates a yearless "29 июня" by a full date found elsewhere on the page.

Our own regexes and month tables (`date_words`) do the work; dateparser only reads what they
cannot, because it is slow and too eager on free text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache

from scraper.extract import date_words

# The web began in earnest in the mid-1990s: an earlier "page date" is a date in the text.
EARLIEST = date(1995, 1, 1)

_DIGITS = {ord(c): str(i % 10) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}
# Arabic and Persian spell some letters differently; tatweel and bidi marks are invisible.
_LETTERS = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك", "ـ": None, "\u200c": "", "\u200d": "",
                          "\u200e": "", "\u200f": "", "\u061c": "", "\u00ad": "", "\u200b": "",
                          "\u2060": "", "\ufeff": "", "İ": "i", "،": ","})


def _combining_marks() -> dict[int, None]:
    # Every Mn code point lies in the first two planes or in the variation selectors
    # supplement: scanning only those keeps the import fast.
    ranges = (range(0x20000), range(0xE0000, 0xE1000))
    return dict.fromkeys(c for r in ranges for c in r if unicodedata.category(chr(c)) == "Mn")


_MARKS = _combining_marks()
_FOLD_TABLE = {**_LETTERS, **_DIGITS}
_SPACES = re.compile(r"\s+")
# Every date form has an ASCII digit or 年 once folded; lines without one are not read further.
HAS_DIGIT = re.compile(r"[0-9年]")


def fold(text: str) -> str:
    """Lowercase, ASCII digits, no diacritics, Arabic/Persian letters unified: what we match on.

    >>> fold("Publié le ٤  Juillet")
    'publie le 4 juillet'
    """
    text = unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE).lower()
    if not text.isascii():  # NFC after NFD: Hangul recomposed, marks gone
        text = unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).translate(_MARKS))
    return _SPACES.sub(" ", text)


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


def make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        # Nothing before EARLIEST (1995) is a page date, so "97" is 1997 and "05" 2005; a
        # future "45" is then refused by the caller's plausibility bound, without our reading
        # the clock here.
        y += 1900 if y >= EARLIEST.year % 100 else 2000
    return y


def _from_match(kind: str, m: re.Match[str], language: str | None) -> date | None:
    g = m.groupdict()
    if kind in ("dmy", "mdy", "ywd"):
        word = re.sub(r"\s+", " ", g["m"])
        if word in _JALALI and word not in _MONTHS:
            return _jalali(int(g["y"]), _JALALI[word], int(g["d"]))
        lang_table = _MONTHS_BY_LANG.get(_base(language) or "", {})
        return make_date(int(g["y"]), lang_table.get(word) or _MONTHS[word], int(g["d"]))
    if kind in ("cjk", "vi"):
        return make_date(int(g["y"]), int(g["m"]), int(g["d"]))
    if kind == "era":
        year = 1 if g["y"] == "元" else int(g["y"])
        return make_date(date_words.JAPANESE_ERAS[g["era"]] + year - 1, int(g["m"]), int(g["d"]))
    if kind == "cjk_numerals":
        return make_date(_han_number(g["y"]), _han_number(g["m"]), _han_number(g["d"]))
    if kind == "ymd":
        y = int(g["y"])
        if y < 1500:  # a Solar Hijri year, written so only in Persian
            return _jalali(y, int(g["m"]), int(g["d"])) if _base(language) == "fa" else None
        return make_date(y, int(g["m"]), int(g["d"]))
    a, b, y = int(g["a"]), int(g["b"]), _year(g["y"])
    if len(g["y"]) == 2 and g["s"] == "-":
        return None  # 1-2-11 is more often a reference number than a date
    if _base(language) in ("zh", "ja", "ko"):
        return None  # these write the year first; D/M/Y here is a reference, not a date
    if _base(language) == "en" and (b > 12 or (_is_us(language) and a <= 12)):
        a, b = b, a  # month first: the only reading, or a US page
    return make_date(y, b, a)


def date_spans(text: str, language: str | None = None) -> Iterator[tuple[int, int, date]]:
    """Every date expression in already `fold`ed text, as (start, end, date), in text order."""
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
            yield start, taken_until, d


def scan_dates(text: str, language: str | None = None) -> Iterator[tuple[int, date]]:
    """Every date expression in already `fold`ed text, as (position, date), in text order."""
    for start, _, d in date_spans(text, language):
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
        return make_date(int(compact[:4]), int(compact[4:6]), int(compact[6:]))
    for _, d in scan_dates(folded, language):
        return d
    # Only words our tables lack are worth dateparser's time: "12/25/2011" on a French page
    # is no date, however dateparser would read it.
    if len(text) <= 80 and _MAY_BE_WORDED.search(folded):
        return _dateparser(text, language)
    return None


# What dateparser needs to return a full date (day, month and year all required): a year of
# its own, a day number of its own and a word. Testing this first spares its language
# detection (up to a second per string on a page without `languages`) on "1000-Euro-Kredit",
# "(1105x55)" and the like, which it never reads as dates.
_MAY_BE_WORDED = re.compile(
    r"^(?=.*[^\W\d_])(?=.*(?<![0-9])[0-9]{1,2}(?![0-9]))(?=.*(?<![0-9])(?:19|20)[0-9]{2}(?![0-9]))")


def _dateparser(text: str, language: str | None) -> date | None:
    import dateparser  # imported late: it is slow to load and rarely needed

    # No relative-time parser: "3 days ago" would read the clock and make extraction
    # depend on the day it runs.
    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True,
                "DATE_ORDER": "MDY" if _is_us(language) else "DMY",
                "PARSERS": ["custom-formats", "absolute-time"]}
    base = _base(language)
    try:
        parsed = dateparser.parse(text, languages=[base] if base else None, settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors (unknown language …)
        return None
    return parsed.date() if parsed else None


def is_plausible(d: date | None, today: date) -> bool:
    """A page date: not before the web's early years, not after `today` (one day's grace for
    time zones). `today` is the caller's: extraction never reads the clock."""
    return d is not None and EARLIEST <= d <= today + timedelta(days=1)


# --- labelled dates -----------------------------------------------------------------------

def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\ud7ff"


@lru_cache(maxsize=64)
def _label_pattern(language: str | None) -> tuple[re.Pattern[str], dict[str, str]]:
    """Labels of the page's language, plus French and English, which the embassy sites use on
    every language's pages; all languages' labels when the language is unknown. Keeping to
    these spares an English "We stand with …" from reading as the German "Stand".

    Update labels of every language are read on every page: a template prints its "Letzte
    Änderung" or "Dernière modification" line in its own language whatever the article's,
    and these phrases mean nothing else. The page's languages come first, so that a word
    they use for publication keeps that meaning."""
    base = _base(language)
    wanted = {base, "fr", "en"} if base in date_words.LABELS else set(date_words.LABELS)
    kinds: dict[str, str] = {}
    ordered = sorted(date_words.LABELS.items(), key=lambda item: item[0] not in wanted)
    for lang, table in ordered:
        for kind, labels in table.items():
            for label in labels if lang in wanted or kind == "modified" else ():
                kinds.setdefault(fold(label).strip(" :"), kind)
    words: list[str] = []  # labels that start a word: one boundary test before them all
    cjk: list[str] = []
    for label in sorted(kinds, key=len, reverse=True):
        body = re.escape(label)  # `fold` leaves one space between words
        # CJK runs have no spaces between words, so their labels need no word boundary.
        after = "" if _is_cjk(label[-1]) else _NOT_LETTER_AFTER
        (cjk if _is_cjk(label[0]) else words).append(f"{body}{after}")
    # The two groups start with different characters, so at any position the longest label
    # that matches wins, as in one list; testing the boundary once, not once per label,
    # makes the scan several times faster.
    groups = ([f"{_NOT_LETTER_BEFORE}(?:{'|'.join(words)})"] if words else []) + cjk
    return re.compile("|".join(groups)), kinds


_LABEL_REACH = 32  # how far after its label a date may start: "le", "on Thursday,", " : " …
# A CJK label is not set off by spaces, so "公開" also starts 公開調教 ("public training"):
# its date must follow at once, after at most a colon, a bracket or a space.
_CJK_REACH = 3


def labelled_dates(text: str, language: str | None = None) -> list[tuple[str, date]]:
    """(kind, date) for each label in `text` followed closely by a date; kind is "published",
    "modified", "asof" or "date" (a bare "Date:", which may date something else)."""
    return labelled_in_folded(fold(text), language)


def labelled_in_folded(folded: str, language: str | None = None) -> list[tuple[str, date]]:
    """`labelled_dates` of text already `fold`ed."""
    if not HAS_DIGIT.search(folded):
        return []
    pattern, kinds = _label_pattern(language)
    labels = list(pattern.finditer(folded))
    found = []
    for i, label in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(folded)
        window = folded[label.end():min(stop, label.end() + _LABEL_REACH + 40)]
        reach = _CJK_REACH if _is_cjk(label.group()[-1]) else _LABEL_REACH
        for pos, d in scan_dates(window, language):
            if pos <= reach:
                found.append((kinds[re.sub(r"\s+", " ", label.group()).strip()], d))
            break
    return found


def find_labelled_dates(text: str, language: str | None = None, *,
                        today: date) -> tuple[date | None, date | None]:
    """(published, modified) read from labelled lines, the first plausible of each kind.

    An "as of" date ("Stand: 12.11.2021") counts as modified when no line says "modified".

    >>> find_labelled_dates("publié le 4 juillet 2011\\nDernière modification : 16/11/2017",
    ...                     today=date(2020, 1, 1))
    (datetime.date(2011, 7, 4), datetime.date(2017, 11, 16))
    """
    first: dict[str, date] = {}
    for line in text.splitlines():
        for kind, d in labelled_dates(line, language):
            if is_plausible(d, today):
                first.setdefault(kind, d)
    return first.get("published"), first.get("modified") or first.get("asof")


_YEARLESS = re.compile(
    r"(?<![0-9])(?P<d>[0-9]{1,2})(?:er|e|o|st|nd|rd|th)?\.?\s*(?:de\s+|of\s+)?" + _M
    + r"|" + _M.replace("?P<m>", "?P<m2>") + r"\s*(?P<d2>[0-9]{1,2})(?![0-9])"
    + r"|(?<![0-9])(?P<m3>[0-9]{1,2})\s*[月월]\s*(?P<d3>[0-9]{1,2})\s*[日일]"
)


def complete_year(text: str, full_dates: list[date], language: str | None) -> date | None:
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
