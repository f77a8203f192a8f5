"""Migration 6 converts an archive of the previous layout in place, every row read back the same."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from archive import store, textcodec
from archive.compress import TRAIN_AFTER
from archive.schema import ensure_schema, schema_version
from archive.search import fts_query, normalise

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


PAGE_COLUMNS = ("url, site, language, title, breadcrumb, published, modified, text, first_seen, "
                "last_seen, last_changed, gone_at, gone_status, capture_id, extractor, "
                "language_declared, language_detected, published_year")


def _snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    conn = db.conn
    return {
        # pages' columns of schema 5 (migration 11 moves text after text_z)
        "pages": conn.execute(f"SELECT {PAGE_COLUMNS} FROM pages ORDER BY url").fetchall(),
        "sections": conn.execute(
            "SELECT rowid, page_url, position, heading, level, text FROM sections "
            "ORDER BY page_url, position").fetchall(),
        "page_versions": conn.execute(
            "SELECT * FROM page_versions ORDER BY url, version").fetchall(),
        "captures": conn.execute("SELECT * FROM captures ORDER BY id").fetchall(),
        "translations": conn.execute("SELECT * FROM translations").fetchall(),
    }


@pytest.fixture
def old_archive(tmp_path: Path) -> tuple[Path, dict[str, list[tuple[Any, ...]]], dict[str, bytes]]:
    path = tmp_path / "old.db"
    db = Database(path)
    ensure_schema(db, upto=5)
    with db.conn:
        _fill(db.conn)
    bodies = {sha: zlib.decompress(blob)
              for sha, blob in db.conn.execute("SELECT sha256, compressed FROM bodies")}
    before = _snapshot(db)
    db.close()
    return path, before, bodies


def test_every_page_section_version_and_body_survives_the_migration_byte_for_byte(
    old_archive: tuple[Path, dict[str, list[tuple[Any, ...]]], dict[str, bytes]],
) -> None:
    path, before, bodies = old_archive
    db = Database(path)
    ensure_schema(db)
    assert schema_version(db) >= 6
    after = _snapshot(db)
    for name, rows in before.items():
        # page_versions gained nothing, lost nothing: same columns, same order, same values
        assert after[name] == rows, name
    assert len(before["page_versions"]) == TRAIN_AFTER + 10 + 6 + 2
    for sha, body in bodies.items():
        assert store.capture_body(db, sha) == body
    # the conversion did compact: one text copy, the host's bodies with a dictionary
    copies = db.execute("SELECT count(*) FROM versions WHERE text IS NOT NULL").fetchone()[0]
    # the six older versions, and the singular page's one version, which its page row no
    # longer equals; none of the other current versions
    assert copies == 7
    spans = db.execute("SELECT count(*) FROM versions WHERE sections LIKE '[[%'").fetchone()
    assert spans == (7,)  # every older version's sections point into its own text
    kept = db.execute("SELECT text FROM section_spans WHERE text IS NOT NULL").fetchall()
    assert kept == [("ailleurs",)]  # the one section its page's text does not hold
    hosts = db.execute("SELECT host, count(dictionary_id) FROM bodies GROUP BY host").fetchall()
    assert hosts == [("ml.ambafrance.org", len(bodies))]
    old_size = sum(len(zlib.compress(b, 6)) for b in bodies.values())
    new_size = db.execute("SELECT sum(length(compressed)) FROM bodies").fetchone()[0]
    assert new_size < old_size / 3


def test_search_still_finds_pages_and_sections_after_the_migration(
    old_archive: tuple[Path, dict[str, list[tuple[Any, ...]]], dict[str, bytes]],
) -> None:
    path, _, _ = old_archive
    db = Database(path)
    ensure_schema(db)
    hits = db.execute(
        "SELECT s.page_url, s.text FROM sections_fts JOIN sections s ON s.rowid = sections_fts.rowid "
        "WHERE sections_fts MATCH ?", [fts_query("revise 20")]).fetchall()
    assert hits == [("https://ml.ambafrance.org/Article-20", "Texte révisé 20")]
    hits = db.execute(
        "SELECT p.url FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid "
        "WHERE pages_fts MATCH ?", [fts_query("安全 cooperation")]).fetchall()
    assert hits == []  # the old versions' words are not the current text's
    hits = db.execute("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH ?",
                      [fts_query("guillemets")]).fetchone()
    assert hits == (6,)


def test_the_migrated_archive_is_read_with_one_pure_function_and_migrates_only_once(
    old_archive: tuple[Path, dict[str, list[tuple[Any, ...]]], dict[str, bytes]],
) -> None:
    path, before, _ = old_archive
    db = Database(path)
    ensure_schema(db)
    schema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    ensure_schema(db)
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    db.close()
    # none of our functions but zstd_text(), which pages.text is generated with (migration 11)
    plain = textcodec.connect(path)
    assert plain.execute("SELECT * FROM page_versions ORDER BY url, version").fetchall() == (
        before["page_versions"])
    assert plain.execute("SELECT count(*) FROM sections").fetchone()[0] == len(before["sections"])
    plain.close()


def test_a_migration_that_fails_a_check_leaves_the_old_archive_untouched(
    old_archive: tuple[Path, dict[str, list[tuple[Any, ...]]], dict[str, bytes]],
) -> None:
    path, before, _ = old_archive
    db = Database(path)
    with db.conn:  # a body that is not zlib: its conversion fails half way
        db.conn.execute("UPDATE bodies SET compressed = x'00' WHERE rowid = 30")
    with pytest.raises(zlib.error):
        ensure_schema(db)
    assert schema_version(db) == 5
    assert db["sections"].exists() and not db["section_spans"].exists()
    assert _snapshot(db) == before
