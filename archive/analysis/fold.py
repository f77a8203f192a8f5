"""The exact stream: accents and case folded, CJK-like characters made tokens of their own.

SQLite 3.40's FTS5 cannot fold Arabic diacritics or find a word inside unspaced Chinese or
Japanese text (`unicode61` keeps a CJK run as one token; `trigram` needs three characters and
cannot fold accents before 3.45). So the FTS tables index a *normalised* copy of the text, and
every query goes through the same normalisation:

- NFKD, then the combining marks of Latin, Greek, Cyrillic, Hebrew and Arabic dropped
  ("Sécurité" -> "securite", "الأَمْنُ" -> "الامن"); other scripts keep their marks because
  there they change the letter, not an accent;
- case folded; Arabic letter variants unified (ى -> ي, ة -> ه, Persian ی ک -> ي ك, ۀ -> ه,
  tatweel dropped);
- every Han, kana, Hangul, Thai, Lao, Khmer and Myanmar character made a token of its own, so
  that a word of any length is found as a phrase of adjacent characters ("安全" -> "安 全").
"""

from __future__ import annotations

import re
import sys
import unicodedata

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
        "\u06d2": "\u064a",  # yeh barree -> yeh
        "\u06a9": "\u0643",  # Persian keheh -> kaf
        "\u06c1": "\u0647",  # heh goal -> heh
        "\u0640": None,  # tatweel
    }
)
UNSPACED_CLASS = (
    "\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf\u3040-\u30ff"
    "\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
UNSPACED = re.compile(f"([{UNSPACED_CLASS}])")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _mark_ranges() -> str:
    # Combining marks belong to their word for FTS5's unicode61 (they are not separators);
    # Python's \w does not cover them, so the word pattern adds them explicitly.
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, min(sys.maxunicode, 0x1FFFF)):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


_M = _mark_ranges()
# A word as unicode61 sees one: letters and digits with their marks; punctuation, spaces,
# the underscore and the zero-width non-joiner separate words.
WORD = re.compile(f"[^\\W_][^\\W_{_M}]*(?:[{_M}]+[^\\W_]*)*|[{_M}]+")
_PLAIN_WORD = re.compile(r"[^\W_]+")
# Where a mark can be left in a word: the generic combining block (decomposed input), Syriac
# to NKo, the Indic and South-East Asian scripts, Tibetan, Mongolian. A class of a few ranges
# is searched quickly; the class of every mark, hundreds of ranges, is slower than WORD itself.
_MAY_HAVE_MARKS = re.compile("[\u0300-\u036f\u0700-\u07ff\u0900-\u109f\u0f00-\u0fff"
                             "\u1700-\u18af\u1a00-\u1aff\u1b00-\u1c4f\ua800-\uabff]")


def words(text: str) -> list[str]:
    """The words of `text` as WORD finds them: the plain pattern, many times faster, where
    no script with combining marks occurs (after `fold`, Latin, Greek, Cyrillic, Hebrew and
    Arabic have none left)."""
    return (WORD if _MAY_HAVE_MARKS.search(text) else _PLAIN_WORD).findall(text)


def fold(text: str) -> str:
    """Accents, diacritics and case folded, Arabic variants unified; spacing untouched."""
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    # NFC again so that Hangul syllables, split into jamo by NFKD, become whole again.
    return unicodedata.normalize("NFC", text.translate(_ARABIC).casefold())


def normalise(text: str | None) -> str:
    """The form stored in the exact columns: `fold` plus one token per CJK-like character."""
    if not text:
        return ""
    return UNSPACED.sub(r" \1 ", fold(text))
