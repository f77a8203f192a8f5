"""Text normalisation shared by every part of the extractor."""

from __future__ import annotations

import re
import unicodedata

# Invisible format characters that would split words in search and comparisons.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\u200e\u200f"))
# \w is exactly str.isalnum() plus "_": removing [\W_] keeps letters and digits only.
_NOT_ALNUM = re.compile(r"[\W_]+")
# A lone no-break space is typography (French "volets\u00a0:", "10\u202f000"): kept as written.
# A run of whitespace starts where the scan meets it, so refusing only a lone kept character
# leaves every other run to collapse, with no Python call per match.
_SPACES_BUT_LONE_NBSP = re.compile(r"(?![\u00a0\u202f](?!\s))\s+")
# What XML 1.0 forbids: C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF; lone
# surrogates (a JSON "\\ud800" decodes to one). One in a title would make the Atom feed
# invalid XML for every subscriber, so extraction drops them from every field.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def norm(text: str | None, *, keep_nbsp: bool = False) -> str:
    """Collapse every run of whitespace (NBSP, ideographic space, line breaks …) to one space
    and trim. With `keep_nbsp` (body text), a single no-break space between words stays as
    French typography writes it; labels (titles, breadcrumbs, headings) never keep one, so
    that they facet and compare as plain text.

    >>> norm(" a\\u00a0 b\\u00adc\\n")
    'a bc'
    >>> norm("deux volets\\u00a0: la formation", keep_nbsp=True)
    'deux volets\\xa0: la formation'
    """
    if not text:
        return ""
    if not text.isascii():  # ASCII has no invisible characters and is already NFC
        text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    if keep_nbsp and ("\u00a0" in text or "\u202f" in text):
        return _SPACES_BUT_LONE_NBSP.sub(" ", text).strip()
    # Without a no-break space to keep, the regex collapses every run: the same as split.
    # str.split() and the regex's \s are the same Unicode whitespace; split is faster.
    return " ".join(text.split())


def squash(text: str) -> str:
    """A comparison key: case-folded letters and digits only."""
    return _NOT_ALNUM.sub("", norm(text).casefold())


def xml_safe(text: str, *, label: bool = False) -> str:
    """`text` without the characters XML 1.0 forbids; a label's spaces collapsed again where
    one went ("a \\x01 b" -> "a b").

    >>> xml_safe("Visite\\x01 officielle\\ufffe", label=True)
    'Visite officielle'
    """
    if not text or _NOT_XML.search(text) is None:  # nearly every field: one scan, no copy
        return text
    cleaned = _NOT_XML.sub("", text)
    return " ".join(cleaned.split()) if label else cleaned
