"""Issue 18 through Datasette's in-process client, on the sample site crawled twice plus a
footer-date-only edit and a page whose links and resources point everywhere: replay inside
the archive, the timeline of checks, right to left, changes ranked, clear 404s, readable
tables."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import feedparser
import lxml.html
import pytest
from sqlite_utils import Database
from test_publish import Client
from ui_archive import AR_PATH, CHANGED_PATH, SEED_PATH, crawl_two_editions

from archive import store
from scraper import extract_page
from scraper.models import Capture

DATED_PATH = "/Presentation-de-l-ambassade,1205"
LINKS_URL = "http://links.example.org/Une-page-de-liens-7"


def _add_version(db_path: Path, url: str, body: bytes, when: str, site: str) -> int:
    db = Database(db_path)
    with db.conn:
        capture = Capture(url, when, 200, content_type="text/html; charset=utf-8",
                          headers={"content-type": "text/html; charset=utf-8"}, body=body)
        capture_id = store.save_capture(db, capture, None)
        outcome = store.save_extraction(db, extract_page(body, url), capture_id, site, when)
        store.set_outcome(db, capture_id, outcome)
    db.conn.close()
    return capture_id


def links_page(sample: str) -> bytes:
    """A page whose links and resources point to itself, to the sample site and elsewhere."""
    return f"""<!DOCTYPE html><html lang="fr"><head><title>Une page de liens</title>
