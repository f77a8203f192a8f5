"""Scores of our extractor beside trafilatura and htmldate on every corpus, by half.

    .venv/bin/python bench/score_corpora.py [--corpus NAME ...] [--limit N] [--misses N]

Corpora and halves are described in bench/corpora.py. Metrics:
  dates   htmldate's: TP the gold day; FP another day, or one where the gold has none; FN none
          where the gold has one. F1 = 2TP / (2TP + FP + FN).
  body    with snippets (publicpages): trafilatura's, each `with` snippet found a TP, missing an
          FN, each `without` found an FP, pooled. With a whole gold text (CleanEval, Dragnet,
          L3S-GN1): bags of lower-cased word tokens, per page P and R of the shared tokens,
          averaged over pages (as Dragnet's and CleanEval's evaluations do), F1 of the means.
  title   exact after collapsing whitespace and case folding, on pages with a gold title.
The libraries' answers never change, so they are kept in $TMPDIR/corpora-cache and computed
once. `--misses N` lists our first N misses, on tune corpora only: the measure half is
scored, never read.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpora import HALVES, Case, load

CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "corpora-cache"
TODAY = date(2026, 12, 1)
Result = dict[str, Any]


def _collapse(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def ours(case: Case) -> Result:
    from scraper import extract_page

    page = extract_page(case.html, case.url, today=TODAY)
    return {"text": page.text, "title": page.title,
            "date": page.published.isoformat() if page.published else None}


def trafilatura(case: Case) -> Result:
    import trafilatura as t

    out = t.extract(case.html, output_format="json", with_metadata=True, fast=False,
                    include_comments=False, include_tables=True, include_formatting=False,
                    url=case.url)
    got = json.loads(out) if out else {}
    return {"text": got.get("text"), "title": got.get("title"), "date": got.get("date")}


def htmldate(case: Case) -> Result:
    from htmldate import find_date

    return {"date": find_date(case.html, url=case.url, extensive_search=True, original_date=True)}


def run(name: str, call: Callable[[Case], Result], cases: list[Case], cached: bool) -> list[Result]:
    store: dict[str, Result] = {}
    path = CACHE / f"{name}.jsonl"
    if cached and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            store[item.pop("id")] = item
    results = []
    for case in cases:
        if case.id not in store:
            got: Result = {}
            with contextlib.suppress(Exception):  # a page a library cannot read scores nothing
                got = call(case)
            store[case.id] = got
            if cached:
                CACHE.mkdir(exist_ok=True)
                with path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"id": case.id, **got}) + "\n")
        results.append(store[case.id])
    return results


def _tokens(text: str | None) -> Counter[str]:
    return Counter(re.findall(r"\w+", (text or "").lower()))


def score(cases: list[Case], results: list[Result]) -> dict[str, Any]:
    d = {"tp": 0, "fp": 0, "fn": 0, "n": 0}
    s = {"tp": 0, "fp": 0, "fn": 0, "n": 0}
    tok = {"p": 0.0, "r": 0.0, "n": 0}
    titles = right = 0
    has_text = any("text" in got for got in results)  # htmldate gives the date alone
    has_title = any("title" in got for got in results)
    for case, got in zip(cases, results):
        gold = case.gold
        if "date" in gold:
            d["n"] += 1
            want, have = gold["date"], (got.get("date") or None)
            key = "tp" if have and have == want else "fp" if have else "fn" if want else ""
            if key:
                d[key] += 1
        if "with" in gold and has_text:
            body = _collapse(got.get("text"))
            s["n"] += 1
            found = sum(_collapse(w) in body for w in gold["with"])
            s["tp"] += found
            s["fn"] += len(gold["with"]) - found
            s["fp"] += sum(_collapse(w) in body for w in gold["without"])
        if "text" in gold and has_text and _tokens(gold["text"]):
            want_t, have_t = _tokens(gold["text"]), _tokens(got.get("text"))
            shared = sum((want_t & have_t).values())
            tok["n"] += 1
            tok["p"] += shared / sum(have_t.values()) if have_t else 0.0
            tok["r"] += shared / sum(want_t.values())
        if has_title and gold.get("title") and _collapse(gold["title"]):
            titles += 1
            right += _collapse(got.get("title")).casefold() == _collapse(gold["title"]).casefold()
    out: dict[str, Any] = {}
    if d["n"]:
        out["dates"] = (d["n"], 2 * d["tp"] / max(1, 2 * d["tp"] + d["fp"] + d["fn"]))
    if s["n"]:
        p = s["tp"] / max(1, s["tp"] + s["fp"])
        r = s["tp"] / max(1, s["tp"] + s["fn"])
        out["body"] = (s["n"], p, r, 2 * p * r / (p + r) if p + r else 0.0)
    elif tok["n"]:
        p, r = tok["p"] / tok["n"], tok["r"] / tok["n"]
        out["body"] = (tok["n"], p, r, 2 * p * r / (p + r) if p + r else 0.0)
    if titles:
        out["title"] = (titles, right / titles)
    return out


def _row(corpus: str, name: str, got: dict[str, Any]) -> str:
    dates = f"{got['dates'][0]:>4} {got['dates'][1]:.3f}" if "dates" in got else f"{'-':>10}"
    n, p, r, f = got.get("body", (0, 0, 0, 0))
    body = f"{n:>4} {p:.3f} {r:.3f} {f:.3f}" if "body" in got else f"{'-':>22}"
    title = f"{got['title'][0]:>4} {got['title'][1]:.3f}" if "title" in got else f"{'-':>10}"
    return f"{corpus:<17} {HALVES[corpus]:<7} {name:<12} {dates}  {body}  {title}"


def misses(cases: list[Case], results: list[Result], limit: int) -> None:
    shown = 0
    for case, got in zip(cases, results):
        gold, lost = case.gold, []
        if "date" in gold and (got.get("date") or None) != gold["date"]:
            lost.append(f"date {got.get('date')} != {gold['date']}")
        body = _collapse(got.get("text"))
        lost += [f"missing {w!r}" for w in gold.get("with", []) if _collapse(w) not in body]
        lost += [f"leaked {w!r}" for w in gold.get("without", []) if _collapse(w) in body]
        want, have = _collapse(gold.get("title")), _collapse(got.get("title"))
        if want and have.casefold() != want.casefold():
            lost.append(f"title {have!r} != {want!r}")
        if lost and shown < limit:
            shown += 1
            print(case.id, case.url, *lost, sep="\n  ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=sorted(HALVES))
    parser.add_argument("--limit", type=int, default=None, help="the first N pages of each")
    parser.add_argument("--misses", type=int, default=0, help="list N misses (tune half only)")
    parser.add_argument("--ours-only", action="store_true", help="skip the two libraries")
    args = parser.parse_args(argv)
    print(f"{'corpus':<17} {'half':<7} {'extractor':<12} {'dates F1':>10}  "
          f"{'body n    P     R     F1':>22}  {'title acc':>10}")
    for corpus in args.corpus or list(HALVES):
        cases = list(load(corpus))[: args.limit]
        if not cases:
            print(f"{corpus:<17} (not on this machine)")
            continue
        contenders: dict[str, tuple[Callable[[Case], Result], bool]] = {"ours": (ours, False)}
        if not args.ours_only:
            contenders |= {"trafilatura": (trafilatura, True), "htmldate": (htmldate, True)}
        for name, (call, cached) in contenders.items():
            results = run(name, call, cases, cached)
            print(_row(corpus, name, score(cases, results)), flush=True)
            if name == "ours" and args.misses and HALVES[corpus] == "tune":
                misses(cases, results, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
