"""The library API: opening an archive refuses what is not ours, with named exceptions."""

import hashlib
import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from archive import (
    ArchiveError,
    ArchiveMissing,
    ForeignDatabase,
    LockHeld,
    NotAnArchive,
    open_archive,
    store,
)
from archive.lock import crawl_lock
from scraper.models import Capture, Page, Section


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_archive_is_created_with_its_tables(tmp_path):
    with open_archive(tmp_path / "a.db") as archive:
        tables = set(archive.db.table_names()) | set(archive.db.view_names())
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


def save(archive, url: str, page: Page, fetched_at: str) -> None:
    capture = Capture(url=url, fetched_at=fetched_at, status=200, content_type="text/html",
                      body=f"<html><title>{page.title}</title></html>".encode())
    capture_id = store.save_capture(archive.db, capture, None, "new")
    store.save_extraction(archive.db, page, capture_id, "x", fetched_at)
    archive.db.conn.commit()


def test_reads_return_plain_rows_with_json_decoded(tmp_path):
    a = Page(url="https://x.org/a", title="Titre", breadcrumb=["Accueil", "Actualités"],
             sections=[Section(None, 0, "Chapeau."), Section("Deux", 3, "Suite.")],
             text="Chapeau.\n\nDeux\n\nSuite.", published=date(2024, 5, 1), language="fr",
             translations={"en": "https://x.org/b"})
    b = Page(url="https://x.org/b", title="Title", text="Body.", published=date(2023, 1, 2),
             language="en")
    with open_archive(tmp_path / "a.db") as archive:
        save(archive, a.url, a, "2026-11-01T00:00:00Z")
        save(archive, b.url, b, "2026-11-01T00:00:01Z")
        save(archive, a.url, replace(a, title="Titre revu"), "2026-11-02T00:00:00Z")
        assert [p["url"] for p in archive.pages()] == ["https://x.org/a", "https://x.org/b"]
        assert [p["url"] for p in archive.pages(language="en")] == ["https://x.org/b"]
        page = archive.page(a.url)
        assert page is not None and page["breadcrumb"] == ["Accueil", "Actualités"]
        assert page["title"] == "Titre revu"
        assert [s["heading"] for s in page["sections"]] == [None, "Deux"]
        assert page["translations"] == {"en": "https://x.org/b"}
        assert [v["title"] for v in archive.versions(a.url)] == ["Titre", "Titre revu"]
        captures = archive.captures(a.url)
        assert len(captures) == 2
        assert archive.body(captures[0]["sha256"]) == b"<html><title>Titre</title></html>"
        assert archive.page("https://x.org/none") is None
