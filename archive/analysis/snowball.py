"""Snowball stemmers (PyStemmer) for the languages they cover, and in which order to fold.

A stemmer reads the letters of its language: Turkish suffixes turn on ı, ğ and ş, Russian
on й, German on ä ö ü, so those words are stemmed as written and folded after. French,
Spanish, Portuguese, Italian, Catalan and English are folded first: their stemmers work as
well on unaccented words, and a reader who types "securite" then meets the same stem as the
page that says "sécurité".
"""

from __future__ import annotations

import threading
from functools import lru_cache

import Stemmer

# ISO 639-1 -> Snowball algorithm (only those PyStemmer ships; Arabic and Persian have our
# own light stemmers).
ALGORITHMS = {
    "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
FOLD_FIRST = frozenset({"fr", "es", "pt", "it", "ca", "en"})

_local = threading.local()  # a Stemmer object is not safe to share between threads


def _stemmer(language: str) -> Stemmer.Stemmer:
    stemmers: dict[str, Stemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(ALGORITHMS[language])
    return stemmers[language]


@lru_cache(maxsize=65536)
def _stem_cached(language: str, word: str) -> str:
    return str(_stemmer(language).stemWord(word))


def stem(word: str, language: str) -> str:
    """The Snowball stem of one lower-case word (folded or not, as FOLD_FIRST says)."""
    return _stem_cached(language, word)
