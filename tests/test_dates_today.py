"""Extraction is given its day: the same bytes extract the same dates whenever they are read.

`reextract` must rebuild the same tables from the same captures next year, so no module of
scraper/extract reads the clock; the caller passes `today`, which bounds the dates (a date
after it is refused), and only `extract_page(today=None)` falls back to the current date.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import scraper.extract
from scraper import extract_page
from scraper.extract.date_scan import parse_date

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Visa</title>
<meta property="article:published_time" content="2019-03-02T10:00:00+01:00"></head>
<body><main><article><h1>Visas pour étudiants</h1>
<p class="date-publication">Publié le 14 juillet 2021</p>
<p>Les étudiants déposent leur demande en ligne, puis se présentent au consulat.</p>
<p>Dernière modification : 16/11/2023</p></article></main></body></html>""".encode()
URL = "http://127.0.0.1/Visas-pour-etudiants-41"


def dates(today: date | None) -> tuple[date | None, date | None]:
    page = extract_page(PAGE, URL, today=today)
    return page.published, page.modified


def test_the_same_bytes_and_day_give_the_same_dates_every_time() -> None:
    day = date(2024, 1, 1)
    assert dates(day) == dates(day) == (date(2021, 7, 14), date(2023, 11, 16))


def test_a_date_after_today_is_refused() -> None:
    # Read on 1 Sept 2022, the update of November 2023 lies in the future: refused.
    assert dates(date(2022, 9, 1)) == (date(2021, 7, 14), None)
    # Read in 2020, the visible publication date is refused too; the markup's earlier one stays.
    assert dates(date(2020, 1, 1)) == (date(2019, 3, 2), None)


def test_today_none_means_the_current_date() -> None:
    assert dates(None) == dates(date.today())


def test_two_digit_years_are_read_without_the_clock() -> None:
    assert parse_date("05/07/97", "fr") == date(1997, 7, 5)
    assert parse_date("05/07/11", "fr") == date(2011, 7, 5)


def test_relative_dates_are_not_read() -> None:
    # "3 days ago" depends on the day it is read; dateparser is asked for absolute dates only.
    assert parse_date("vor 3 Tagen, Jahr 2019", "de") is None
    assert parse_date("il y a 3 jours, 2019", "fr") is None


def _clock_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("today", "now", "utcnow", "time", "localtime")):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_module_of_the_extractor_reads_the_clock_but_extract_page_s_default() -> None:
    package = Path(scraper.extract.__file__).parent
    calls = [call for path in sorted(package.glob("*.py")) for call in _clock_calls(path)]
    assert [c for c in calls if not c.startswith("__init__.py:")] == []
    assert len([c for c in calls if c.startswith("__init__.py:")]) == 1
