"""The store API the crawl loop calls: real SQLite files, one transaction per URL."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import zstandard
from sqlite_utils import Database

from archive import frontier, store
from archive.rebuild import reextract
from archive.schema import ensure_schema
from archive.search import fts_query
from scraper.models import Capture, Page, Section, Site

URL = "https://fr.example.org/Le-Service-de-Securite-Interieure-42"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "archive.db")
    ensure_schema(database)
    return database


def html(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><p>{title}</p></body></html>".encode()


def capture(url: str = URL, when: str = "2024-01-01T00:00:00Z", body: bytes | None = None,
            status: int | None = 200, content_type: str = "text/html; charset=utf-8",
            **kw: Any) -> Capture:
    return Capture(url=url, fetched_at=when, status=status, body=body,
                   content_type=content_type if body else None, **kw)


def page(title: str = "Le Service de Securité Intérieure", text: str = "La coopération",
         **kw: object) -> Page:
    sections = [Section("LA COOPERATION TECHNIQUE", 2, text)]
    return Page(url=URL, title=title, text=text, sections=sections, language="fr", **kw)  # type: ignore[arg-type]


def matches(db: Database, table: str, query: str) -> int:
    sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ?"
    return int(db.execute(sql, [fts_query(query)]).fetchone()[0])


def test_save_site_inserts_then_updates_the_site_under_its_name(db: Database) -> None:
    with db.conn:
        frontier.save_site(db, Site("ma", ("ma.ambafrance.org",), ("https://ma.ambafrance.org/",),
                                 "Maroc", ("fr", "ar")))
        frontier.save_site(db, Site("ma", ("ma.ambafrance.org", "www.ambafrance-ma.org"), (),
                                 "Maroc", ("fr", "ar", "en")))
    rows = list(db.query("SELECT * FROM sites"))
    assert rows == [{"name": "ma", "host": "ma.ambafrance.org",
                     "hosts": '["ma.ambafrance.org", "www.ambafrance-ma.org"]',
                     "country": "Maroc", "languages": '["fr", "ar", "en"]'}]


def test_sites_join_pages_on_the_name_pages_hold(db: Database) -> None:
    with db.conn:
        frontier.save_site(db, Site("ma", ("ma.ambafrance.org",), (), "Maroc", ("fr",)))
        cid = store.save_capture(db, capture(), None, "new")
        store.save_extraction(db, page(), cid, "ma", "2024-01-01T00:00:00Z")
    [row] = db.query("SELECT p.url, s.country FROM pages p JOIN sites s ON s.name = p.site")
    assert row["country"] == "Maroc"


def test_a_crawl_runs_is_found_interrupted_and_finishes_with_its_counts(db: Database) -> None:
    with db.conn:
        first = frontier.start_crawl(db, ["ma.ambafrance.org"])
        frontier.finish_crawl(db, first, "done", {})
        second = frontier.start_crawl(db, ["ma.ambafrance.org"])
    assert frontier.resumable_crawl(db, ["ma.ambafrance.org"]) == second
    with db.conn:
        frontier.interrupt_crawl(db, second, {"fetched": 3, "new": 2})
    row = db.table("crawls").get(second)
    assert (row["status"], row["fetched"], row["new"], row["failed"]) == ("interrupted", 3, 2, 0)
    assert row["finished_at"] is not None
    # Interrupted, it waits for a crawl of its own sites, and no other.
    assert frontier.resumable_crawl(db, ["ma.ambafrance.org"]) == second
    assert frontier.resumable_crawl(db, ["eg.ambafrance.org"]) is None
    assert frontier.waiting_crawls(db, ["eg.ambafrance.org"]) == [(second, ["ma.ambafrance.org"])]
    with db.conn:
        frontier.finish_crawl(db, second, "done", {"fetched": 5})
    assert frontier.resumable_crawl(db, ["ma.ambafrance.org"]) is None


def test_crawl_counts_are_recomputed_from_the_captures_of_that_crawl(db: Database) -> None:
    with db.conn:
        crawl = frontier.start_crawl(db, ["s"])
        other = frontier.start_crawl(db, ["s"])
        for i, outcome in enumerate(["new", "new", "changed", "not_modified", "unchanged",
                                     "document", "gone", "failed", "skipped"]):
            store.save_capture(db, capture(url=f"{URL}/{i}"), crawl, outcome)
        store.save_capture(db, capture(url=f"{URL}/x"), other, "new")
        late = store.save_capture(db, capture(url=f"{URL}/late"), crawl)
        store.set_outcome(db, late, "changed")
    assert frontier.crawl_counts(db, crawl) == {
        "fetched": 9, "new": 2, "changed": 2, "unchanged": 2, "failed": 1, "documents": 1,
        "gone": 1, "skipped": 1,
    }


def test_the_frontier_is_first_in_first_out_and_ignores_urls_it_holds(db: Database) -> None:
    with db.conn:
        crawl = frontier.start_crawl(db, ["a", "b"])
        assert frontier.frontier_add(db, crawl, "a", [("u3", 0, None), ("u1", 1, "u3")]) == 2
        assert frontier.frontier_add(db, crawl, "a", [("u1", 2, None), ("u2", 1, "u3")]) == 1
        frontier.frontier_add(db, crawl, "b", [("v1", 0, None)])
    assert frontier.frontier_queued(db, crawl, "a", 10) == [
        ("u3", 0, None), ("u1", 1, "u3"), ("u2", 1, "u3")]
    assert frontier.frontier_queued(db, crawl, "a", 1) == [("u3", 0, None)]
    with db.conn:
        frontier.frontier_done(db, crawl, "u3", "done")
        frontier.frontier_done(db, crawl, "u1", "failed")
    assert frontier.frontier_queued(db, crawl, "a", 10) == [("u2", 1, "u3")]
    assert frontier.frontier_size(db, crawl, "a") == 3
    assert frontier.frontier_size(db, crawl, "b") == 1


def test_known_urls_lists_the_urls_of_that_site_that_got_an_answer(db: Database) -> None:
    with db.conn:
        crawl = frontier.start_crawl(db, ["a"])
        frontier.frontier_add(db, crawl, "a", [("https://a/1", 0, None), ("https://a/2", 1, None),
                                            ("https://a/doc.pdf", 1, None)])
        frontier.frontier_add(db, crawl, "b", [("https://b/1", 0, None)])
        store.save_capture(db, capture("https://a/1", body=b"x"), crawl, "new")
        store.save_capture(db, capture("https://a/doc.pdf", body=b"%PDF"), crawl, "document")
        store.save_capture(db, capture("https://a/2", status=None, error="timeout"), crawl)
        store.save_capture(db, capture("https://b/1", body=b"y"), crawl, "new")
    assert frontier.known_urls(db, "a") == ["https://a/1", "https://a/doc.pdf"]


def test_bodies_are_stored_once_compressed_and_read_back_whole(db: Database) -> None:
    body = html("Sécurité") * 50
    with db.conn:
        first = store.save_capture(db, capture(body=body, headers={"etag": '"v1"'}), None, "new")
        store.save_capture(db, capture(body=body, when="2024-02-01T00:00:00Z"), None, "unchanged")
    assert db.execute("SELECT count(*) FROM bodies").fetchone()[0] == 1
    size, compressed = db.execute("SELECT size, compressed FROM bodies").fetchone()
    assert size == len(body) and len(compressed) < len(body)
    # zstd, without a dictionary: this host has fewer bodies than a dictionary is trained on
    assert zstandard.ZstdDecompressor().decompress(compressed) == body
    assert store.capture_body(db, capture(body=body).sha256 or "") == body
    assert store.capture_body(db, "0" * 64) is None
    assert db.table("captures").get(first)["headers"] == '{"etag": "\\"v1\\""}'


def test_last_validators_come_from_the_newest_capture_with_status_200(db: Database) -> None:
    assert frontier.last_validators(db, URL) is None
    with db.conn:
        store.save_capture(db, capture(body=b"a", headers={"etag": "e1", "last-modified": "L1"}),
                           None)
        store.save_capture(db, capture(when="2024-03-01T00:00:00Z", body=b"b",
                                       headers={"etag": "e2"}), None)
        store.save_capture(db, capture(when="2024-04-01T00:00:00Z", status=503, body=b"busy"),
                           None)
    assert frontier.last_validators(db, URL) == {
        "etag": "e2", "last_modified": None, "sha256": capture(body=b"b").sha256}


def test_write_functions_leave_the_transaction_to_the_caller(db: Database, tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "archive.db")
    with pytest.raises(RuntimeError), db.conn:
        crawl = frontier.start_crawl(db, ["a"])
        cid = store.save_capture(db, capture(body=html("x")), crawl, "new")
        store.save_extraction(db, page(), cid, "a", "2024-01-01T00:00:00Z")
        # nothing is visible to another connection before the caller's block ends
        assert other.execute("SELECT count(*) FROM captures").fetchone()[0] == 0
        raise RuntimeError("killed half-way")
    for table in ("crawls", "captures", "bodies", "pages", "sections", "page_versions"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert matches(db, "pages_fts", "securite") == 0
    other.close()


def save(db: Database, p: Page, when: str) -> str:
    with db.conn:
        cid = store.save_capture(db, capture(when=when, body=html(p.title or "")), None)
        return store.save_extraction(db, p, cid, "fr.example.org", when)


def test_a_page_is_new_then_unchanged_then_changed_with_one_version_per_content(
    db: Database,
) -> None:
    assert save(db, page(published=date(2011, 7, 4)), "2024-01-01T00:00:00Z") == "new"
    assert save(db, page(published=date(2011, 7, 4)), "2024-02-01T00:00:00Z") == "unchanged"
    assert save(db, page(text="La coopération opérationnelle", published=date(2011, 7, 4)),
                "2024-03-01T00:00:00Z") == "changed"
    row = db.table("pages").get(URL)
    assert row["first_seen"] == "2024-01-01T00:00:00Z"
    assert row["last_seen"] == "2024-03-01T00:00:00Z"
    assert row["last_changed"] == "2024-03-01T00:00:00Z"
    assert (row["published"], row["published_year"], row["site"]) == ("2011-07-04", 2011,
                                                                     "fr.example.org")
    versions = list(db.query("SELECT version, captured_at, text FROM page_versions"))
    assert [(v["version"], v["captured_at"]) for v in versions] == [
        (1, "2024-01-01T00:00:00Z"), (2, "2024-03-01T00:00:00Z")]
    assert versions[1]["text"] == "La coopération opérationnelle"


def test_an_unchanged_page_keeps_its_last_changed_date(db: Database) -> None:
    save(db, page(), "2024-01-01T00:00:00Z")
    save(db, page(), "2024-05-01T00:00:00Z")
    row = db.table("pages").get(URL)
    assert (row["last_changed"], row["last_seen"]) == ("2024-01-01T00:00:00Z",
                                                       "2024-05-01T00:00:00Z")


def test_sections_translations_and_search_follow_the_latest_content(db: Database) -> None:
    save(db, page(text="Démarche technique", translations={"en": "https://x/en"}),
         "2024-01-01T00:00:00Z")
    save(db, page(title="Service de coopération", text="Opérationnelle",
                  translations={"ar": "https://x/ar"}), "2024-02-01T00:00:00Z")
    assert [r["text"] for r in db.query("SELECT text FROM sections")] == ["Opérationnelle"]
    assert list(db.query("SELECT language, url FROM translations")) == [
        {"language": "ar", "url": "https://x/ar"}]
    assert matches(db, "pages_fts", "demarche") == 0
    assert matches(db, "sections_fts", "demarche") == 0
    assert matches(db, "pages_fts", "operationnelle") == 1
    assert matches(db, "sections_fts", "OPÉRATIONNELLE") == 1
    assert matches(db, "pages_fts", "securite") == 0


def test_mark_gone_keeps_the_page_and_a_later_answer_brings_it_back(db: Database) -> None:
    save(db, page(), "2024-01-01T00:00:00Z")
    with db.conn:
        frontier.mark_gone(db, URL, 404, "2024-02-01T00:00:00Z")
        frontier.mark_gone(db, URL, 410, "2024-03-01T00:00:00Z")
    row = db.table("pages").get(URL)
    assert (row["gone_at"], row["gone_status"]) == ("2024-02-01T00:00:00Z", 404)
    with db.conn:
        frontier.mark_seen(db, URL, "2024-04-01T00:00:00Z")
    row = db.table("pages").get(URL)
    assert (row["gone_at"], row["last_seen"]) == (None, "2024-04-01T00:00:00Z")


def fake_extract(body: bytes, url: str, headers: dict[str, str], fetched_at: str) -> Page:
    text = body.decode()
    if "broken" in text:
        raise ValueError("cannot parse")
    title = text.split("<title>")[1].split("</title>")[0]
    return Page(url=url, title=title.upper(), text=title, sections=[Section(None, 0, title)])


def test_reextract_rebuilds_pages_and_versions_from_the_stored_captures(db: Database) -> None:
    with db.conn:
        crawl = frontier.start_crawl(db, ["fr.example.org"])
        frontier.frontier_add(db, crawl, "fr.example.org", [(URL, 0, None), ("https://b/", 0, None)])
        for when, body in [("2024-01-01T00:00:00Z", html("premier")),
                           ("2024-02-01T00:00:00Z", html("premier")),
                           ("2024-03-01T00:00:00Z", html("second"))]:
            cid = store.save_capture(db, capture(when=when, body=body), crawl)
            store.save_extraction(db, page(title="old"), cid, "fr.example.org", when)
        store.save_capture(db, capture(when="2024-04-01T00:00:00Z", status=304), crawl)
        store.save_capture(db, capture("https://b/", body=html("broken")), crawl)
        store.save_capture(db, capture("https://c/doc.pdf", body=b"%PDF-1.4",
                                        content_type="application/pdf"), crawl)
    with db.conn:
        counts = reextract(db, fake_extract)
    assert counts == {"pages": 1, "new": 0, "changed": 1, "unchanged": 0, "removed": 0,
                      "failed": 1}
    row = db.table("pages").get(URL)
    assert (row["title"], row["site"]) == ("SECOND", "fr.example.org")
    assert (row["first_seen"], row["last_changed"], row["last_seen"]) == (
        "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z")
    titles = [r["title"] for r in db.query("SELECT title FROM page_versions ORDER BY version")]
    assert titles == ["PREMIER", "SECOND"]
    assert matches(db, "pages_fts", "second") == 1 and matches(db, "pages_fts", "old") == 0
    assert matches(db, "sections_fts", "premier") == 0
    with db.conn:
        again = reextract(db, fake_extract)
    assert (again["unchanged"], again["changed"]) == (1, 0)
