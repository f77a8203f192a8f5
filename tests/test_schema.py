"""The schema: idempotent, migrated in place from older versions with the data kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive.schema import LATEST, MIGRATIONS, ensure_schema, schema_version


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "archive.db")


def test_a_new_database_gets_every_table_of_the_design(db: Database) -> None:
    ensure_schema(db)
    # sections and page_versions are views over compact tables (archive.compact)
    names = set(db.table_names()) | set(db.view_names())
    for table in ("sites", "crawls", "frontier", "bodies", "captures", "pages", "sections",
                  "translations", "page_versions", "pages_fts", "sections_fts", "migrations"):
        assert table in names
    assert schema_version(db) == LATEST == MIGRATIONS[-1][0]


def test_ensure_schema_twice_changes_nothing_and_records_each_migration_once(db: Database) -> None:
    ensure_schema(db)
    before = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    ensure_schema(db)
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == before
    versions = [r[0] for r in db.execute("SELECT version FROM migrations ORDER BY version")]
    assert versions == [m[0] for m in MIGRATIONS]


def test_the_database_is_in_wal_mode_with_foreign_keys_enforced(db: Database) -> None:
    ensure_schema(db)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError), db.conn:
        db.conn.execute(
            "INSERT INTO section_spans(page_url, position, heading, level, text) "
            "VALUES ('https://nowhere.example/', 1, NULL, 0, 'x')"
        )


def test_an_older_database_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    ensure_schema(old, upto=1)
    assert schema_version(old) == 1
    with old.conn:
        old.conn.execute("INSERT INTO crawls(id, started_at, status) VALUES (1, '2020', 'done')")
        old.conn.execute(
            "INSERT INTO pages(url, site, language, title, published, text) VALUES "
            "('https://fr.example/a', 'fr.example', 'fr', 'Sécurité intérieure', "
            "'2019-05-04', 'La coopération technique')"
        )
        old.conn.execute(
            "INSERT INTO sections(page_url, position, heading, level, text) VALUES "
            "('https://fr.example/a', 1, 'LA COOPERATION', 2, 'opérationnelle')"
        )
    old.conn.close()

    db = Database(path)
    ensure_schema(db)
    assert schema_version(db) == LATEST
    row = db.execute("SELECT title, text, published_year FROM pages").fetchone()
    assert row == ("Sécurité intérieure", "La coopération technique", 2019)
    assert db.execute("SELECT count(*) FROM crawls").fetchone()[0] == 1
    # the migration indexed the pages that were already there
    hits = db.execute("SELECT rowid FROM pages_fts WHERE pages_fts MATCH '\"securite\"'")
    assert len(hits.fetchall()) == 1
    hits = db.execute("SELECT rowid FROM sections_fts WHERE sections_fts MATCH 'operationnelle'")
    assert len(hits.fetchall()) == 1


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    db = Database(tmp_path / "half.db")
    ensure_schema(db, upto=1)
    # A column that migration 2 adds already exists: migration 2 must fail as a whole.
    with db.conn:
        db.conn.execute("ALTER TABLE pages ADD COLUMN published_year INTEGER")
    with pytest.raises(sqlite3.OperationalError):
        ensure_schema(db)
    assert schema_version(db) == 1
    assert not db["page_versions"].exists()
    assert "extractor" not in db["pages"].columns_dict


def test_plain_sqlite_without_our_functions_can_read_and_search_the_archive(db: Database) -> None:
    ensure_schema(db)
    conn = sqlite3.connect(db.conn.execute("PRAGMA database_list").fetchone()[2])
    conn.execute("SELECT * FROM pages_fts WHERE pages_fts MATCH 'x'").fetchall()
    conn.execute("SELECT * FROM pages").fetchall()
    conn.close()


def test_sites_keyed_by_host_become_sites_keyed_by_name_with_their_pages_joined(tmp_path):
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
