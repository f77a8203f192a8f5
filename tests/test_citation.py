"""A citation holds: the address the page view's cite box gives shows the same text after an
older capture is imported (versions renumbered), and an inexact time says which capture it
shows."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from sqlite_utils import Database

from archive import store
from archive.publish import make_datasette
from archive.schema import ensure_schema
from scraper.models import Capture, Page, Section

URL = "https://ml.ambafrance.org/Horaires-12"


def _save(db: Database, words: str, when: str, source: str = "crawl",
          translations: dict[str, str] | None = None) -> None:
    page = Page(url=URL, title=f"Horaires : {words}", language="fr",
                text=f"Le consulat est ouvert {words}.", translations=translations or {},
                sections=[Section(None, 0, f"Le consulat est ouvert {words}.")])
    with db.conn:
        cid = store.save_capture(db, Capture(URL, when, status=200, body=words.encode(),
                                             content_type="text/html"), None)
        db.conn.execute("UPDATE captures SET source = ? WHERE id = ?", (source, cid))
        store.save_extraction(db, page, cid, "ml", when)


def _get(path: Path, address: str, **params: str) -> Any:
    ds = make_datasette(path)
    return asyncio.run(ds.client.get(address, params=params or None))


def _cite_box(path: Path, **params: str) -> tuple[str, str]:
    """(the address the cite box gives, the article's text) of a page view."""
    doc = lxml.html.fromstring(_get(path, "/-/page", url=URL, **params).text)
    [cite] = doc.xpath("//p[@class='cite']/a[@class='cite-address']/@href")
    return str(cite), doc.xpath("string(//article)")


@pytest.fixture
def archived(tmp_path: Path) -> tuple[Path, Database]:
    """A page with two versions, captured in 2020 and 2021."""
    path = tmp_path / "archive.db"
    db = Database(path)
    ensure_schema(db)
    _save(db, "du lundi au jeudi", "2020-03-01T09:00:00Z")
    _save(db, "du lundi au vendredi", "2021-03-01T09:00:00Z")
    return path, db


def test_the_cited_address_shows_the_same_text_after_an_older_capture_is_imported(
    archived: tuple[Path, Database],
) -> None:
    path, db = archived
    cite, text = _cite_box(path, version="1")
    assert "at=20200301090000" in cite and "lundi au jeudi" in text
    # An older capture arrives (a backfill): it becomes version 1, the cited one version 2.
    _save(db, "le matin seulement", "2015-06-01T09:00:00Z", source="wayback")
    assert db.execute("SELECT version FROM page_versions WHERE at = '20200301090000'"
                      ).fetchone() == (2,)
    address = cite.split("://", 1)[1].split("/", 1)[1]
    after = _get(path, "/" + address)
    assert after.status_code == 200
    shown = lxml.html.fromstring(after.text).xpath("string(//article)")
    assert shown == text
    # the same number now names another content: that is why the box cites a time
    assert "le matin seulement" in _cite_box(path, version="1")[1]


def test_an_inexact_time_shows_the_content_in_force_and_says_which_capture(
    archived: tuple[Path, Database],
) -> None:
    path, _ = archived
    # 2020-01-01, before the first capture: the first, and the page says so
    doc = lxml.html.fromstring(_get(path, "/-/page", url=URL, at="2020").text)
    assert "du lundi au jeudi" in doc.xpath("string(//article)")
    assert "2020-01-01" in doc.xpath("string(//p[@class='at-note'])")
    doc = lxml.html.fromstring(_get(path, "/-/page", url=URL, at="20201231").text)
    assert "du lundi au jeudi" in doc.xpath("string(//article)")
    note = doc.xpath("string(//p[@class='at-note'])")
    assert "2020-12-31" in note and "2020-03-01T09:00:00Z" in note
    data = _get(path, "/-/page.json", url=URL, at="20201231").json()
    assert data["at"] == "20200301090000" and data["note"]
    assert _get(path, "/-/page", url=URL, at="yesterday").status_code == 400
    assert _get(path, "/-/page", url=URL, version="9").status_code == 404


def test_an_old_version_lists_the_translations_it_linked_to_then(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = Database(path)
    ensure_schema(db)
    _save(db, "du lundi au jeudi", "2020-03-01T09:00:00Z",
          translations={"en": "https://ml.ambafrance.org/Opening-hours-12"})
    _save(db, "du lundi au vendredi", "2021-03-01T09:00:00Z",
          translations={"es": "https://ml.ambafrance.org/Horario-12"})
    links_of = lambda doc: [(li.findtext("span"), li.xpath("string(.//bdi)"))
                            for li in doc.xpath("//ul[@class='translations']/li")]
    old = lxml.html.fromstring(_get(path, "/-/page", url=URL, at="20200301090000").text)
    assert links_of(old) == [("en", "https://ml.ambafrance.org/Opening-hours-12")]
    now = lxml.html.fromstring(_get(path, "/-/page", url=URL).text)
    assert links_of(now) == [("es", "https://ml.ambafrance.org/Horario-12")]
