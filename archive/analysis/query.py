"""A reader's query as FTS5 expressions over the exact and stemmed columns.

The syntax is archive.plugins.query's (words, "phrases", prefix*, OR, -word, NOT). Each
term is searched in every form:

    exact     the typed form, in the exact columns ({title text}: "passeports")
    stemmed   per language, its stem in the stemmed columns of pages of that language
              ({title_stem text_stem}: "passeport" AND language: ("fr" OR "en"))
    Chinese   its characters as simplified, in any column (traditional found as simplified)

`exact_expression` keeps only the typed forms: the pages it finds rank first. A prefix
(secur*) is searched in the exact columns only: a stem of a word's beginning means nothing.
An excluded term (-word) drops a page that holds it in any form.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from archive.analysis import LANGUAGES, language_code, simplified, stemmed
from archive.analysis.fold import UNSPACED
from archive.plugins.query import NOTHING, Term, parse

# The exact columns of each FTS table; each has a stemmed twin named <column>_stem.
EXACT_COLUMNS = {"pages_fts": ("title", "text"), "sections_fts": ("heading", "text")}
MARK_MIN = 3  # a stem shorter than this is not marked in a snippet: it would mark everywhere


def _columns(table: str | None, stem: bool) -> str:
    names = EXACT_COLUMNS.get(table or "")
    if not names:  # an unknown table (Datasette's own table search): no column filter
        return ""
    return "{" + " ".join(f"{n}_stem" if stem else n for n in names) + "} : "


def _languages(language: str | None) -> tuple[str, ...]:
    code = language_code(language)
    return (code,) if code else LANGUAGES


def stems(term: Term, language: str | None) -> dict[str, list[str]]:
    """The stemmed phrases of a term, each with the languages that give it."""
    found: dict[str, list[str]] = defaultdict(list)
    if term.prefix or not term.raw or _unspaced(term.phrase):
        return found
    for code in _languages(language):
        if code == "zh":
            continue  # Chinese has no stems; its simplified form is searched in every column
        phrase = " ".join(stemmed(term.raw, code).split())
        if phrase:
            found[phrase].append(code)
    return found


def _unspaced(phrase: str) -> bool:
    # Chinese, Japanese, Korean ... characters are their own tokens and have no stems.
    return all(len(w) == 1 and UNSPACED.match(w) for w in phrase.split())


def _restriction(codes: list[str], language: str | None) -> str:
    """Which pages a stem may match: those of the languages that give it. Written as the
    shorter of the languages given or the ones not given, and left out when all give it."""
    if language_code(language):
        return f' AND language : ("{codes[0]}")'
    stemming = [c for c in LANGUAGES if c != "zh"]
    others = [c for c in stemming if c not in codes]
    if not others:
        return ""
    if len(others) < len(codes):
        return " NOT language : (" + " OR ".join(f'"{c}"' for c in others) + ")"
    return " AND language : (" + " OR ".join(f'"{c}"' for c in codes) + ")"


def _forms(term: Term, language: str | None, table: str | None) -> str:
    parts = [_columns(table, False) + term.fts()]
    simple = simplified(term.raw) if term.raw and not term.prefix else ""
    if simple and (not language_code(language) or language_code(language) == "zh"):
        parts.append('"' + " ".join(simple.split()) + '"')
    for phrase, codes in stems(term, language).items():
        parts.append(f'({_columns(table, True)}"{phrase}"{_restriction(codes, language)})')
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _expression(groups: list[list[Term]], language: str | None, table: str | None,
                exact_only: bool) -> str:
    wanted = [g for g in groups if not g[0].excluded]
    unwanted = [g[0] for g in groups if g[0].excluded]
    if not wanted:
        return NOTHING

    def one(term: Term) -> str:
        return _columns(table, False) + term.fts() if exact_only else _forms(term, language, table)

    expr = " AND ".join("(" + " OR ".join(one(t) for t in g) + ")" for g in wanted)
    if unwanted:
        expr = f"({expr}) NOT (" + " OR ".join(_forms(t, None, table) for t in unwanted) + ")"
    return expr


@lru_cache(maxsize=1024)  # one query is analysed once, not per statement or per row
def match_expression(query: str | None, language: str | None = None,
                     table: str | None = None) -> str:
    """Every form of the query's words: the exact form, its stems, its simplified Chinese.
    `language` narrows the stems to one language; `table` names the FTS table searched."""
    return _expression(parse(query), language, table, exact_only=False)


@lru_cache(maxsize=1024)  # one query is analysed once, not per statement or per row
def exact_expression(query: str | None, table: str | None = None) -> str:
    """The query's words in the forms typed only (exclusions still in every form)."""
    return _expression(parse(query), None, table, exact_only=True)


@lru_cache(maxsize=1024)  # one query is analysed once, not per statement or per row
def exclusion_expression(query: str | None, table: str | None = None) -> str:
    """The excluded terms in every form, to drop a page whose other rows hold them."""
    unwanted = [g[0] for g in parse(query) if g[0].excluded]
    if not unwanted:
        return NOTHING
    return " OR ".join(_forms(t, None, table) for t in unwanted)


def marked_words(query: str | None, language: str | None) -> list[str]:
    """The phrases a snippet marks: the typed words and their stems in `language` (the
    page's), as a query string the highlighter reads."""
    words: list[str] = []
    for group in parse(query):
        for term in group:
            if term.excluded:
                continue
            words.append(term.phrase)
            if language_code(language):
                words += [p for p in stems(term, language) if len(p.replace(" ", "")) >= MARK_MIN]
    return list(dict.fromkeys(words))


@lru_cache(maxsize=1024)
def marking_query(query: str | None, language: str | None) -> str:
    return " ".join(f'"{w}"' for w in marked_words(query, language))
