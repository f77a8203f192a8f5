"""Every field of every saved real page (../shared/realpages), one test per page and field."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pytest
from shared_data import SHARED, require

from scraper import extract_page

PAGES = SHARED / "realpages" / "pages"
FIELDS = ["title", "breadcrumb", "section_headings", "published", "modified", "language", "body"]
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))


def _names() -> list[str]:
    if not PAGES.is_dir():
        return []
    return sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text)).translate(INVISIBLE)).strip()


_cache: dict[str, tuple[Any, dict[str, Any]]] = {}


def _extract(name: str) -> tuple[Any, dict[str, Any]]:
    if name not in _cache:
        want = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
        html = (PAGES / f"{name}.html").read_bytes()
        _cache[name] = (extract_page(html, want["url"] or "http://example.invalid/"), want)
    return _cache[name]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", _names() or ["(realpages absent)"])
def test_each_real_page_field_matches_its_expectation(name: str, field: str) -> None:
    require(PAGES, "../shared/realpages")
    page, want = _extract(name)
    if field == "body":
        body = _norm(page.text)
        assert [s for s in want["must_contain"] if _norm(s) not in body] == []
        assert [s for s in want["must_not_contain"] if _norm(s) in body] == []
        return
    got: Any = {
        "title": _norm(page.title) if page.title is not None else None,
        "breadcrumb": [_norm(c) for c in page.breadcrumb],
        "section_headings": [_norm(s.heading) for s in page.sections if s.heading],
        "published": page.published.isoformat() if page.published else None,
        "modified": page.modified.isoformat() if page.modified else None,
        "language": (page.language or "").split("-")[0].lower() or None,
    }[field]
    assert got == want[field]
