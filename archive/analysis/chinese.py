"""Traditional and simplified Chinese found alike: both read as simplified in the stemmed
columns. OpenCC's character and phrase tables (opencc-python-reimplemented: pure Python, the
same data as the C++ OpenCC) do the conversion; t2s maps nearly one character to one, so the
positions of a phrase's characters are kept.
"""

from __future__ import annotations

from functools import cache

from opencc import OpenCC


@cache
def _converter() -> OpenCC:
    # Built once: reading OpenCC's dictionaries takes a few milliseconds. Never changed after.
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_converter().convert(text))
