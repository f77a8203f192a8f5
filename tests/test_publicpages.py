"""The body suite of the publicpages development set (../shared/publicpages), scored
against floors.

The pages are the development half of trafilatura's own evaluation suite; the scores follow
its rules (as ../shared/publicpages/score.py does, written again here in a few lines): body
snippets found as whitespace-collapsed, case-sensitive substrings, pooled over all pages;
titles equal after collapsing whitespace and case folding. The dates suite has its own test,
tests/test_dates_publicpages.py, with its own floor: scoring it here too ran the same 509
pages twice. The floors below are what the extractor reached, rounded down: raise them when
it improves, never lower them.

The other half of the two suites (other sites) is scored too where its snapshots were fetched
(bench/corpora.py), against floors of its own: that half is measured, never tuned on.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from shared_data import SHARED, require

from scraper import extract_page
from scraper.models import Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import corpora  # bench/corpora.py reads the held-out half where it lies

CASES = SHARED / "publicpages"
# A fixed day bounds the dates, so that the score does not move with the calendar.
TODAY = date(2026, 12, 1)

BODY_F1 = 0.94
BODY_PRECISION = 0.92
BODY_RECALL = 0.959  # 1362 of 1420 snippets (0.9592; 0.9599 until a box of related links was left out)
TITLE_ACCURACY = 0.91  # 0.913 of 412 titles (0.903 before issue 22's title classes)
# The other half of the same two suites (other sites), only ever scored, never read page by
# page (bench/corpora.py: "publicpages-held"): what the extractor reached there, rounded down.
# 0.9487 with a rule that let htmldate read lists of dated links inside <main>, which dated
# SPIP rubriques by their newest article (the archive's own listings): that class lost, 0.946.
HELD_DATES_F1 = 0.947  # 0.9475 of 472 pages (0.947 before issue 22; htmldate 0.953)
HELD_BODY_F1 = 0.920  # 0.9206 of 499 pages (0.916 before issue 22's body classes; trafilatura 0.927)
HELD_BODY_PRECISION = 0.900  # 0.9003 (0.891 before; trafilatura 0.903): where we lose to it
HELD_TITLE_ACCURACY = 0.879  # 0.880 of 425 titles (0.868 before; trafilatura 0.588)

pytestmark = pytest.mark.slow


def _collapse(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@dataclass
class Counts:
    """True and false positives and false negatives, pooled over pages."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 0.0


def score_body(gold: dict[str, Any], text: str, counts: Counts) -> None:
    """Each `with` snippet found is a TP, each missing an FN; each `without` found an FP."""
    body = _collapse(text)
    found = sum(_collapse(s) in body for s in gold["with"])
    counts.tp += found
    counts.fn += len(gold["with"]) - found
    counts.fp += sum(_collapse(s) in body for s in gold["without"])


@dataclass
class Scores:
    body: Counts
    titles: int
    titles_right: int
    errors: list[str]


def _cases(suite: str) -> list[dict[str, Any]]:
    lines = (CASES / f"{suite}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _extract(case: dict[str, Any], errors: list[str]) -> Page | None:
    with gzip.open(CASES / case["html_path"], "rb") as f:
        data = f.read()
    try:
        return extract_page(data, case["url"], today=TODAY)
    except Exception as exc:  # noqa: BLE001 - a raising page is itself a failure to report
        errors.append(f"{case['id']}: {exc!r}")
        return None


@pytest.fixture(scope="module")
def scores() -> Scores:
    require(CASES / "body.jsonl", "../shared/publicpages")
    result = Scores(Counts(), 0, 0, [])
    for case in _cases("body"):
        page = _extract(case, result.errors)
        gold = case["gold"]
        score_body(gold, page.text if page else "", result.body)
        if gold.get("title"):
            result.titles += 1
            got = _collapse(page.title if page else "").casefold()
            result.titles_right += got == _collapse(gold["title"]).casefold()
    return result


def test_no_page_of_the_set_raises(scores: Scores) -> None:
    assert scores.errors == []


def test_body_text_f1_stays_above_its_floor(scores: Scores) -> None:
    assert scores.body.f1 >= BODY_F1, f"body F1 {scores.body.f1:.4f}"


def test_body_text_precision_and_recall_stay_above_their_floors(scores: Scores) -> None:
    got = (round(scores.body.precision, 4), round(scores.body.recall, 4))
    assert scores.body.precision >= BODY_PRECISION and scores.body.recall >= BODY_RECALL, got


def test_title_accuracy_stays_above_its_floor(scores: Scores) -> None:
    accuracy = scores.titles_right / scores.titles
    assert accuracy >= TITLE_ACCURACY, f"title accuracy {accuracy:.4f} of {scores.titles}"


@pytest.mark.parametrize(("gold", "text", "want"), [
    ({"with": ["a  b", "zz"], "without": ["c"]}, "x a\nb c", (1, 1, 1)),
    ({"with": ["A"], "without": []}, "a", (0, 0, 1)),  # case-sensitive, as the suite is
    ({"with": [], "without": ["nav"]}, "", (0, 0, 0)),
])
def test_the_body_scorer_counts_snippets_as_the_suite_does(
    gold: dict[str, Any], text: str, want: tuple[int, int, int]
) -> None:
    counts = Counts()
    score_body(gold, text, counts)
    assert (counts.tp, counts.fp, counts.fn) == want


@pytest.fixture(scope="module")
def held() -> tuple[Counts, Counts, int, int]:
    """(dates, body, titles, titles right) on the held-out half; skipped where the snapshots
    of htmldate and trafilatura are not on this machine (they are fetched, never committed)."""
    cases = list(corpora.load("publicpages-held"))
    if not cases:
        pytest.skip("the held-out half's snapshots are not on this machine")
    dates, body, titles, right = Counts(), Counts(), 0, 0
    for case in cases:
        page = extract_page(case.html, case.url, today=TODAY)
        gold = case.gold
        if "date" in gold:
            got = page.published.isoformat() if page.published else None
            if got is not None and got == gold["date"]:
                dates.tp += 1
            elif got is not None:
                dates.fp += 1
            elif gold["date"] is not None:
                dates.fn += 1
        if "with" in gold:
            score_body(gold, page.text, body)
        if gold.get("title"):
            titles += 1
            right += _collapse(page.title).casefold() == _collapse(gold["title"]).casefold()
    return dates, body, titles, right


def test_the_held_out_half_stays_above_its_floors(held: tuple[Counts, Counts, int, int]) -> None:
    dates, body, titles, right = held
    got = (round(dates.f1, 4), round(body.f1, 4), round(body.precision, 4), round(right / titles, 4))
    assert dates.f1 >= HELD_DATES_F1 and body.f1 >= HELD_BODY_F1, got
    assert body.precision >= HELD_BODY_PRECISION and right / titles >= HELD_TITLE_ACCURACY, got
