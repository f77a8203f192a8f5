"""Archives as older releases wrote them, for the conversion tests (tests/test_convert.py).

The rows are written with the SQL of schema 5 (zlib bodies, sections and page_versions as
tables, text three times); `ensure_schema(db, upto=N)` then takes them through the released
migrations to schema N, as an archive that lived through those releases would be.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from typing import Any

from archive.compress import TRAIN_AFTER
from archive.search import normalise

TEMPLATE = "<nav>" + "".join(f'<a href="/-R{i}-">Rubrique {i}</a>' for i in range(300)) + "</nav>"
# Quotes, backslashes, control characters and scripts that JSON must spell exactly as before.
ODD = 'Citation « ok » "entre guillemets" \\ barre\nligne\ttab \x01 \u2028 سلام 安全'


def _old_body(conn: sqlite3.Connection, url: str, when: str) -> int:
    html = f"<html><body>{TEMPLATE}<p>{url} {when}</p></body></html>".encode()
    sha = hashlib.sha256(html).hexdigest()
    conn.execute("INSERT OR IGNORE INTO bodies VALUES (?, ?, ?)",
                 (sha, len(html), zlib.compress(html, 6)))
    cur = conn.execute(
        "INSERT INTO captures(url, crawl_id, fetched_at, status, content_type, size, sha256, "
        "outcome, headers) VALUES (?, 1, ?, 200, 'text/html', ?, ?, 'new', '{}')",
        (url, when, len(html), sha))
    return int(cur.lastrowid or 0)


def _old_page(conn: sqlite3.Connection, url: str, versions: list[dict[str, Any]]) -> None:
    """One page as the previous store left it: the last version in pages and sections."""
    ids = [_old_body(conn, url, v["when"]) for v in versions]
    crumb = json.dumps(["Accueil", "Actualités"], ensure_ascii=False)
    last = versions[-1]
    rowid = conn.execute(
        "INSERT INTO pages(url, site, language, title, breadcrumb, published, published_year, "
        "text, first_seen, last_seen, last_changed, capture_id) "
        "VALUES (?, 'ml', 'fr', ?, ?, '2011-07-04', 2011, ?, ?, ?, ?, ?)",
        (url, last["title"], crumb, last["text"], versions[0]["when"], last["when"],
         last["when"], ids[-1])).lastrowid
    conn.execute("INSERT INTO pages_fts(rowid, title, text) VALUES (?, ?, ?)",
                 (rowid, normalise(last["title"]), normalise(last["text"])))
    for position, s in enumerate(last["sections"], start=1):
        srow = conn.execute("INSERT INTO sections VALUES (?, ?, ?, ?, ?)",
                            (url, position, s["heading"], s["level"], s["text"])).lastrowid
        conn.execute("INSERT INTO sections_fts(rowid, heading, text) VALUES (?, ?, ?)",
                     (srow, normalise(s["heading"]), normalise(s["text"])))
    for number, (v, cid) in enumerate(zip(versions, ids, strict=True), start=1):
        sections = json.dumps(v["sections"], ensure_ascii=False)
        conn.execute(
            "INSERT INTO page_versions(url, version, captured_at, capture_id, title, text, "
            "published, modified, breadcrumb, sections, language, content_sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, '2011-07-04', NULL, ?, ?, 'fr', ?)",
            (url, number, v["when"], cid, v["title"], v["text"], crumb, sections,
             hashlib.sha256(sections.encode()).hexdigest()))


def _version(when: str, title: str, parts: list[tuple[str | None, str]]) -> dict[str, Any]:
    sections = [{"heading": h, "level": 2 if h else 0, "text": t} for h, t in parts]
    text = "\n\n".join(p for h, t in parts for p in (h, t) if p)
    return {"when": when, "title": title, "text": text, "sections": sections}


def _fill(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO crawls(id, started_at, status) VALUES (1, '2020', 'done')")
    for n in range(TRAIN_AFTER + 10):  # enough bodies on one host for a dictionary
        url = f"https://ml.ambafrance.org/Article-{n}"
        versions = [_version("2020-01-01T00:00:00Z", f"Sécurité {n}",
                             [(None, f"La coopération {n}"), ("LE CONTEXTE", f"Le contexte {n}")])]
        if n % 10 == 0:  # pages with history, and texts JSON must spell exactly
            versions.append(_version("2021-03-01T00:00:00Z", f"Sécurité {n} (mise à jour)",
                                     [(None, ODD), ("الأمن", f"Texte révisé {n}")]))
        _old_page(conn, url, versions)
    # A section whose text the page text does not hold (an older extractor wrote it so), one
    # with no text at all, and a page with no sections.
    url = "https://ml.ambafrance.org/Singuliere"
    _old_page(conn, url, [_version("2020-02-02T00:00:00Z", "Singulière", [(None, "ailleurs")])])
    conn.execute("UPDATE pages SET text = 'autre chose' WHERE url = ?", (url,))
    conn.execute("INSERT INTO sections VALUES (?, 2, 'SANS TEXTE', 2, '')", (url,))
    conn.execute("INSERT INTO sections VALUES (?, 3, 'NUL', 2, NULL)", (url,))
    _old_page(conn, "https://ml.ambafrance.org/Vide",
              [_version("2020-02-02T00:00:00Z", "Vide", [])])
