"""The crawl's vocabulary is in one place, and the archive's descriptions say the same."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from scraper.outcomes import COUNT_COLUMN, FailureReason, Outcome

METADATA = Path(__file__).resolve().parent.parent / "archive" / "metadata.yml"


def _column_description(table: str, column: str) -> str:
    data = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    for database in data["databases"].values():
        found = database.get("tables", {}).get(table, {}).get("columns", {}).get(column)
        if found:
            return str(found)
    raise AssertionError(f"{table}.{column} is not described in {METADATA}")


def test_the_outcome_column_description_lists_exactly_the_outcomes() -> None:
    described = _column_description("captures", "outcome")
    listed = re.search(r"\(([^)]*)\)", described)
    assert listed, described
    assert [w.strip() for w in listed.group(1).split(",")] == [o.value for o in Outcome]


def test_every_outcome_a_crawl_records_counts_towards_a_crawls_column() -> None:
    assert set(COUNT_COLUMN) == set(Outcome) - {Outcome.REDIRECT}


def test_outcome_and_reason_values_are_the_strings_existing_archives_hold() -> None:
    # Renaming a value would orphan every row written before: these strings are data.
    assert [o.value for o in Outcome] == [
        "new", "changed", "unchanged", "not_modified", "document", "gone", "failed", "skipped",
        "redirect",
    ]
    assert FailureReason.DISALLOWED == "disallowed by robots.txt"
    assert FailureReason.ROBOTS_UNAVAILABLE == "robots.txt unavailable"
    assert f"{FailureReason.CRAWLER_ERROR}: ValueError" == "crawler error: ValueError"
