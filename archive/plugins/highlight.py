"""Search hits shown in the original text, marked with <mark> (not with «», which French
and Arabic readers take for real quotation marks).

`excerpt` cuts plain text around the first hit (for the `snippet` column, CSV included);
`mark` turns a text into escaped HTML with every hit of the query marked.

Both run inside a request (an SQL function, a page being rendered), where nothing stops them
once started, so their work is linear in the text and capped: a hit is looked for in the
first `SNIPPET_TEXT_LIMIT` characters of a snippet's text and the first `MARK_TEXT_LIMIT` of
a marked text (past that, the text is shown unmarked), and at most `MARK_LIMIT` hits are
marked in one text. A crawled page may hold a 20,000-character paragraph of one letter.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from archive.plugins.query import highlight_words
from archive.search import fold

SNIPPET_TEXT_LIMIT = 50_000  # characters of a text searched for the snippet's hit
MARK_TEXT_LIMIT = 200_000  # characters of one text in which hits are marked
MARK_LIMIT = 2_000  # hits marked in one text; the rest reads unmarked


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return fold(ch)


class Folded:
    """A text folded one character at a time (as the index folds words), with the way back
    from a folded position to the text's own: all through C-level str and itertools work."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.table = {ord(ch): _fold_char(ch) for ch in set(text)}
        self.folded = text.translate(self.table)
        # The usual case (Latin text with accents, Cyrillic, Chinese): one character each.
        self.same = all(len(f) == 1 for f in self.table.values())
        self._ends: list[int] | None = None

    def source(self, at: int) -> int:
        """The index in the text of the character that folded into position `at`."""
        if self.same:
            return at
        if self._ends is None:  # the folded length of each prefix, built once on demand
            self._ends = list(accumulate(map(len, map(self.table.__getitem__,
                                                      map(ord, self.text)))))
        return bisect_right(self._ends, at)

    def span(self, at: int, length: int) -> tuple[int, int]:
        """The text's (start, end) for a folded match, with the word's trailing marks."""
        start, end = self.source(at), self.source(at + length - 1) + 1
        text, table = self.text, self.table
        while end < len(text) and not table[ord(text[end])]:
            end += 1
        return start, end


def hits(text: str, query: str | None, most: int = MARK_LIMIT) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of `text` where a wanted word of the query occurs,
    in order, at most `most` of them; `text` is searched whole (callers cap it)."""
    words = [w for w in highlight_words(query) if w]
    if not text or not words:
        return []
    folded = Folded(text)
    found: list[tuple[int, int]] = []  # (folded start, -length): longer words first on ties
    for word in words:
        at, count = folded.folded.find(word), 0
        while at >= 0 and count < most:
            found.append((at, -len(word)))
            count += 1
            at = folded.folded.find(word, at + len(word))
    spans: list[tuple[int, int]] = []
    last_end = -1
    for at, minus_length in sorted(found):  # one sweep: a hit overlapping the one before drops
        if at < last_end:
            continue
        last_end = at - minus_length
        spans.append(folded.span(at, -minus_length))
        if len(spans) >= most:
            break
    return spans


def excerpt(text: str | None, query: str | None, width: int = 80) -> str:
    """Plain text around the first hit (or the text's start), with … where it was cut."""
    if not text:
        return ""
    found = hits(text[:SNIPPET_TEXT_LIMIT], query, most=1)
    start, end = found[0] if found else (0, 0)
    left = max(0, start - width)
    right = min(len(text), (end if found else 0) + width * (1 if found else 2))
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def mark(text: str | None, query: str | None) -> str:
    """`text` as escaped HTML, each hit of the query inside <mark>."""
    if not text:
        return ""
    out, last = [], 0
    for start, end in hits(text[:MARK_TEXT_LIMIT], query):
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)
