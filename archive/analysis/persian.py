"""Persian light stemming: plural, ezafe and comparative suffixes.

Works on folded text (ی -> ي, ک -> ك, ۀ -> ه). The zero-width non-joiner and a typed space
are the same to search: both separate words (FTS5 splits at either, as Lucene's Persian
analyser does), and a suffix left standing alone is dropped from the stemmed stream, so that
"کتاب‌ها", "کتاب ها" and "کتابها" all give "کتاب".

Not Snowball's Persian stemmer: it cuts words that merely end like a suffix ("روادید", visa,
-> "رواد"; "سفارتخانه", embassy, -> "سفارتخ"). Only suffixes that are whole morphemes are
removed here, and only from words that keep three letters.
"""

from __future__ import annotations

from functools import lru_cache

# Longest first; each group removed at most once: the plural, the ezafe or indefinite ی,
# then the comparative.
_PLURALS = ("هاي", "ها", "ات", "يان", "ان")
_EZAFE = ("اي", "ي")
_COMPARATIVE = ("ترين", "تر")
_MIN = 3
_ALONE = frozenset(("هايي", "هاي", "ها", "اي", "ي", "تر", "ترين", "ان", "ات"))


def _strip(word: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)  # words repeat: a page of 400 words holds about 200 distinct
def stem(word: str) -> str:
    """The light stem of one folded Persian word: "دانشجويان" -> "دانشجو"; "" for a suffix
    that stood alone after a zero-width non-joiner or a space ("كتاب‌ها" -> "كتاب", "")."""
    if word in _ALONE:
        return ""
    word = _strip(word, _PLURALS)  # "كتابهاي" (the books of) -> "كتاب"
    word = _strip(word, _EZAFE)  # "ايراني" (Iranian) -> "ايران"
    return _strip(word, _COMPARATIVE)
