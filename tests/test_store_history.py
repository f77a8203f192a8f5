"""Page history: versions in capture-date order, each whole, addressed by its capture time."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from archive import store
from archive.publish import make_datasette
from archive.schema import ensure_schema
from scraper.models import Capture, Page, Section

URL = "https://ml.ambafrance.org/Securite-au-Mali-4120"
JAN, MAR, MAY, JUL = ("2012-01-10T00:00:00Z", "2012-03-10T00:00:00Z", "2012-05-10T00:00:00Z",
                      "2012-07-10T00:00:00Z")


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "archive.db")
    ensure_schema(database)
    return database


def page(words: str) -> Page:
    sections = [Section(None, 0, f"Conseils aux voyageurs : {words}."),
                Section("LA SÉCURITÉ", 2, f"Niveau « {words} »\n\"vigilance\"")]
    text = "\n\n".join(p for s in sections for p in (s.heading, s.text) if p)
    return Page(url=URL, title=f"Sécurité : {words}", text=text, sections=sections,
                breadcrumb=["Accueil", "Conseils"], language="fr")


def save(db: Database, words: str, when: str, source: str = "crawl") -> str:
    body = f"<html><body><p>{words}</p></body></html>".encode()
    with db.conn:
        cid = store.save_capture(db, Capture(URL, when, status=200, body=body,
                                             content_type="text/html"), None)
        db.conn.execute("UPDATE captures SET source = ? WHERE id = ?", (source, cid))
        return store.save_extraction(db, page(words), cid, "ml", when)


def history(db: Database) -> list[tuple[Any, ...]]:
    return db.execute("SELECT version, captured_at, title, source FROM page_versions "
                      "WHERE url = ? ORDER BY version", [URL]).fetchall()


def test_a_capture_older_than_the_first_crawl_becomes_version_one_and_leaves_the_page(
    db: Database,
) -> None:
    assert save(db, "vigilance", JUL) == "new"
    assert save(db, "prudence", JAN, source="wayback") == "changed"
    assert history(db) == [(1, JAN, "Sécurité : prudence", "wayback"),
                           (2, JUL, "Sécurité : vigilance", "crawl")]
    row = db.execute("SELECT title, first_seen, last_seen, last_changed FROM pages").fetchone()
    assert row == ("Sécurité : vigilance", JAN, JUL, JUL)
    # the current content is the crawl's: pages, sections and full-text search say so
    sections = db.execute("SELECT text FROM sections ORDER BY position").fetchall()
    assert sections == [(s.text,) for s in page("vigilance").sections]


def test_versions_come_in_date_order_whatever_order_the_captures_arrive_in(
    tmp_path: Path,
) -> None:
    contents = [("interdite", JAN), ("déconseillée", MAR), ("prudence", MAY), ("normale", JUL)]
    results = []
    for order in (contents, [contents[2], contents[0], contents[3], contents[1]]):
        db = Database(tmp_path / f"{order[0][0]}.db")
        ensure_schema(db)
        for words, when in order:
            save(db, words, when)
        rows = db.execute("SELECT version, captured_at, title, text, breadcrumb, sections, "
                          "content_sha256 FROM page_versions ORDER BY version").fetchall()
        results.append((rows, db.execute("SELECT title, text FROM pages").fetchall()))
    assert results[0] == results[1]
    rows, current = results[0]
    assert [r[:2] for r in rows] == [(1, JAN), (2, MAR), (3, MAY), (4, JUL)]
    assert current == [("Sécurité : normale", page("normale").text)]


def test_an_older_capture_of_a_known_content_adds_no_version(db: Database) -> None:
    save(db, "prudence", MAR)
    save(db, "vigilance", JUL)
    # the content of March, seen again in May: nothing new
    assert save(db, "prudence", MAY) == "unchanged"
    # the content of July, online already in May: its version starts in May
    assert save(db, "vigilance", MAY, source="warc:may.warc.gz") == "unchanged"
    assert history(db) == [(1, MAR, "Sécurité : prudence", "crawl"),
                           (2, MAY, "Sécurité : vigilance", "warc:may.warc.gz")]


def test_every_version_is_stored_whole_and_plain_sqlite_reads_it(
    db: Database, tmp_path: Path,
) -> None:
    save(db, "prudence", MAR)
    save(db, "vigilance", JUL)
    expected = [
        (p.title, p.text, json.dumps(p.breadcrumb, ensure_ascii=False),
         json.dumps([s.to_dict() for s in p.sections], ensure_ascii=False))
        for p in (page("prudence"), page("vigilance"))
    ]
    sql = "SELECT title, text, breadcrumb, sections FROM page_versions ORDER BY version"
    plain = sqlite3.connect(tmp_path / "archive.db")  # nothing registered
    assert plain.execute(sql).fetchall() == expected
    assert plain.execute("SELECT text FROM sections ORDER BY position").fetchall() == [
        (s.text,) for s in page("vigilance").sections]
    plain.close()


def test_a_time_address_keeps_its_version_when_older_captures_arrive(db: Database) -> None:
    save(db, "prudence", MAR)
    save(db, "vigilance", JUL)
    cited = db.execute("SELECT at, title FROM page_versions WHERE version = 2").fetchone()
    assert cited == ("20120710000000", "Sécurité : vigilance")
    save(db, "interdite", JAN, source="wayback")  # an older content: versions renumbered
    save(db, "déconseillée", MAY, source="wayback")  # one between the two
    assert db.execute("SELECT title FROM page_versions WHERE at = ?", [cited[0]]).fetchall() == [
        (cited[1],)]
    assert [r[0] for r in db.execute("SELECT at FROM page_versions ORDER BY version")] == [
        "20120110000000", "20120310000000", "20120510000000", "20120710000000"]


def test_datasette_searches_facets_and_exports_the_history(
    db: Database, tmp_path: Path,
) -> None:
    save(db, "prudence", MAR)
    save(db, "vigilance", JUL, source="wayback")
    db.close()
    ds = make_datasette(tmp_path / "archive.db")

    def get(path: str) -> Any:
        response = asyncio.run(ds.client.get(path))
        assert response.status_code == 200, path
        return response

    found = get("/archive/sections.json?_search=vigilance&_shape=array").json()
    assert {r["heading"] for r in found} == {None, "LA SÉCURITÉ"}
    versions = get(f"/archive/page_versions.json?url={URL}&_sort=version&_shape=array").json()
    assert [(v["version"], v["text"]) for v in versions] == [
        (1, page("prudence").text), (2, page("vigilance").text)]
    facets = get("/archive/page_versions.json?_facet=source").json()["facet_results"]
    assert {f["value"] for f in facets["source"]["results"]} == {"crawl", "wayback"}
    csv = get("/archive/page_versions.csv?_sort=version").text
    assert "Niveau « prudence »" in csv and "Niveau « vigilance »" in csv
