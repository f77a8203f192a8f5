"""The search page in a real browser (Debian's chromium, as test_browser.py launches it):
French, Arabic (right to left) and Chinese, each with a filter and a sort applied.
Screenshots are saved in tests/screenshots/ (ignored by git), and copied to docs/ for
docs/search.md when UPDATE_DOCS_SCREENSHOTS=1: a run of the suite leaves the tree clean."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from test_browser import chromium, page  # noqa: F401  (fixtures)
from test_publish import served_archive
from test_search import save_page

from archive.schema import ensure_schema

pytestmark = pytest.mark.playwright
DOCS = Path(__file__).resolve().parents[1] / "docs"
SHOTS = Path(__file__).resolve().parent / "screenshots"

PAGES = [
    ("https://fr.example.org/Passeports-1", "fr", "Demander des passeports",
     "Les passeports biométriques sont délivrés sur rendez-vous au consulat.", date(2016, 5, 2)),
    ("https://fr.example.org/Passeport-2", "fr", "Perte du passeport",
     "En cas de perte du passeport, déclarez-la au commissariat.", date(2021, 9, 14)),
    ("https://dz.example.org/Passeport-3", "fr", "Le passeport d'urgence",
     "Un passeport d'urgence peut être délivré en 48 heures.", date(2019, 1, 8)),
    ("https://eg.example.org/1", "ar", "التأشيرة للطلاب",
     "تمنح السفارة التأشيرة للطلاب المقبولين في الجامعات الفرنسية.", date(2018, 3, 1)),
    ("https://eg.example.org/2", "ar", "تأشيرات العمل",
     "يستقبل السفير طلبات تأشيرات العمل يوم الأحد.", date(2022, 11, 20)),
    ("https://cn.example.org/1", "zh", "簽證申請", "法國駐華大使館辦理簽證申請。", date(2017, 6, 1)),
    ("https://cn.example.org/2", "zh", "签证办理", "法国驻华大使馆签证处的开放时间。", date(2023, 2, 1)),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("search_browser") / "archive.db"
    db = Database(path)
    ensure_schema(db)
    for url, language, title, text, published in PAGES:
        save_page(db, url, language, title, text, published)
    db.conn.close()
    with served_archive(path) as served:
        yield served


def _search(pg: Any, base: str, query: str, **choices: str) -> None:
    pg.goto(base + "/")
    pg.fill("input[name=q]", query)
    pg.press("input[name=q]", "Enter")
    pg.wait_for_url("**/-/search?q=**")
    for name, value in choices.items():  # the filters as a reader sets them: the form again
        pg.select_option(f"select[name={name}]", value)
    if choices:
        pg.click("form.search-form button[type=submit]")
        pg.wait_for_load_state()


def _shot(pg: Any, name: str) -> None:
    pg.set_viewport_size({"width": 900, "height": 640})
    SHOTS.mkdir(exist_ok=True)
    target = SHOTS / f"search-{name}.png"
    pg.screenshot(path=str(target))
    assert target.stat().st_size > 5000  # a rendered page, not a blank one
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(target, DOCS / target.name)


def test_french_search_filtered_by_site_sorted_newest_first(base: str, page: Any) -> None:  # noqa: F811
    _search(page, base, "passeports", site="fr.example.org", sort="date")
    items = page.locator("ol.search-results li")
    assert items.count() == 2  # the Algerian page is filtered out
    assert "Perte du passeport" in items.nth(0).inner_text()  # 2021 before 2016
    assert "2 pages found" in page.inner_text("p.search-count")
    assert page.locator("ol.search-results mark").count() >= 2
    _shot(page, "fr")


def test_arabic_search_reads_right_to_left_filtered_and_sorted(base: str, page: Any) -> None:  # noqa: F811
    _search(page, base, "تأشيرة", language="ar", sort="oldest")
    items = page.locator("ol.search-results li")
    assert items.count() == 2  # التأشيرة and تأشيرات: another form of the word
    assert items.nth(0).get_attribute("dir") == "rtl"
    assert "التأشيرة للطلاب" in items.nth(0).inner_text()  # 2018 before 2022
    heading = items.nth(0).locator("h2 a").bounding_box()
    box = items.nth(0).bounding_box()
    # right to left: the title (an inline link) sits against the right edge of its result
    assert heading["x"] + heading["width"] > box["x"] + box["width"] - 5
    assert heading["x"] > box["x"] + box["width"] / 2
    _shot(page, "ar")


def test_chinese_search_finds_traditional_and_simplified_alike(base: str, page: Any) -> None:  # noqa: F811
    _search(page, base, "签证", language="zh", sort="date")
    items = page.locator("ol.search-results li")
    assert items.count() == 2
    assert "签证办理" in items.nth(0).inner_text()  # 2023, simplified
    assert "簽證申請" in items.nth(1).inner_text()  # 2017, traditional
    _shot(page, "zh")
