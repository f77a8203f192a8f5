"""Arabic light stemming, after the rules of Larkey's light10 (Lucene's ArabicStemmer).

Works on text already folded by `fold.fold` (diacritics gone, أ إ آ -> ا, ة -> ه, ى -> ي).
One prefix is removed (the article and the proclitics و ب ك ف ل fused with it), then each
common suffix in turn, as long as enough of the word is left: two letters after a suffix or
a long prefix, three after the lone و.

Why not Snowball's Arabic stemmer: it leaves و+ال in place ("والأمن" -> "والام") and
reads the last letter of "والدرك" as a pronoun suffix ("والدر"), so the forms a researcher
meets most often (35 % of words on our Arabic pages carry an article or a proclitic) would
not meet their bare form.
"""

from __future__ import annotations

from functools import lru_cache

# Longest first, so that "وال" wins over "و" and "ال".
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و")
# Folded forms: ية and ة are indexed as يه and ه.
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


@lru_cache(maxsize=65536)  # words repeat: a page of 400 words holds about 200 distinct
def stem(word: str) -> str:
    """The light stem of one folded Arabic word: "والامن" -> "امن", "السفاره" -> "سفار"."""
    for prefix in _PREFIXES:
        room = 3 if len(prefix) == 1 else 2
        if word.startswith(prefix) and len(word) - len(prefix) >= room:
            word = word[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word
