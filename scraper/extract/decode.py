"""Bytes to text: HTTP header, BOM, <meta> charset, then detection.

Declarations are often wrong on old SPIP sites (a latin-1 page declared utf-8 or the reverse),
so a declared charset is only trusted when the bytes decode cleanly with it.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG: browsers read these labels as windows-1252, a superset whose extra characters
# (’ “ ” € œ) SPIP pages use constantly.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "cp819"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try(data: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset label of a Content-Type header value, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def decode_html(data: bytes | str, content_type: str | None = None) -> str:
    """The page's text, whatever its bytes and declarations say."""
    if isinstance(data, str):
        return data
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    is_utf8 = _try(data, "utf-8")
    declared: list[str | None] = [_codec(header_charset(content_type))]
    meta = _META_CHARSET.search(data[:8192])
    declared.append(_codec(meta.group(1).decode("ascii", "ignore")) if meta else None)
    for label in declared:
        if label is None:
            continue
        chosen: str = label
        if is_utf8 is not None and chosen != "utf-8" and not data.isascii() and _single_byte(
            chosen
        ):
            # Valid multi-byte UTF-8 is almost never an accident in a single-byte charset:
            # the declaration is the mistake (a common one on migrated sites).
            return is_utf8
        # UTF-8 was tried above: its answer stands (a second decode of the page is the same).
        text = is_utf8 if chosen == "utf-8" else _try(data, chosen)
        if text is not None:
            return text
    if is_utf8 is not None:
        return is_utf8
    return _detect(data)


def _single_byte(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name.startswith(("cp", "iso8859", "latin", "koi8", "mac"))
    except LookupError:
        return False


def _detect(data: bytes) -> str:
    latin = _try(data, "cp1252")
    if latin is not None:
        letters = [ch for ch in latin if ch.isalpha()]
        accented = sum(not ch.isascii() for ch in letters)
        # Western text has few accented letters; Cyrillic or Greek read as cp1252 has nothing
        # else. Statistical detectors misjudge short Western pages, so this test comes first.
        if letters and accented < 0.3 * len(letters):
            return latin
    from charset_normalizer import from_bytes  # imported late: detection is the rare path

    best = from_bytes(data[:200_000]).best()
    encoding = _codec(best.encoding) if best is not None else None
    text = _try(data, encoding or "cp1252")
    return text if text is not None else data.decode(encoding or "cp1252", errors="replace")
