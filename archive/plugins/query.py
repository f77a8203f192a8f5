"""The search box's syntax, turned into an FTS5 expression over normalised text.

    visa schengen        both words (anywhere in the page or section)
    visa OR schengen     either word (OR binds the two words beside it)
    visa -schengen       the first word without the second (also: visa NOT schengen)
    "long séjour"        the words side by side, as a phrase
    secur*               words that start with "secur" (at least MIN_PREFIX characters)

Words are normalised exactly as the index is (`archive.search.normalise`): accents and Arabic
diacritics folded, Chinese and Japanese characters split. Nothing typed can make the
expression invalid: quotes are balanced, control characters (a NUL) dropped, FTS5's own
operators and column filters read as words. A query of only exclusions matches nothing,
since FTS5 cannot search for "everything but".

Bounded, since FTS5 cannot be interrupted inside one MATCH: a query is read up to
`QUERY_LIMIT` characters and `TERM_LIMIT` terms, and a prefix shorter than `MIN_PREFIX`
characters (`a*`, which would merge the lists of every word starting with "a") is searched
as the word itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.search import fold, normalise

NOTHING = '""'  # an empty phrase: FTS5 matches no row
QUERY_LIMIT = 1000  # characters of a query read; a search box needs far fewer
TERM_LIMIT = 32  # terms (words or phrases) of a query used
MIN_PREFIX = 3  # characters before a * for a prefix search
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TERM = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Term:
    """One searched phrase: its words normalised, whether a prefix, whether excluded."""

    phrase: str
    prefix: bool = False
    excluded: bool = False
    raw: str = ""  # as typed (without * or quotes): the stemmers of archive.analysis read it

    def fts(self) -> str:
        return f'"{self.phrase}"' + ("*" if self.prefix else "")


def _term(raw: str, quoted: bool, excluded: bool) -> Term | None:
    prefix = not quoted and raw.endswith("*")
    words = normalise(raw.rstrip("*") if prefix else raw).replace('"', " ").split()
    if not words:
        return None
    return Term(" ".join(words), prefix and len(words[-1]) >= MIN_PREFIX, excluded,
                raw.rstrip("*") if prefix else raw)


def parse(query: str | None) -> list[list[Term]]:
    """The query as a list of groups: the terms of a group are alternatives (OR), all groups
    must match; an excluded term stands alone in its group."""
    text = _CONTROL.sub(" ", (query or "")[:QUERY_LIMIT])
    if text.count('"') % 2:
        text += '"'
    groups: list[list[Term]] = []
    join_next = exclude_next = False
    terms = 0
    for minus, quoted, bare in _TERM.findall(text):
        if bare in ("OR", "|"):
            join_next = bool(groups) and not groups[-1][0].excluded
            continue
        if bare in ("NOT", "AND"):
            exclude_next = bare == "NOT"
            continue
        excluded = exclude_next or bool(minus) or (bare.startswith("-") and len(bare) > 1)
        raw = quoted if minus or quoted else bare.removeprefix("-")
        term = _term(raw, bool(quoted), excluded)
        exclude_next = False
        if term is None:
            join_next = False
            continue
        terms += 1
        if terms > TERM_LIMIT:
            break
        if join_next and not excluded:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return groups


def fts_query(query: str | None) -> str:
    """The FTS5 MATCH expression for what a reader typed in a search box."""
    groups = parse(query)
    wanted = [g for g in groups if not g[0].excluded]
    unwanted = [g[0] for g in groups if g[0].excluded]
    if not wanted:
        return NOTHING
    expr = " AND ".join("(" + " OR ".join(t.fts() for t in g) + ")" for g in wanted)
    if unwanted:
        expr = f"({expr}) NOT (" + " OR ".join(t.fts() for t in unwanted) + ")"
    return expr


def fts_exclusions(query: str | None) -> str:
    """The excluded terms as one FTS5 expression (matching nothing when there are none), so
    that a query over several tables can drop a page whose *other* rows hold them."""
    unwanted = [g[0] for g in parse(query) if g[0].excluded]
    return " OR ".join(t.fts() for t in unwanted) if unwanted else NOTHING


def highlight_words(query: str | None) -> list[str]:
    """The folded words a hit mark looks for: the wanted terms, not the excluded ones."""
    words: list[str] = []
    for group in parse(query):
        for term in group:
            if not term.excluded:
                words.append(fold(term.phrase.replace(" ", "")) if _is_unspaced(term.phrase)
                             else term.phrase)
    return sorted(set(words), key=len, reverse=True)


def _is_unspaced(phrase: str) -> bool:
    # normalise() spaced out each CJK character; the text a mark looks in is not spaced.
    parts = phrase.split()
    return len(parts) > 1 and all(len(p) == 1 for p in parts)
