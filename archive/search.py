"""What the full-text index holds, and the helpers every search reads it with.

The store indexes each page and section through `page_terms` and `section_terms` (archive/
search_index.py writes the FTS tables from them): the text folded as written (`normalise`,
archive/analysis/fold.py: accents, Arabic diacritics and case folded, CJK characters split)
and the same text stemmed by its language's analyser (archive/analysis). Queries become FTS5
expressions in archive/analysis/query.py. `fts_query` and `snippet` are the exact-form
versions kept for callers that search the exact columns only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from archive.analysis import language_code, stemmed
from archive.analysis.fold import fold, normalise

# Bump when `normalise` changes: the FTS tables are rebuilt on the next `ensure_schema`.
NORMALISER_VERSION = 1
# Bump when `page_terms` or `section_terms` change what they index: the store rebuilds the
# FTS tables on the next open (contentless deletes must see the values that were indexed).
INDEX_VERSION = 4

# The columns of the FTS tables, in the order archive/schema.sql declares them; the store
# writes `INSERT INTO pages_fts(rowid, <columns>)` from the dicts below. Each text is indexed
# twice: as written (folded) and stemmed by its language's analyser (archive.analysis), so
# that exact forms can rank first; `language` lets a stem match only pages of its language.
# Sections are indexed as written only: the search query reads pages_fts (a page's text holds
# its sections), and sections_fts serves the sections table's own search box, which matches
# what is typed; stems there doubled the index for nothing.
PAGES_FTS_COLUMNS: tuple[str, ...] = ("title", "text", "title_stem", "text_stem", "language")
SECTIONS_FTS_COLUMNS: tuple[str, ...] = ("heading", "text")
# bm25 weights in column order: a hit in the title counts more, an exact form more than a stem.
PAGES_FTS_WEIGHTS = (10.0, 1.0, 5.0, 0.5, 0.0)


def page_terms(title: str | None, text: str | None, language: str | None) -> dict[str, str]:
    """What pages_fts indexes for one page: a value per column of PAGES_FTS_COLUMNS."""
    return {"title": normalise(title), "text": normalise(text),
            "title_stem": stemmed(title, language), "text_stem": stemmed(text, language),
            "language": language_code(language)}


def section_terms(heading: str | None, text: str | None, language: str | None) -> dict[str, str]:
    """What sections_fts indexes for one section, folded as written (`language`, its page's,
    is not needed for that: the signature is the index's one interface)."""
    return {"heading": normalise(heading), "text": normalise(text)}


def fts_query(query: str | None) -> str:
    """A user's words as an FTS5 MATCH expression over normalised text.

    Each whitespace-separated word (or "quoted phrase") becomes a phrase; all must match.
    A trailing * keeps its meaning of a prefix search. Nothing the user types can make the
    expression invalid, so a search box never answers with an error.
    """
    if not query:
        return '""'
    if query.count('"') % 2:
        query += '"'
    parts: list[str] = []
    for quoted, bare in re.findall(r'"([^"]*)"|(\S+)', query):
        word = quoted or bare
        prefix = bool(bare) and word.endswith("*")
        norm = " ".join(normalise(word.rstrip("*") if prefix else word).split())
        norm = norm.replace('"', " ").strip()
        if not norm:
            continue
        parts.append(f'"{norm}"' + ("*" if prefix else ""))
    return " ".join(parts) if parts else '""'


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)


def _original_index(text: str, folded_at: int) -> int:
    """The smallest k such that fold(text[:k]) is longer than folded_at (binary search).

    Folding works character by character, so the folded length of a prefix grows with it;
    a few folds of prefixes in C beat a Python loop over every character.
    """
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        if len(fold(text[: mid + 1])) > folded_at:
            hi = mid
        else:
            lo = mid + 1
    return lo


def snippet(text: str | None, query: str | None, width: int = 80) -> str:
    """An excerpt of the *original* text around the first word of the query, marked «…»."""
    if not text:
        return ""
    words = [fold(w.strip('"*')) for w in (query or "").split()]
    words = [w for w in words if w]
    folded = fold(text)
    same = len(folded) == len(text)  # nothing vanished or grew: positions are the same
    for word in words:
        at = folded.find(word)
        if at < 0:
            continue
        if same:
            start, end = at, at + len(word)
        else:
            start = _original_index(text, at)
            end = _original_index(text, at + len(word) - 1) + 1
        while end < len(text) and not _fold_char(text[end]):  # keep the word's last marks
            end += 1
        left, right = max(0, start - width), min(len(text), end + width)
        return (
            ("…" if left else "")
            + text[left:start]
            + "«"
            + text[start:end]
            + "»"
            + text[end:right]
            + ("…" if right < len(text) else "")
        )
    return text[: 2 * width] + ("…" if len(text) > 2 * width else "")
