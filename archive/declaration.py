"""archive/schema.sql read as statements: today's shape, for whoever applies or compares it.

`archive.schema` applies it on every open, migration 12 makes a converted archive of it, and
`archive.search_index` makes the search tables anew from it when their columns change.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from importlib import resources


@cache
def declared_sql() -> str:
    """The text of archive/schema.sql, as packaged."""
    return resources.files("archive").joinpath("schema.sql").read_text(encoding="utf-8")


def statements(script: str) -> list[str]:
    r"""A script's statements one by one (executescript would commit the open transaction).

    >>> statements("-- a table\nCREATE TABLE t (x);\n\n-- and an index\nCREATE INDEX i ON t(x);")
    ['CREATE TABLE t (x);', 'CREATE INDEX i ON t(x);']
    """
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue  # comments and blank lines between statements belong to none of them
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def declared_statements() -> list[str]:
    """Every statement of archive/schema.sql, in order."""
    return statements(declared_sql())
