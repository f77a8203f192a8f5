"""Language analysis for search: what is indexed and searched for each language.

Each page is indexed twice (see archive/search.py): its *exact* stream (`normalise`: accents,
diacritics and case folded, CJK characters split) and its *stemmed* stream, where each word
is reduced to a stem by its language's analyser:

    ar  fold, then light10-style article, proclitic and suffix removal (archive.analysis.arabic)
    fa  fold, plural, ezafe and comparative suffixes, joined or not (.persian)
    zh  traditional characters read as simplified (.chinese)
    fr en es pt it ca   fold, then Snowball (accents typed or not give the same stem)
    de ru tr nl sv ... Snowball on the word as written, then fold (.snowball)

A language without an analyser (ja, ko, unknown) has no stemmed stream: its exact stream
already finds its words.
"""

from __future__ import annotations

from archive.analysis import arabic, chinese, persian, snowball
from archive.analysis.fold import HAN, UNSPACED, fold, normalise, words

# Every language with an analyser: a query is stemmed for each (or for the one picked).
LANGUAGES: tuple[str, ...] = tuple(sorted({"ar", "fa", "zh", *snowball.ALGORITHMS}))


def language_code(language: str | None) -> str:
    """The primary subtag, lower case ("pt-BR" -> "pt"); "" when there is none."""
    if not language:
        return ""
    code = language.replace("_", "-").split("-")[0].strip().lower()
    return code if code.isascii() and code.isalpha() else ""


def _words(text: str, language: str) -> list[str]:
    if language == "ar":
        return [arabic.stem(w) for w in words(fold(text))]
    if language == "fa":
        return [persian.stem(w) for w in words(fold(text))]
    if language in snowball.FOLD_FIRST:
        return snowball.stem_words(words(fold(text)), language)
    # Folded once as a whole: folding keeps the spaces between the stems.
    return fold(" ".join(snowball.stem_words(words(text.casefold()), language))).split()


def stemmed(text: str | None, language: str | None) -> str:
    """The stemmed stream of `text` read as `language` ("" when it has no analyser).

    The same function analyses a query's words, so a phrase's stems line up with the page's.
    """
    code = language_code(language)
    if not text or code not in LANGUAGES:
        return ""
    if code == "zh":
        simple = chinese.to_simplified(text)
        # Simplified text is already in the exact stream: nothing to add.
        return normalise(simple) if simple != text else ""
    out = " ".join(w for w in _words(text, code) if w)
    return UNSPACED.sub(r" \1 ", out)


def simplified(text: str) -> str:
    """A query with Han characters, as simplified and normalised ("" when it has none): it
    meets simplified pages in their exact columns and traditional ones in their stemmed."""
    return normalise(chinese.to_simplified(text)) if HAN.search(text) else ""


__all__ = ["LANGUAGES", "fold", "language_code", "normalise", "simplified", "stemmed"]
