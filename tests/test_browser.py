"""A researcher's visit in a real browser: Debian's chromium driven by playwright.

The archive is served as `embassy-archive serve` does, by a subprocess on 127.0.0.1.
Skipped when chromium is absent, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_publish import served_archive
from test_search import FR, SEED_TITLE, build_archive

pytestmark = pytest.mark.playwright


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, and CI=true requires the browser tests")
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "archive.db"
    build_archive(path).conn.close()
    with served_archive(path) as base:
        yield base


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.dialogs = dialogs
    yield pg
    context.close()


def test_a_researcher_searches_opens_the_page_sees_its_sections_and_downloads_csv(
    site: str, page: Any, tmp_path: Path
) -> None:
    page.goto(site + "/")
    assert "Embassy archive" in page.content()
    page.get_by_role("link", name="pages", exact=True).first.click()
    page.fill('input[name="_search"]', "securite")
    page.press('input[name="_search"]', "Enter")
    page.wait_for_url("**_search=securite**")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 1
    assert SEED_TITLE in rows.first.inner_text()
    # The column descriptions are folded away, so the rows are on the first screen.
    about = page.locator("details > summary", has_text="About the columns")
    assert about.count() == 1 and not page.locator("dl.column-descriptions").is_visible()
    assert rows.first.bounding_box()["y"] < page.viewport_size["height"]
    about.click()
    assert page.locator("dl.column-descriptions").is_visible()

    rows.first.locator("td.col-title a").click()  # the title opens the archived page view
    page.wait_for_url("**/-/page?url=**")
    body = page.inner_text("body")
    assert FR in body and SEED_TITLE in body
    assert page.locator("nav.trail li").all_inner_texts() == [
        "Accueil", "L’ambassade", "Direction coop. internationale"]
    headings = page.locator("article h2").all_inner_texts()
    assert headings == ["LA COOPERATION TECHNIQUE", "LA COOPERATION OPERATIONNELLE"]

    page.goto(site + "/archive/pages?_search=securite")
    with page.expect_download() as info:
        page.get_by_role("link", name="excel", exact=True).click()
    saved = tmp_path / "pages.csv"
    info.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("url,site,language,title")
    assert SEED_TITLE in text and "L’ambassade" in text
    assert page.dialogs == []


def test_a_hostile_title_shows_as_text_and_fires_no_dialog(site: str, page: Any) -> None:
    page.goto(site + "/archive/pages?_search=piegee")
    cell = page.locator("td.col-title")
    assert cell.first.inner_text() == "<script>alert(1)</script>"
    page.goto(site + "/archive/sections?_search=piegee")
    assert "<img src=x onerror=alert(2)>" in page.inner_text("table.rows-and-columns")
    page.goto(site + "/archive/search?q=piegee")
    assert "<script>alert(1)</script>" in page.inner_text("body")
    page.wait_for_timeout(300)  # a dialog would fire at once; give it a moment
    assert page.dialogs == []


def test_an_arabic_title_in_the_pages_table_aligns_right_and_a_french_one_left(
    site: str, page: Any
) -> None:
    page.goto(site + "/archive/pages?_sort=url")
    aligned = page.eval_on_selector_all("td.col-title a", """links => links.map(a => {
        const box = a.getBoundingClientRect(), cell = a.closest('td').getBoundingClientRect();
        const text = a.firstChild ? (() => { const r = document.createRange();
            r.selectNodeContents(a); return r.getBoundingClientRect(); })() : box;
        return [a.textContent, text.left - cell.left < cell.right - text.right]; })""")
    arabic = [left for text, left in aligned if any("\u0600" <= ch <= "\u06ff" for ch in text)]
    french = [left for text, left in aligned if "é" in text]
    assert arabic and not any(arabic)  # nearer the right edge
    assert french and all(french)


# --- the reader's pages, on a crawled archive with a hostile capture ---------------------

SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="module")
def reader_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Any, int]]:
    """The sample site crawled twice, plus a hostile page whose live site counts requests."""
    from ui_archive import LiveSite, add_hostile_capture, crawl_two_editions

    path = tmp_path_factory.mktemp("reader-browser") / "archive.db"
    sample = crawl_two_editions(path)
    add_arabic_edit(path, sample + AR_PATH)
    with LiveSite() as live:
        capture_id = add_hostile_capture(path, live.url)
        with served_archive(path) as base:
            yield base, sample, live, capture_id


AR_PATH = ("/%D8%AC%D9%87%D8%A7%D8%B2-%D8%A7%D9%84%D8%A3%D9%85%D9%86-%D8%A7%D9%84%D8%AF"
           "%D8%A7%D8%AE%D9%84%D9%8A-4212")
AR_OLD = "يُنَظِّمُ المَكْتَبُ دَوْرَاتٍ تَدْرِيبِيَّةً كُلَّ سَنَةٍ."
AR_NEW = "يُنَظِّمُ المَكْتَبُ دَوْرَاتٍ تَدْرِيبِيَّةً مَرَّتَيْنِ فِي السَّنَةِ لِلشُّرْطَةِ وَالدَّرَكِ."
DOCS = Path(__file__).resolve().parent.parent / "docs"


def add_arabic_edit(path: Path, url: str) -> None:
    """A later version of the Arabic page whose second paragraph was rewritten."""
    import sqlite3

    from sqlite_utils import Database

    from archive import store
    from scraper import extract_page
    from scraper.models import Capture

    conn = sqlite3.connect(path)
    (sha, site), = conn.execute("SELECT c.sha256, p.site FROM pages p JOIN captures c "
                                "ON c.id = p.capture_id WHERE p.url = ?", (url,))
    body = store.capture_body(conn, sha)
    conn.close()
    assert body is not None and AR_OLD.encode() in body
    body = body.replace(AR_OLD.encode(), AR_NEW.encode())
    db = Database(path)
    when = "2098-03-01T09:00:00Z"
    with db.conn:
        capture_id = store.save_capture(db, Capture(
            url, when, 200, content_type="text/html; charset=utf-8",
            headers={"content-type": "text/html; charset=utf-8"}, body=body), None)
        store.set_outcome(db, capture_id, store.save_extraction(
            db, extract_page(body, url), capture_id, site, when))
    db.conn.close()


def doc_shot(page: Any, name: str, locator: Any = None) -> Path:
    """A small screenshot for docs/: the viewport (or one element), not the whole page.

    Saved in tests/screenshots/ and copied to docs/ only when UPDATE_DOCS_SCREENSHOTS=1, so a
    run of the suite leaves the tree as it found it."""
    SHOTS.mkdir(exist_ok=True)
    target = SHOTS / f"doc-{name}.png"
    (locator or page).screenshot(path=str(target))
    assert 3000 < target.stat().st_size < 400_000
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(target, DOCS / f"{name}.png")
    return target


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    target = SHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 5000  # a rendered page, not a blank one
    return target


@pytest.mark.parametrize(("name", "path", "lang", "direction", "title"), [
    ("page-fr", "/Le-Service-de-Securite-Interieure", "fr", "ltr",
     "Le Service de Securité Intérieure"),
    ("page-ar", ("/%D8%AC%D9%87%D8%A7%D8%B2-%D8%A7%D9%84%D8%A3%D9%85%D9%86-%D8%A7%D9%84%D8%AF"
                 "%D8%A7%D8%AE%D9%84%D9%8A-4212"), "ar", "rtl", "جهاز الأمن الداخلي"),
    ("page-zh", "/Service-de-securite-interieure-zh-4222", "zh", "ltr", "内部安全服务处"),
])
def test_a_page_view_reads_in_its_language_and_direction(
    reader_site: tuple[str, str, Any, int], page: Any, name: str, path: str, lang: str,
    direction: str, title: str
) -> None:
    base, sample, _, _ = reader_site
    page.goto(f"{base}/-/page?url={sample}{path}")
    article = page.locator("article")
    assert article.get_attribute("lang") == lang
    assert article.evaluate("e => getComputedStyle(e).direction") == direction
    assert page.locator("article h1").inner_text() == title
    assert page.locator("nav.trail li").count() >= 2
    # The title is the largest text, and the trail is above it.
    assert page.locator("nav.trail").bounding_box()["y"] < page.locator(
        "article h1").bounding_box()["y"]
    shot(page, name)
    # A translation opens its archived page view, not the live site.
    link = page.locator("ul.translations a").first
    link.click()
    page.wait_for_load_state()
    assert "/-/page?url=" in page.url and page.locator("article h1").count() == 1
    assert page.dialogs == []


def test_a_diff_marks_what_changed_inline_and_side_by_side(
    reader_site: tuple[str, str, Any, int], page: Any
) -> None:
    base, sample, _, _ = reader_site
    page.goto(f"{base}/-/page?url={sample}/Horaires-d-ouverture-de-la-section-consulaire-12")
    page.get_by_role("link", name="what changed", exact=True).click()  # the timeline's
    page.wait_for_url("**/-/diff?**")
    assert page.locator("section.changed del").count() >= 1
    assert page.locator("section.changed ins").count() >= 1
    deleted = page.locator("section.changed del").first
    assert "line-through" in deleted.evaluate("e => getComputedStyle(e).textDecorationLine")
    shot(page, "diff-inline")
    page.check("input[name=view]")
    page.check("input[name=only][type=checkbox]")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**view=sides**")
    old, new = page.locator(".sides .old"), page.locator(".sides .new")
    assert old.locator("del").count() >= 1 and old.locator("ins").count() == 0
    assert new.locator("ins").count() >= 1 and new.locator("del").count() == 0
    assert old.bounding_box()["x"] < new.bounding_box()["x"]  # really side by side
    shot(page, "diff-sides")


def test_a_captured_page_is_shown_but_its_scripts_never_run_and_nothing_reaches_the_live_site(
    reader_site: tuple[str, str, Any, int], page: Any
) -> None:
    base, _, live, capture_id = reader_site
    page.goto(f"{base}/-/capture/{capture_id}")
    frame_element = page.locator("iframe.as-fetched")
    frame_element.wait_for()
    frame = frame_element.content_frame
    frame.locator("h1").wait_for()
    assert frame.locator("h1").inner_text() == "Une page piégée"
    page.wait_for_timeout(500)  # time for a script, an image or a fetch to act
    assert page.title().startswith("Capture")
    assert page.evaluate("localStorage.getItem('pwned')") is None
    assert frame.locator("body").get_attribute("data-pwned") is None
    assert live.requests == []
    shot(page, "capture")
    # Opened on its own, the framed document is still sandboxed by its CSP.
    page.goto(f"{base}/-/capture/{capture_id}/frame")
    page.wait_for_timeout(500)
    assert page.title() == "Une page piégée"
    assert page.locator("body").get_attribute("data-pwned") is None
    assert live.requests == []
    assert page.dialogs == []


def test_the_home_page_invites_a_search_that_marks_its_hits(
    reader_site: tuple[str, str, Any, int], page: Any
) -> None:
    base, _, live, _ = reader_site
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "/")
    assert page.locator("svg.per-month rect").count() > 5
    assert page.locator("div.summary").is_visible()
    shot(page, "home")
    assert all(url.startswith(base) for url in requests), requests  # nothing leaves
    page.fill("input[name=q]", "securite")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=securite**")
    assert page.locator("ol.search-results .snippet mark").count() >= 1  # the search page
    assert "«" not in page.locator("ol.search-results").inner_text()
    page.locator("ol.search-results h2 a").first.click()
    page.wait_for_url("**/-/page?url=**")
    assert page.locator("article h1").count() == 1
    assert live.requests == []


# --- issue 18: replay inside the archive, right to left, the timeline, tables on a phone ----

def test_a_replayed_capture_keeps_its_links_and_resources_inside_the_archive(
    reader_site: tuple[str, str, Any, int], page: Any
) -> None:
    base, sample, live, _ = reader_site
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{base}/-/page?url={sample}/Le-Service-de-Securite-Interieure")
    page.locator("ol.checks a", has_text="capture").first.click()
    page.wait_for_url("**/-/capture/**")
    first = page.url
    bar = page.locator("nav.replay-bar")
    assert "Captured" in bar.inner_text() and "200" in bar.inner_text()
    frame = page.frame_locator("iframe.as-fetched")
    frame.locator("h1").first.wait_for()
    doc_shot(page, "replay")
    # A link in the page opens the archive's capture of its target, in the whole window.
    frame.locator("nav.menu-principal a", has_text="Visas").click()
    page.wait_for_url(lambda url: "/-/capture/" in url and url != first)
    assert "-Visas-2510-" in page.locator("nav.replay-bar .address").inner_text()
    frame = page.frame_locator("iframe.as-fetched")
    frame.locator("h1").first.wait_for()
    # A link to a site the crawl never reached says so, inside the archive.
    frame.locator("a", has_text="France Diplomatie").first.click()
    page.wait_for_url("**/-/replay/**")
    assert "holds no capture" in page.inner_text("body")
    page.go_back()
    page.wait_for_url("**/-/capture/**")
    page.locator("nav.replay-bar a.back").click()
    page.wait_for_url("**/-/page?url=**&at=**")
    page.wait_for_timeout(300)
    outside = [u for u in requests if not u.startswith((base, "data:", "about:"))]
    assert outside == [] and live.requests == []
    assert page.dialogs == []


def test_an_arabic_page_and_its_side_by_side_diff_align_right(
    reader_site: tuple[str, str, Any, int], page: Any
) -> None:
    base, sample, _, _ = reader_site
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto(f"{base}/-/page?url={sample}{AR_PATH}")
    article = page.locator("article")
    paragraph = article.locator("p").first
    assert paragraph.evaluate("e => getComputedStyle(e).textAlign") in ("right", "start")
    box, text = article.bounding_box(), paragraph.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e); "
        "const b = r.getBoundingClientRect(); return [b.left, b.right]; }")
    # The text ends at the article's right edge, where Arabic starts.
    assert abs(text[1] - (box["x"] + box["width"])) < 4
    doc_shot(page, "page-ar", page.locator("div.reader"))
    page.goto(f"{base}/-/diff?url={sample}{AR_PATH}&view=sides&only=all")
    old, new = page.locator(".sides .old").first, page.locator(".sides .new").first
    assert old.locator(".side-label").inner_text().lower() == "before"
    # Before comes first in reading order: on the right in Arabic.
    assert old.bounding_box()["x"] > new.bounding_box()["x"]
    assert new.evaluate("e => getComputedStyle(e).textAlign") in ("right", "start")
    assert new.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert new.locator("ins").count() >= 1 and old.locator("del").count() >= 1
    doc_shot(page, "diff-ar-sides")


def test_the_timeline_shows_unchanged_checks_and_the_last_check(
    reader_site: tuple[str, str, Any, int], page: Any
) -> None:
    base, sample, _, _ = reader_site
    page.goto(f"{base}/-/page?url={sample}/")
    checks = page.locator("ol.checks li")
    assert checks.count() >= 2
    assert page.locator("ol.checks li.unchanged").count() >= 1
    assert "last checked" in page.locator("p.site-line").inner_text()
    doc_shot(page, "timeline", page.locator("aside.about"))


def test_pages_read_on_a_phone(reader_site: tuple[str, str, Any, int], page: Any) -> None:
    base, _, _, _ = reader_site
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/archive/pages")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width  # no sideways scrolling
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 10
    heights = [rows.nth(i).bounding_box()["height"] for i in range(rows.count())]
    assert max(heights) < 420, max(heights)  # an excerpt, not the whole text
    arabic = page.locator("td.col-text span[dir=auto]", has_text="ال").first
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.locator("p.chosen-columns").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, document.querySelector('p.chosen-columns')"
                  ".getBoundingClientRect().top - 8)")
    doc_shot(page, "pages-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/archive/pages")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1290
