"""Search hits shown in the original text, marked with <mark> (not with «», which French
and Arabic readers take for real quotation marks).

`excerpt` cuts plain text around the first hit (for the `snippet` column, CSV included);
`mark` turns a text into escaped HTML with every hit of the query marked.
"""

from __future__ import annotations

import html
from functools import lru_cache

from archive.plugins.query import highlight_words
from archive.search import fold


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return fold(ch)


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """`text` folded one character at a time, and for each folded character its source index."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char(ch)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


def hits(text: str, query: str | None) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of `text` where a wanted word of the query occurs."""
    words = [w for w in highlight_words(query) if w]
    if not text or not words:
        return []
    folded, where = _folded_with_map(text)
    spans: list[tuple[int, int]] = []
    for word in words:
        at = folded.find(word)
        while at >= 0:
            start, end = where[at], where[at + len(word) - 1] + 1
            while end < len(text) and not _fold_char(text[end]):  # a word's trailing marks
                end += 1
            if all(end <= s or start >= e for s, e in spans):
                spans.append((start, end))
            at = folded.find(word, at + len(word))
    return sorted(spans)


def excerpt(text: str | None, query: str | None, width: int = 80) -> str:
    """Plain text around the first hit (or the text's start), with … where it was cut."""
    if not text:
        return ""
    found = hits(text, query)
    start, end = found[0] if found else (0, 0)
    left = max(0, start - width)
    right = min(len(text), (end if found else 0) + width * (1 if found else 2))
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def mark(text: str | None, query: str | None) -> str:
    """`text` as escaped HTML, each hit of the query inside <mark>."""
    if not text:
        return ""
    out, last = [], 0
    for start, end in hits(text, query):
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)
