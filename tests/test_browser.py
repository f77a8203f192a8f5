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

    rows.first.locator("td a").first.click()  # the row's own page
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert FR in body and SEED_TITLE in body
    assert "Direction coop. internationale" in body and "L’ambassade" in body

    page.locator("li", has_text="from page_url in sections").get_by_role("link").click()
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "LA COOPERATION TECHNIQUE" in body and "LA COOPERATION OPERATIONNELLE" in body

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
