"""`pages`, `sections` and `page_versions` as tables that read, at 1,280 px and on a phone.

A page's text (or a section's) is shown as an excerpt of `EXCERPT` characters, the whole text
staying in the row page, the JSON and the downloads; text from a page sets its own direction
(`dir="auto"`), so an Arabic cell reads right to left with its punctuation where the script
puts it. Which columns a table shows first is data: `reader_columns` in metadata.yml, drawn
by templates/_table.html.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from archive.plugins import hookimpl, links

EXCERPT = 160  # characters: about two lines at 1,280 px, four on a phone
TEXT_TABLES = frozenset({"pages", "sections", "page_versions"})


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The start of `text` on one line, cut at a word, with … when cut.

    >>> excerpt("Le visa   est\\ndélivré en quinze jours.", 16)
    'Le visa est…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut) + links.ELLIPSIS


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Markup | None:
    if table not in TEXT_TABLES or not isinstance(value, str):
        return None
    if column == "text":
        return Markup(f'<span class="text-excerpt" dir="auto">{escape(excerpt(value))}</span>')
    if column == "heading":
        return Markup(f'<span dir="auto">{escape(links.label(value))}</span>')
    return None
