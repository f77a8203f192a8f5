"""Migration 8: an older version's sections point into its own text instead of repeating it.

After migration 6, a version that is not the page's current one keeps its text, breadcrumb
and sections JSON, so its text was there twice (in `text` and in every section of
`sections`). Now `versions.sections` holds, for such a version, a compact list of spans:
`[[heading, level, start, length], ...]` where the section's text is `substr(text, start,
length)`, or `[heading, level, null, null, text]` for a section whose text the version's text
does not hold. The page_versions view spells the JSON back exactly as the store's json.dumps
spelt it, with SQLite's own functions only. A version whose sections cannot be spelt back so
(a level that is not a whole number, other keys) keeps its JSON as it was; the view passes
that through.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from archive.migrations.v6_compact import span

PAGE_VERSIONS_VIEW = """
CREATE VIEW page_versions AS
SELECT v.url, v.version, v.captured_at, v.capture_id, v.title,
    CASE WHEN v.in_pages THEN (SELECT text FROM pages p WHERE p.url = v.url) ELSE v.text END
        AS text,
    v.published, v.modified,
    CASE WHEN v.in_pages THEN (SELECT breadcrumb FROM pages p WHERE p.url = v.url)
        ELSE v.breadcrumb END AS breadcrumb,
    CASE WHEN v.in_pages THEN
        (SELECT '[' || coalesce(group_concat('{"heading": ' || json_quote(heading)
            || ', "level": ' || coalesce(level, 'null') || ', "text": ' || json_quote(text)
            || '}', ', '), '') || ']'
         FROM (SELECT heading, level, text FROM sections s WHERE s.page_url = v.url
               ORDER BY s.position))
    WHEN json_valid(v.sections) AND json_type(v.sections, '$[0]') = 'array' THEN
        (SELECT '[' || group_concat('{"heading": ' || json_quote(json_extract(j.value, '$[0]'))
            || ', "level": ' || coalesce(json_extract(j.value, '$[1]'), 'null')
            || ', "text": ' || json_quote(CASE WHEN json_array_length(j.value) > 4
                THEN json_extract(j.value, '$[4]')
                ELSE substr(v.text, json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'))
                END) || '}', ', ') || ']'
         FROM (SELECT value FROM json_each(v.sections) ORDER BY key) j)
    ELSE v.sections END AS sections,
    v.language, v.content_sha256, v.source
FROM versions v;
"""


def compact_sections(text: str | None, sections: list[dict[str, Any]]) -> str:
    """An older version's sections as spans of its `text` (the view spells them back)."""
    out: list[list[Any]] = []
    cursor = 0
    for s in sections:
        level, heading, own = s.get("level"), s.get("heading"), s.get("text")
        spellable = (
            list(s) == ["heading", "level", "text"]
            and (level is None or type(level) is int)
            and (heading is None or isinstance(heading, str))
            and (own is None or isinstance(own, str))
        )
        if not spellable:
            return json.dumps(sections, ensure_ascii=False)
        start, length, keep = span(text, own, cursor)
        if start is None:
            out.append([heading, level, None, None, keep])
        else:
            cursor = start - 1 + length
            out.append([heading, level, start, length])
    if not out:
        return "[]"
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def convert(conn: sqlite3.Connection) -> None:
    """Make the older versions' sections spans, checked through the new view before it stays."""
    conn.execute("DROP VIEW page_versions")
    conn.execute(
        "CREATE TEMP TABLE migration8_before AS SELECT rowid AS id, sections FROM versions "
        "WHERE NOT in_pages AND sections IS NOT NULL"
    )
    rows = conn.execute("SELECT rowid, text, sections FROM versions WHERE NOT in_pages")
    for rowid, text, sections in rows:
        try:
            items = json.loads(sections) if sections is not None else None
        except ValueError:
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            continue
        compact = compact_sections(text, items)
        if compact != sections:
            conn.execute("UPDATE versions SET sections = ? WHERE rowid = ?", (compact, rowid))
    conn.execute(PAGE_VERSIONS_VIEW)
    wrong = conn.execute(
        "SELECT count(*) FROM temp.migration8_before b JOIN versions v ON v.rowid = b.id "
        "JOIN page_versions p ON p.url = v.url AND p.version = v.version "
        "WHERE p.sections IS NOT b.sections"
    ).fetchone()[0]
    conn.execute("DROP TABLE temp.migration8_before")
    if wrong:
        raise RuntimeError(f"migration 8: {wrong} versions would not read back; nothing changed")


STEPS: list[str | Callable[[sqlite3.Connection], None]] = [convert]
