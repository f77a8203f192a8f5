"""Migration 11 compresses pages.text in place: every page, section and version reads the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from test_migrate_compact import _fill

from archive import textcodec
from archive.schema import ensure_schema, schema_version
from archive.search import fts_query

Snapshot = dict[str, list[Any]]
PAGE_COLUMNS = ("url", "site", "language", "title", "breadcrumb", "published", "published_year",
                "modified", "text", "first_seen", "last_seen", "last_changed", "capture_id")


def _snapshot(conn: sqlite3.Connection) -> Snapshot:
    return {
        "pages": conn.execute(
            f"SELECT rowid, {', '.join(PAGE_COLUMNS)} FROM pages ORDER BY url").fetchall(),
        "sections": conn.execute(
            "SELECT rowid, * FROM sections ORDER BY page_url, position").fetchall(),
        "page_versions": conn.execute(
            "SELECT * FROM page_versions ORDER BY url, version").fetchall(),
        "captures": conn.execute("SELECT * FROM captures ORDER BY id").fetchall(),
    }


@pytest.fixture
def archive_10(tmp_path: Path) -> tuple[Path, Snapshot]:
    """An archive of schema 10 (its text in pages.text), with history and odd texts."""
    path = tmp_path / "ten.db"
    db = Database(path)
    ensure_schema(db, upto=5)
    with db.conn:
        _fill(db.conn)
    ensure_schema(db, upto=10)
    assert schema_version(db) == 10
    before = _snapshot(db.conn)
    db.close()
    return path, before


def test_every_page_section_and_version_reads_the_same_after_the_migration(
    archive_10: tuple[Path, Snapshot],
) -> None:
    path, before = archive_10
    db = Database(path)
    ensure_schema(db)
    assert schema_version(db) == 11
    after = _snapshot(db.conn)
    for name, rows in before.items():
        assert after[name] == rows, name  # rowids included: pages_fts is keyed by them
    # the text is stored compressed once: no plain copy left in the table
    columns = {row[1]: row[6] for row in db.execute("PRAGMA table_xinfo(pages)")}
    assert columns["text"] == 2 and "text_z" in columns  # 2: a virtual generated column
    texts = db.execute("SELECT text, text_z FROM pages").fetchall()
    assert texts and all(textcodec.decompress_text(z) == text for text, z in texts)
    assert all(isinstance(z, bytes) for text, z in texts if text is not None)
    db.close()


def test_search_and_writes_work_on_the_migrated_archive(archive_10: tuple[Path, Snapshot]) -> None:
    path, _ = archive_10
    db = Database(path)
    ensure_schema(db)
    hits = db.execute(
        "SELECT p.url, p.text FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid "
        "WHERE pages_fts MATCH ?", [fts_query("guillemets revise 20")]).fetchall()
    assert len(hits) == 1 and hits[0][0].endswith("/Article-20") and "« ok »" in hits[0][1]
    hits = db.execute(
        "SELECT s.page_url FROM sections_fts JOIN sections s ON s.rowid = sections_fts.rowid "
        "WHERE sections_fts MATCH ?", [fts_query("revise 30")]).fetchall()
    assert hits == [("https://ml.ambafrance.org/Article-30",)]
    with db.conn:
        db.conn.execute("UPDATE pages SET text_z = ? WHERE url LIKE '%/Article-1'",
                        (textcodec.compress_text("Nouveau texte"),))
    assert db.execute("SELECT text FROM pages WHERE url LIKE '%/Article-1'").fetchone() == (
        "Nouveau texte",)
    db.close()


def test_a_failed_migration_leaves_the_archive_of_schema_10_untouched(
    archive_10: tuple[Path, Snapshot],
) -> None:
    path, before = archive_10
    db = Database(path)
    with db.conn:  # a text that is a blob, as no writer of ours made it: it cannot be encoded
        db.conn.execute("UPDATE pages SET text = x'c3a9' WHERE url LIKE '%/Vide'")
    changed = _snapshot(db.conn)
    with pytest.raises(sqlite3.OperationalError):
        ensure_schema(db)
    assert schema_version(db) == 10
    columns = [row[1] for row in db.execute("PRAGMA table_xinfo(pages)")]
    assert "text_z" not in columns and "text" in columns
    assert _snapshot(db.conn) == changed
    assert {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")} == {
        "sections", "page_versions"}
    assert changed["sections"] == before["sections"]
    db.close()


def test_without_the_function_sqlite_names_it_and_other_columns_still_read(
    archive_10: tuple[Path, Snapshot],
) -> None:
    path, before = archive_10
    db = Database(path)
    ensure_schema(db)
    db.close()
    plain = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="zstd_text"):
        plain.execute("SELECT text FROM pages").fetchall()
    assert plain.execute("SELECT url, title FROM pages ORDER BY url").fetchall() == [
        (row[1], row[4]) for row in before["pages"]]
    plain.close()
    with textcodec.connect(path) as conn:
        assert _snapshot(conn) == before
    conn.close()
