"""Text normalisation: the fast forms agree with the plain definitions, character by character."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.extract.text import norm, squash

INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\u200e\u200f"))
PIECES = ["a", "é", "e\u0301", " ", "\u00a0", "\u202f", "\n", "\t", "\u3000", "\u00ad", "\u200b",
          ":", "_", "٣", "²", "x"]


def _norm_by_definition(text: str, keep_nbsp: bool) -> str:
    text = unicodedata.normalize("NFC", text.translate(INVISIBLE))

    def space(m: re.Match[str]) -> str:
        return m.group() if keep_nbsp and m.group() in ("\u00a0", "\u202f") else " "

    return re.sub(r"\s+", space, text).strip()


texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join) | st.text(max_size=30)


@settings(max_examples=400, deadline=None)
@given(texts, st.booleans())
def test_norm_collapses_whitespace_as_defined(text: str, keep_nbsp: bool) -> None:
    assert norm(text, keep_nbsp=keep_nbsp) == _norm_by_definition(text, keep_nbsp)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_squash_keeps_exactly_the_letters_and_digits(text: str) -> None:
    assert squash(text) == "".join(c for c in norm(text).casefold() if c.isalnum())


def test_a_lone_no_break_space_stays_in_body_text_only() -> None:
    assert norm("volets\u00a0: la", keep_nbsp=True) == "volets\u00a0: la"
    assert norm("volets\u00a0: la") == "volets : la"
    assert norm("a\u00a0 b", keep_nbsp=True) == "a b"