<base href="http://links.example.org/">
<meta http-equiv="refresh" content="0; url=http://live.example.net/away">
<link rel="stylesheet" href="/style.css"><link rel="preload" href="http://live.example.net/x.js">
<style>body {{ background: url(http://live.example.net/bg.png); }}</style>
</head><body>
<h1>Une page de liens</h1>
<p><a href="{sample}{SEED_PATH}">le service archivé</a>, <a href="/Une-page-de-liens-7">elle-même</a>,
<a href="http://nowhere.example.com/jamais">jamais archivée</a>, <a href="#bas">en bas</a>,
<a href="javascript:alert(1)">un script</a>.</p>
<img src="images/logo.png" srcset="images/logo.png 1x, http://live.example.net/big.png 2x" alt="logo">
<p style="background-image: url('http://live.example.net/p.png')" onclick="alert(2)">Fin.</p>
<iframe src="http://live.example.net/frame"></iframe>
<form action="http://live.example.net/post"><input name="q"></form>
<p id="bas">Bas de page.</p>
</body></html>""".encode()


class Room:
    def __init__(self, client: Client, path: Path, base: str, links_id: int) -> None:
        self.client, self.path, self.base, self.links_id = client, path, base, links_id

    def doc(self, path: str, **params: str) -> lxml.html.HtmlElement:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text[:300]
        return lxml.html.fromstring(response.text)


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    path = tmp_path_factory.mktemp("room") / "archive.db"
    base = crawl_two_editions(path)
    conn = sqlite3.connect(path)
    (sha, site), = conn.execute("SELECT c.sha256, p.site FROM pages p JOIN captures c "
                                "ON c.id = p.capture_id WHERE p.url = ?", (base + DATED_PATH,))
    body = store.capture_body(conn, sha)
    conn.close()
    assert body is not None and b"16/11/2017" in body
    # Only the footer's date moves: a change the feeds leave out by default.
    _add_version(path, base + DATED_PATH, body.replace(b"16/11/2017", b"03/12/2018"),
                 "2098-01-01T00:00:00Z", site)
    links_id = _add_version(path, LINKS_URL, links_page(base), "2024-06-01T10:00:00Z",
                            "links.example.org")
    client = Client(path)
    yield Room(client, path, base, links_id)
    client.close()


# --- 1. replay inside the archive ----------------------------------------------------------

def test_a_replayed_capture_links_into_the_archive_and_loads_nothing_from_outside(
    room: Room
) -> None:
    response = room.client.get(f"/-/capture/{room.links_id}/frame")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert "img-src 'self' data:" in csp and "allow-top-navigation-by-user-activation" in csp
    doc = lxml.html.fromstring(response.text)
    hrefs = {a.text_content(): a.get("href") for a in doc.iter("a")}
    stamp = "20240601100000"
    assert hrefs["le service archivé"] == f"/-/replay/{stamp}/{room.base}{SEED_PATH}"
    assert hrefs["elle-même"] == f"/-/replay/{stamp}/{LINKS_URL}"
    assert hrefs["en bas"] == "#bas" and hrefs["un script"] is None
    assert doc.xpath("//a[starts-with(@href, '/-/replay/')]/@target") == ["_top"] * 3
    # Every resource from the archive's Memento route, nothing from the live web.
    assert doc.xpath("//img/@src") == [f"/-/web/{stamp}id_/http://links.example.org/images/logo.png"]
    assert "http://live.example.net/big.png" in doc.xpath("//img/@srcset")[0]
    assert doc.xpath("//img/@srcset")[0].startswith(f"/-/web/{stamp}id_/")
    assert doc.xpath("//link/@href") == [f"/-/web/{stamp}id_/http://links.example.org/style.css"]
    assert not doc.xpath("//script | //base | //meta[@http-equiv] | //form/@action | //@onclick")
    assert doc.xpath("//iframe/@src") == ["about:blank"]
    text = response.text
    for attr in ('src="http', "href=\"http", "url(http", "url('http"):
        assert attr not in text


def test_a_replayed_link_opens_the_nearest_capture_or_says_it_was_not_archived(
    room: Room
) -> None:
    response = room.client.get(f"/-/replay/20240601100000/{room.base}{SEED_PATH}")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/-/capture/")
    # Any form the crawler normalises alike finds it: a trailing slash, https, a fragment.
    again = room.client.get(f"/-/replay/20240601100000/{room.base}{SEED_PATH}/")
    assert again.headers["location"] == response.headers["location"]
    missing = room.client.get("/-/replay/20240601100000/http://nowhere.example.com/jamais")
    assert missing.status_code == 404
    assert "holds no capture of http://nowhere.example.com/jamais" in missing.text


def test_the_capture_bar_gives_time_status_neighbours_and_the_way_back(room: Room) -> None:
    url = room.base + CHANGED_PATH
    ids = [r[0] for r in sqlite3.connect(room.path).execute(
        "SELECT id FROM captures WHERE url = ?1 OR final_url = ?1 ORDER BY fetched_at, id",
        (url,))]
    assert len(ids) >= 2
    doc = room.doc(f"/-/capture/{ids[-1]}")
    [bar] = doc.xpath("//nav[@class='replay-bar']")
    text = " ".join(bar.text_content().split())
    assert "Captured 20" in text and " UTC" in text and "200" in text
    assert bar.xpath(".//a[@rel='prev']/@href") == [f"/-/capture/{ids[-2]}"]
    assert not bar.xpath(".//a[@rel='next']") and "no later capture" in text
    back = bar.xpath(".//a[@class='back']/@href")[0]
    assert back.startswith("/-/page?url=") and "&at=" in back
    frame = doc.xpath("//iframe[@class='as-fetched']")[0]
    assert frame.get("sandbox") == "allow-top-navigation-by-user-activation"


# --- 2. every check, and an old version's translations ------------------------------------

def test_the_page_view_shows_every_check_and_the_last(room: Room) -> None:
    doc = room.doc("/-/page", url=room.base + "/")
    kinds = doc.xpath("//ol[@class='checks']/li/span[@class='kind']/text()")
    assert "unchanged" in kinds and "fetched" in kinds
    checks, last = sqlite3.connect(room.path).execute(
        "SELECT checks, last_checked FROM revisits WHERE url = ?", (room.base + "/",)).fetchone()
    summary = " ".join(doc.xpath("string(//p[@class='checks-summary'])").split())
    assert f"Checked {max(checks, len(kinds))} times, last on {last}" in summary
    assert "last checked" in doc.xpath("string(//p[@class='site-line'])")
    data = room.client.get("/-/page.json", params={"url": room.base + "/"}).json()
    assert data["checks"]["last_checked"] == last and len(data["checks"]["items"]) == len(kinds)


def test_an_old_version_lists_the_translations_of_its_date_and_links_them_at_it(
    room: Room
) -> None:
    conn = sqlite3.connect(room.path)
    url, at = conn.execute("SELECT v.url, v.at FROM page_versions v JOIN translations t "
                           "ON t.page_url = v.url ORDER BY v.at LIMIT 1").fetchone()
    doc = room.doc("/-/page", url=url, at=at)
    assert "translations this version linked to" in doc.xpath(
        "string(//p[@class='translations-note'])")
    assert all(f"&at={at}" in h for h in doc.xpath("//ul[@class='translations']//a/@href"))
    latest = room.doc("/-/page", url=url)
    assert not latest.xpath("//p[@class='translations-note']")


# --- 3. right to left ----------------------------------------------------------------------

def test_addresses_are_decoded_and_isolated_left_to_right_in_an_arabic_page(room: Room) -> None:
    doc = room.doc("/-/page", url=room.base + AR_PATH)
    urls = doc.xpath("//aside//bdi[@class='url']")
    assert urls and all(u.get("dir") == "ltr" for u in urls)
    assert "جهاز-الأمن-الداخلي-4212" in urls[-1].text_content()


def test_the_side_by_side_diff_labels_before_and_after(room: Room) -> None:
    doc = room.doc("/-/diff", url=room.base + CHANGED_PATH, view="sides")
    assert doc.xpath("//div[@class='sides']/div[@class='old']/p[@class='side-label']/text()") \
        [:1] == ["Before"]
    assert doc.xpath("//div[@class='sides']/div[@class='new']/p[@class='side-label']/text()") \
        [:1] == ["After"]


# --- 6. changes ranked -----------------------------------------------------------------------

def test_the_feed_leaves_out_a_date_only_change_and_keeps_a_rewritten_paragraph(
    room: Room
) -> None:
    feed = feedparser.parse(room.client.get("/-/changes.atom").text)
    links = [e.link for e in feed.entries]
    assert any(CHANGED_PATH in link for link in links)  # edition 2 rewrote its paragraph
    assert not any(DATED_PATH in link for link in links)  # only its footer date moved
    classes = {t.term for e in feed.entries for t in e.tags if t.get("scheme")}
    assert "edited" in classes and "dates" not in classes
    every = [link for link in feed.feed.links if link.rel == "related"]
    assert every and every[0].href.endswith("/-/changes.atom?all=1")
    everything = feedparser.parse(room.client.get("/-/changes.atom?all=1").text)
    dated = [e for e in everything.entries if DATED_PATH in e.link]
    assert len(dated) == 1 and [t.term for t in dated[0].tags] == ["changed", "dates"]


def test_changes_between_has_a_class_and_can_leave_out_dates(room: Room) -> None:
    def rows(**extra: str) -> list[dict]:
        response = room.client.get("/archive/changes_between.json", params={
            "since": "2000-01-01", "until": "2100-01-01", "_shape": "array", **extra})
        assert response.status_code == 200, response.text[:300]
        return response.json()
    every = rows()
    by_url = {r["url"]: r["class"] for r in every if r["change"] == "changed"}
    assert by_url[room.base + DATED_PATH] == "dates"
    assert by_url[room.base + CHANGED_PATH] == "edited"
    significant = rows(significant="yes")
    assert room.base + DATED_PATH not in {r["url"] for r in significant}
    assert len(significant) == len(every) - 1


def test_the_diff_says_the_class_and_size(room: Room) -> None:
    doc = room.doc("/-/diff", url=room.base + DATED_PATH)
    assert "Dates or boilerplate only" in doc.xpath("string(//p[@class='change-class'])")
    data = room.client.get("/-/diff.json", params={"url": room.base + CHANGED_PATH}).json()
    assert data["class"] == "edited" and data["size"] > 0


# --- 7. errors as a user expects -----------------------------------------------------------

@pytest.mark.parametrize(("path", "params", "sentence"), [
    ("/-/capture/99999999999999999999999", {}, "No capture has the number"),
    ("/-/capture/abc", {}, "No capture has the number abc"),
    ("/-/capture/123456/frame", {}, "No capture has the number 123456"),
    ("/-/page", {"url": "http://nowhere.example.com/x"}, "No archived page"),
    ("/-/page", {"url": "{base}" + CHANGED_PATH, "version": "9"}, "no version 9"),
    ("/-/diff", {"url": "{base}" + CHANGED_PATH, "from": "7"}, "no version 7"),
    ("/-/changes.atom", {"site": "no-such-site"}, "No site is named 'no-such-site'"),
    ("/-/changes.atom", {"url": "http://nowhere.example.com/x"}, "No archived page"),
])
def test_an_unknown_id_answers_404_with_a_sentence(room: Room, path: str, params: dict,
                                                   sentence: str) -> None:
    params = {k: v.format(base=room.base) for k, v in params.items()}
    response = room.client.get(path, params=params)
    assert response.status_code == 404
    assert sentence in response.text


@pytest.mark.parametrize("form", ["{base}{path}/", "{https}{path}", "{base}{path}#haut",
                                  "{https}{path}/#haut"])
def test_a_page_is_found_by_any_form_the_crawler_normalises_alike(room: Room, form: str) -> None:
    url = form.format(base=room.base, https=room.base.replace("http:", "https:"),
                      path=CHANGED_PATH)
    doc = room.doc("/-/page", url=url)
    assert doc.xpath("string(//article/h1)").startswith("Horaires")


# --- 9. tables that read -------------------------------------------------------------------

@pytest.mark.parametrize(("table", "columns"), [
    ("pages", ["title", "site", "language", "published", "modified", "last_changed", "text"]),
    ("sections", ["page_url", "position", "heading", "text"]),
])
def test_pages_and_sections_show_chosen_columns_and_an_excerpt(room: Room, table: str,
                                                               columns: list[str]) -> None:
    doc = room.doc(f"/archive/{table}")
    shown = doc.xpath("//table[@class='rows-and-columns']//th/@data-column")
    assert sorted(shown) == sorted(columns)
    cells = doc.xpath("//td[contains(@class, 'col-text')]/span[@class='text-excerpt']")
    assert cells and all(c.get("dir") == "auto" and len(c.text_content()) <= 160 for c in cells)
    every = room.doc(f"/archive/{table}", _columns="all")
    assert len(every.xpath("//table[@class='rows-and-columns']//th")) > len(columns)
    assert "every column" in doc.xpath("string(//p[@class='chosen-columns'])")
