"""The library API: opening an archive refuses what is not ours, with named exceptions."""

import hashlib
import sqlite3

import pytest

from archive import (
    ArchiveError,
    ArchiveMissing,
    ForeignDatabase,
    LockHeld,
    NotAnArchive,
    open_archive,
)
from archive.lock import crawl_lock


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_archive_is_created_with_its_tables(tmp_path):
    with open_archive(tmp_path / "a.db") as archive:
        tables = set(archive.db.table_names())
    assert {"sites", "pages", "sections", "translations", "page_versions", "captures",
            "crawls"} <= tables


def test_a_missing_archive_is_not_created_when_asked_not_to(tmp_path):
    with pytest.raises(ArchiveMissing, match="no database at"):
        open_archive(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(ArchiveMissing, match="does not exist"):
        open_archive(tmp_path / "no" / "such" / "a.db")


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 100)
    before = digest(path)
    with pytest.raises(NotAnArchive, match="not an embassy-archive database"):
        open_archive(path)
    assert digest(path) == before


def test_another_applications_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)")
        conn.execute("INSERT INTO orders(item) VALUES ('tea')")
    before = digest(path)
    with pytest.raises(ForeignDatabase, match="another application") as caught:
        open_archive(path)
    assert isinstance(caught.value, NotAnArchive) and isinstance(caught.value, ArchiveError)
    assert digest(path) == before
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["orders"]


def test_a_locked_archive_holds_its_lock_until_closed(tmp_path):
    path = tmp_path / "a.db"
    archive = open_archive(path, lock=True)
    assert archive.locked
    with pytest.raises(LockHeld, match="holds the lock"):
        open_archive(path, lock=True)
    archive.close()
    with open_archive(path, lock=True) as again:
        assert again.locked


def test_the_lock_is_taken_before_the_schema_is_applied(tmp_path):
    path = tmp_path / "new.db"
    with crawl_lock(path), pytest.raises(LockHeld):
        open_archive(path, lock=True)
    assert not path.exists()  # the second opener touched nothing


def test_reads_return_plain_rows_with_json_decoded(tmp_path):
    with open_archive(tmp_path / "a.db") as archive:
        archive.db.conn.execute(
            "INSERT INTO pages(url, site, language, title, breadcrumb, published) "
            "VALUES ('https://x.org/a', 'x', 'fr', 'Titre', '[\"Accueil\", \"Actualités\"]', '2024-05-01')"
        )
        archive.db.conn.execute(
            "INSERT INTO pages(url, site, language, title, breadcrumb, published) "
            "VALUES ('https://x.org/b', 'x', 'en', 'Title', '[]', '2023-01-02')"
        )
        archive.db.conn.execute(
            "INSERT INTO sections(page_url, position, heading, level, text) VALUES "
            "('https://x.org/a', 1, 'Deux', 3, 'b'), ('https://x.org/a', 0, NULL, 0, 'a')"
        )
        archive.db.conn.commit()
        assert [p["url"] for p in archive.pages()] == ["https://x.org/a", "https://x.org/b"]
        assert [p["url"] for p in archive.pages(language="en")] == ["https://x.org/b"]
        page = archive.page("https://x.org/a")
        assert page is not None and page["breadcrumb"] == ["Accueil", "Actualités"]
        assert [s["heading"] for s in page["sections"]] == [None, "Deux"]
        assert archive.page("https://x.org/none") is None
