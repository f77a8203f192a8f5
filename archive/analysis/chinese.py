"""Traditional and simplified Chinese found alike: both read as simplified in the stemmed
columns. OpenCC's tables (opencc-python-reimplemented: pure Python, the data of the C++
OpenCC) convert each character, once; a text is then converted by `str.translate`, in C.

Character by character, not OpenCC's phrase by phrase: the whole-text conversion costs
12 ms for a 1,000-character page (most of the page's indexing), and the phrase table of t2s
matters where one traditional character has two simplified ones, which a search meets from
both sides in the same way (the query goes through this same function).
"""

from __future__ import annotations

from functools import cache

from opencc import OpenCC


@cache
def _converter() -> OpenCC:
    # Built once: reading OpenCC's dictionaries takes a few milliseconds. Never changed after.
    return OpenCC("t2s")


class _Simplified(dict[int, str]):
    """Code point -> its simplified character, filled on first use of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = out = str(_converter().convert(char)) if code >= 0x3400 else char
        return out


_TABLE = _Simplified()  # a memo of a pure function: what it holds never changes


def to_simplified(text: str) -> str:
    return text.translate(_TABLE)
