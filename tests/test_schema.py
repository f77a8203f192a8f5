"""The schema: declared in archive/schema.sql, applied idempotently, plain SQLite throughout."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive import search
from archive.declaration import declared_statements
from archive.schema import LATEST, PAGE_SIZE, ensure_schema, schema_version


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "archive.db")


def _master(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    return {(kind, name, " ".join(sql.split())) for kind, name, sql in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        "AND name NOT LIKE '%fts_%'")}


def test_a_new_archive_is_exactly_the_declared_schema(db: Database) -> None:
    ensure_schema(db)
    declared = sqlite3.connect(":memory:")
    for statement in declared_statements():
        declared.execute(statement)
    assert _master(db.conn) == _master(declared)
    assert schema_version(db) == LATEST
    for table in ("sites", "crawls", "frontier", "bodies", "captures", "pages", "sections",
                  "translations", "page_versions", "pages_fts", "sections_fts"):
        assert db[table].exists()


def test_ensure_schema_twice_changes_nothing(db: Database) -> None:
    ensure_schema(db)
    before = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    ensure_schema(db)
    assert db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == before
    assert db.execute("SELECT version FROM migrations").fetchall() == [(LATEST,)]


def test_no_table_view_index_or_trigger_calls_a_function_of_ours(db: Database) -> None:
    ensure_schema(db)
    plain = sqlite3.connect(db.conn.execute("PRAGMA database_list").fetchone()[2])
    builtin = {r[0] for r in plain.execute("SELECT name FROM pragma_function_list")}
    for (sql,) in plain.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"):
        code = re.sub(r"--[^\n]*", "", sql)
        called = {m.lower() for m in re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", code)}
        # Words before "(" that are SQL, not calls: table and column lists, types, fts5 args.
        known = {"table", "exists", "key", "references", "unique", "fts5", "on", "in", "as",
                 "values", "integer", "text", "index"}
        names = {r[1] for r in plain.execute("SELECT type, name FROM sqlite_master")}
        assert called - builtin - known - {n.lower() for n in names} == set(), sql
    assert not plain.execute("SELECT 1 FROM sqlite_master WHERE type IN ('view', 'trigger')"
                             ).fetchall()
    for (table,) in plain.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                  ).fetchall():
        plain.execute(f'SELECT * FROM "{table}"').fetchall()
    assert plain.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_fts_tables_have_the_columns_the_search_module_indexes(db: Database) -> None:
    ensure_schema(db)
    for table, columns in (("pages_fts", search.PAGES_FTS_COLUMNS),
                           ("sections_fts", search.SECTIONS_FTS_COLUMNS)):
        assert tuple(r[1] for r in db.execute(f"PRAGMA table_info({table})")) == columns


def test_the_database_is_in_wal_mode_with_foreign_keys_enforced(db: Database) -> None:
    ensure_schema(db)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError), db.conn:
        db.conn.execute(
            "INSERT INTO sections(page_url, position, heading, level, text) "
            "VALUES ('https://nowhere.example/', 1, NULL, 0, 'x')"
        )


def test_a_new_archive_has_16_kib_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    new = Database(tmp_path / "new.db")
    ensure_schema(new)
    assert new.execute("PRAGMA page_size").fetchone() == (PAGE_SIZE,) == (16384,)
    old = Database(tmp_path / "old.db")
    old.execute("PRAGMA page_size=4096")
    old.conn.execute("CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                     "applied_at TEXT NOT NULL)")
    ensure_schema(old)
    assert old.execute("PRAGMA page_size").fetchone() == (4096,)


def test_sites_keyed_by_host_become_sites_keyed_by_name_with_their_pages_joined(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    ensure_schema(old, upto=9)
    old.conn.execute("INSERT INTO sites(host, name, country, languages) VALUES "
                     "('ml.ambafrance.org', 'ml', 'Mali', '[\"fr\"]')")
    old.conn.execute("INSERT INTO pages(url, site, title) VALUES "
                     "('https://ml.ambafrance.org/a', 'ml', 'A'), "
                     "('http://127.0.0.1:8765/b', '127.0.0.1:8765', 'B')")
    old.conn.commit()
    old.close()
    db = Database(path)
    ensure_schema(db)
    assert db["sites"].pks == ["name"]
    joined = {r["title"]: (r["host"], r["hosts"]) for r in db.query(
        "SELECT p.title, s.host, s.hosts FROM pages p JOIN sites s ON s.name = p.site")}
    assert joined == {"A": ("ml.ambafrance.org", '["ml.ambafrance.org"]'),
                      "B": ("127.0.0.1:8765", '["127.0.0.1:8765"]')}


def test_opening_a_current_archive_takes_no_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    ensure_schema(Database(path))
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a crawl in the middle of a visit's transaction
    try:
        reader = Database(path)
        ensure_schema(reader)  # a lock attempt would wait out busy_timeout, then raise
        assert schema_version(reader) == LATEST
    finally:
        writer.execute("ROLLBACK")


def test_a_change_of_the_search_columns_is_applied_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = Database(path)
    ensure_schema(db)
    with db.conn:  # an index of an older analysis, with columns today's has not
        db.conn.execute("DROP TABLE sections_fts")
        db.conn.execute("CREATE VIRTUAL TABLE sections_fts USING fts5(heading, text, "
                        "heading_stem, content='')")
        db.conn.execute("UPDATE archive_meta SET value = 'old' WHERE key = 'search_index'")
    db.close()
    db = Database(path)
    ensure_schema(db)
    assert tuple(r[1] for r in db.execute("PRAGMA table_info(sections_fts)")) == (
        search.SECTIONS_FTS_COLUMNS)
