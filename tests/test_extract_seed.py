"""The sample site's seed page reproduces ../shared/seed/expected.json exactly."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from shared_data import SHARED, require

from scraper import extract_page
from scraper.sample_site import SampleSite

EXPECTED = SHARED / "seed" / "expected.json"


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    require(EXPECTED, "../shared/seed")
    data: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def page(expected: dict[str, Any]) -> Any:
    path = "/" + expected["url"].split("/", 3)[3]
    status, headers, body = SampleSite().respond("GET", path)
    assert status == 200
    return extract_page(body, expected["url"], content_type=headers.get("Content-Type"))


def test_the_seed_title_breadcrumb_and_language_match(page: Any, expected: dict[str, Any]) -> None:
    assert (page.title, page.breadcrumb, page.language) == (
        expected["title"], expected["breadcrumb"], expected["language"])


def test_the_seed_sections_match_heading_by_heading(page: Any, expected: dict[str, Any]) -> None:
    # Exactly, French no-break spaces included; paragraphs joined by a blank line.
    want = [(s["heading"], "\n\n".join(s["paragraphs"])) for s in expected["sections"]]
    assert [(s.heading, s.text) for s in page.sections] == want


def test_the_seed_publication_date_is_read(page: Any, expected: dict[str, Any]) -> None:
    assert page.published == date.fromisoformat(expected["published"])


def test_no_template_furniture_reaches_the_seed_body(page: Any, expected: dict[str, Any]) -> None:
    leaked = [s for s in expected["not_in_body"]
              if s in page.text or any(s in (x.text + (x.heading or "")) for x in page.sections)]
    assert leaked == []
