"""Snowball stemmers (PyStemmer) for the languages they cover, and in which order to fold.

A stemmer reads the letters of its language: Turkish suffixes turn on ı, ğ and ş, Russian
on й, German on ä ö ü, so those words are stemmed as written and folded after. French,
Spanish, Portuguese, Italian, Catalan and English are folded first: their stemmers work as
well on unaccented words, and a reader who types "securite" then meets the same stem as the
page that says "sécurité".
"""

from __future__ import annotations

import threading

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


def stem_words(words: list[str], language: str) -> list[str]:
    """The Snowball stems of lower-case words (folded or not, as FOLD_FIRST says), in one call
    to the C stemmer, which keeps its own cache of recent words."""
    stemmers: dict[str, Stemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(ALGORITHMS[language])
    return list(stemmers[language].stemWords(words))
