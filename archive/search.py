"""Text normalisation for full-text search in every language.

SQLite 3.40's FTS5 cannot fold Arabic diacritics or find a word inside unspaced Chinese or
Japanese text (`unicode61` keeps a CJK run as one token; `trigram` needs three characters and
cannot fold accents before 3.45). So the FTS tables index a *normalised* copy of the text, and
every query goes through the same normalisation:

- NFKD, then the combining marks of Latin, Greek, Cyrillic, Hebrew and Arabic dropped
  ("Sécurité" -> "securite", "الأَمْن" -> "الامن"); other scripts keep their marks because
  there they change the letter, not an accent;
- case folded; Arabic letter variants unified (ى -> ي, ة -> ه, Persian ی ک -> ي ك, tatweel dropped);
- every Han, kana, Hangul, Thai, Lao, Khmer and Myanmar character made a token of its own, so
  that a word of any length is found as a phrase of adjacent characters ("安全" -> "安 全").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Bump when `normalise` changes: the FTS tables are rebuilt on the next `ensure_schema`.
NORMALISER_VERSION = 1
# Bump when `page_terms` or `section_terms` change what they index: the store rebuilds the
# FTS tables on the next open (contentless deletes must see the values that were indexed).
INDEX_VERSION = 1

# The columns of the FTS tables, in the order archive/schema.sql declares them; the store
# writes `INSERT INTO pages_fts(rowid, <columns>)` from the dicts below.
PAGES_FTS_COLUMNS: tuple[str, ...] = ("title", "text")
SECTIONS_FTS_COLUMNS: tuple[str, ...] = ("heading", "text")

_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_ARABIC = str.maketrans(
    {
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u06cc": "\u064a",  # Persian yeh -> Arabic yeh
        "\u06a9": "\u0643",  # Persian keheh -> kaf
        "\u0640": None,  # tatweel
    }
)
_UNSPACED = re.compile(
    "([\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf\u3040-\u30ff"
    "\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af"
    "\uf900-\ufaff\U00020000-\U0003134f])"
)


def fold(text: str) -> str:
    """Accents, diacritics and case folded, Arabic variants unified; spacing untouched."""
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    # NFC again so that Hangul syllables, split into jamo by NFKD, become whole again.
    return unicodedata.normalize("NFC", text.translate(_ARABIC).casefold())


def normalise(text: str | None) -> str:
    """The form stored in the FTS tables: `fold` plus one token per CJK-like character."""
    if not text:
        return ""
    return _UNSPACED.sub(r" \1 ", fold(text))


def page_terms(title: str | None, text: str | None, language: str | None) -> dict[str, str]:
    """What pages_fts indexes for one page: a value per column of PAGES_FTS_COLUMNS."""
    return {"title": normalise(title), "text": normalise(text)}


def section_terms(heading: str | None, text: str | None, language: str | None) -> dict[str, str]:
    """What sections_fts indexes for one section (`language` is its page's)."""
    return {"heading": normalise(heading), "text": normalise(text)}


def fts_query(query: str | None) -> str:
    """A user's words as an FTS5 MATCH expression over normalised text.

    Each whitespace-separated word (or "quoted phrase") becomes a phrase; all must match.
    A trailing * keeps its meaning of a prefix search. Nothing the user types can make the
    expression invalid, so a search box never answers with an error.
    """
    if not query:
        return '""'
    if query.count('"') % 2:
        query += '"'
    parts: list[str] = []
    for quoted, bare in re.findall(r'"([^"]*)"|(\S+)', query):
        word = quoted or bare
        prefix = bool(bare) and word.endswith("*")
        norm = " ".join(normalise(word.rstrip("*") if prefix else word).split())
        norm = norm.replace('"', " ").strip()
        if not norm:
            continue
        parts.append(f'"{norm}"' + ("*" if prefix else ""))
    return " ".join(parts) if parts else '""'


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)


def _original_index(text: str, folded_at: int) -> int:
    """The smallest k such that fold(text[:k]) is longer than folded_at (binary search).

    Folding works character by character, so the folded length of a prefix grows with it;
    a few folds of prefixes in C beat a Python loop over every character.
    """
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        if len(fold(text[: mid + 1])) > folded_at:
            hi = mid
        else:
            lo = mid + 1
    return lo


def snippet(text: str | None, query: str | None, width: int = 80) -> str:
    """An excerpt of the *original* text around the first word of the query, marked «…»."""
    if not text:
        return ""
    words = [fold(w.strip('"*')) for w in (query or "").split()]
    words = [w for w in words if w]
    folded = fold(text)
    same = len(folded) == len(text)  # nothing vanished or grew: positions are the same
    for word in words:
        at = folded.find(word)
        if at < 0:
            continue
        if same:
            start, end = at, at + len(word)
        else:
            start = _original_index(text, at)
            end = _original_index(text, at + len(word) - 1) + 1
        while end < len(text) and not _fold_char(text[end]):  # keep the word's last marks
            end += 1
        left, right = max(0, start - width), min(len(text), end + width)
        return (
            ("…" if left else "")
            + text[left:start]
            + "«"
            + text[start:end]
            + "»"
            + text[end:right]
            + ("…" if right < len(text) else "")
        )
    return text[: 2 * width] + ("…" if len(text) > 2 * width else "")
