"""Older archives converted in place to the declared schema: every page, version, capture and
body kept, each row read back as it read before, the file open to any SQLite reader after."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from legacy_archives import _fill
from sqlite_utils import Database

from archive import store
from archive.errors import NotAnArchive
from archive.schema import LATEST, ensure_schema, schema_version

Snapshot = dict[str, Any]
PAGE = ("url, site, language, title, breadcrumb, published, published_year, modified, text, "
        "first_seen, last_seen, last_changed, gone_at, gone_status, capture_id")
VERSION = ("url, version, captured_at, capture_id, title, text, published, modified, breadcrumb, "
           "sections, language, content_sha256")


def _snapshot(conn: sqlite3.Connection) -> Snapshot:
    """What a reader sees, through whatever tables or views the schema of the moment has."""
    bodies = {}
    for (sha,) in conn.execute("SELECT sha256 FROM bodies"):
        body = store.capture_body(conn, sha) if _has(conn, "dictionary_id") else None
        if body is None:  # schema 5: zlib, no dictionaries
            import zlib
            blob = conn.execute("SELECT compressed FROM bodies WHERE sha256 = ?", (sha,))
            body = zlib.decompress(blob.fetchone()[0])
        bodies[sha] = hashlib.sha256(body).hexdigest()
    return {
        "pages": conn.execute(f"SELECT {PAGE} FROM pages ORDER BY url").fetchall(),
        "sections": conn.execute("SELECT page_url, position, heading, level, text FROM sections "
                                 "ORDER BY page_url, position").fetchall(),
        "versions": conn.execute(
            f"SELECT {VERSION} FROM page_versions ORDER BY url, version").fetchall(),
        "captures": conn.execute("SELECT id, url, fetched_at, status, sha256, outcome "
                                 "FROM captures ORDER BY id").fetchall(),
        "bodies": bodies,
    }


def _has(conn: sqlite3.Connection, column: str) -> bool:
    return any(r[1] == column for r in conn.execute("PRAGMA table_info(bodies)"))


@pytest.fixture(scope="module")
def schema_5(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Snapshot]:
    """An archive of schema 5 with history, odd texts and enough bodies for a dictionary."""
    path = tmp_path_factory.mktemp("old") / "five.db"
    db = Database(path)
    ensure_schema(db, upto=5)
    with db.conn:
        _fill(db.conn)
    before = _snapshot(db.conn)
    db.close()
    return path, before


def _copy_at(schema_5: tuple[Path, Snapshot], tmp_path: Path, version: int) -> Path:
    path = tmp_path / f"schema{version}.db"
    src = sqlite3.connect(schema_5[0])
    src.execute(f"VACUUM INTO '{path}'")
    src.close()
    db = Database(path)
    ensure_schema(db, upto=version)
    assert schema_version(db) == version
    db.close()
    return path


@pytest.mark.parametrize("version", [5, 10, 11])
def test_an_archive_of_each_older_schema_converts_with_every_row_kept(
    schema_5: tuple[Path, Snapshot], tmp_path: Path, version: int
) -> None:
    path = _copy_at(schema_5, tmp_path, version)
    lines: list[str] = []
    db = Database(path)
    ensure_schema(db, progress=lines.append)
    assert schema_version(db) == LATEST
    db.close()
    plain = sqlite3.connect(path)  # nothing registered: the converted file is open to all
    after = _snapshot(plain)
    before = schema_5[1]
    for name in ("pages", "sections", "versions", "captures", "bodies"):
        assert after[name] == before[name], name
    # every version now has its time address, its capture time's 14 digits
    ats = plain.execute("SELECT at, captured_at FROM page_versions").fetchall()
    assert ats and all(at == "".join(c for c in when if c.isdigit()) for at, when in ats)
    assert plain.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert plain.execute("PRAGMA foreign_key_check").fetchall() == []
    plain.close()
    assert lines and "converting" in lines[0]


def test_a_converted_archive_has_the_shape_of_a_new_one(
    schema_5: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    path = _copy_at(schema_5, tmp_path, 11)
    ensure_schema(Database(path))
    fresh = Database(tmp_path / "fresh.db")
    ensure_schema(fresh)
    assert _shape(sqlite3.connect(path)) == _shape(fresh.conn)


def _shape(conn: sqlite3.Connection) -> dict[str, Any]:
    """Tables with their columns, keys and indexes; views and triggers (none is expected)."""
    shape: dict[str, Any] = {}
    for kind, name in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ):
        if kind == "table":
            shape[name] = (
                [tuple(r) for r in conn.execute(f'PRAGMA table_xinfo("{name}")')],
                sorted(tuple(r[2:]) for r in conn.execute(f'PRAGMA foreign_key_list("{name}")')),
            )
        elif kind == "index":
            shape[name] = [tuple(r) for r in conn.execute(f'PRAGMA index_xinfo("{name}")')]
        else:
            shape[name] = kind
    return shape


def test_search_finds_the_converted_pages_and_sections(
    schema_5: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    path = _copy_at(schema_5, tmp_path, 11)
    db = Database(path)
    ensure_schema(db)
    found = db.execute("SELECT p.url FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid "
                       "WHERE pages_fts MATCH '\"securite 7\"'").fetchall()
    assert found == [("https://ml.ambafrance.org/Article-7",)]
    found = db.execute("SELECT s.page_url FROM sections_fts JOIN sections s "
                       "ON s.id = sections_fts.rowid WHERE sections_fts MATCH '\"revise 20\"'")
    assert found.fetchall() == [("https://ml.ambafrance.org/Article-20",)]


def test_a_failed_conversion_leaves_the_archive_as_it_was(
    schema_5: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    path = _copy_at(schema_5, tmp_path, 11)
    conn = sqlite3.connect(path)
    # A damaged archive: a version of a page that is not there (foreign keys were off).
    conn.execute("INSERT INTO versions(url, version, captured_at, content_sha256) "
                 "VALUES ('https://ml.ambafrance.org/Lost', 1, '2020-01-01T00:00:00Z', 'x')")
    conn.commit()
    conn.close()
    db = Database(path)
    with pytest.raises(NotAnArchive, match="damaged archive"):
        ensure_schema(db)
    db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT max(version) FROM migrations").fetchone() == (11,)
    assert conn.execute("SELECT type FROM sqlite_master WHERE name = 'section_spans'").fetchone()
    conn.close()


def test_an_archive_of_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    db = Database(tmp_path / "future.db")
    ensure_schema(db)
    with db.conn:
        db.conn.execute("INSERT INTO migrations VALUES (?, 'from the future', '2030')",
                        (LATEST + 1,))
    db.close()
    before = (tmp_path / "future.db").read_bytes()
    db = Database(tmp_path / "future.db")
    with pytest.raises(Exception, match="newer embassy-archive"):
        ensure_schema(db)
    db.close()
    assert (tmp_path / "future.db").read_bytes() == before


def test_json_of_converted_versions_reads_as_the_store_writes_it(
    schema_5: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    path = _copy_at(schema_5, tmp_path, 11)
    ensure_schema(Database(path))
    conn = sqlite3.connect(path)
    for (sections,) in conn.execute("SELECT sections FROM page_versions"):
        items = json.loads(sections)
        assert json.dumps(items, ensure_ascii=False) == sections
    conn.close()
