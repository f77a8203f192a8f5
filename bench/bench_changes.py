"""The change classifier (archive/changes.py) scored on labelled version pairs, beside EDGI's
priority formula: `python bench/bench_changes.py`.

Per class, precision and recall of our classes. EDGI's formula gives a priority, no class: it
is scored on the one decision both make, significant or not (a change is significant unless
it is dates or boilerplate only), at its best threshold on these pairs (the most favourable
choice for the baseline) and at 0.5. Pure computation: no timing, the same figures anywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from change_pairs import Pair, all_pairs, heldout_pairs

from archive.changes import CLASSES, SIGNIFICANT, classify, edgi_priority


def precision_recall(truth: Sequence[bool], guess: Sequence[bool]) -> tuple[float, float]:
    tp = sum(t and g for t, g in zip(truth, guess, strict=True))
    predicted, actual = sum(guess), sum(truth)
    return (tp / predicted if predicted else 1.0), (tp / actual if actual else 1.0)


def per_class(pairs: Sequence[Pair]) -> dict[str, tuple[int, float, float]]:
    """class -> (pairs labelled so, precision, recall)."""
    guessed = [classify(p.old, p.new).kind for p in pairs]
    out = {}
    for kind in CLASSES:
        truth = [p.label == kind for p in pairs]
        guess = [g == kind for g in guessed]
        out[kind] = (sum(truth), *precision_recall(truth, guess))
    return out


def significant_scores(pairs: Sequence[Pair]) -> dict[str, tuple[float, float]]:
    """Significant or not: ours, and EDGI's priority at its best threshold and at 0.5."""
    truth = [p.label in SIGNIFICANT for p in pairs]
    ours = [classify(p.old, p.new).significant for p in pairs]
    priorities = [edgi_priority(p.old, p.new, p.url) for p in pairs]

    def at(threshold: float) -> list[bool]:
        return [x >= threshold for x in priorities]

    def f1(threshold: float) -> float:
        p, r = precision_recall(truth, at(threshold))
        return 2 * p * r / (p + r) if p + r else 0.0

    best = max(sorted(set(priorities)), key=f1)
    return {"ours": precision_recall(truth, ours),
            f"EDGI priority >= {best:.2f} (best)": precision_recall(truth, at(best)),
            "EDGI priority >= 0.50": precision_recall(truth, at(0.5))}


def table(pairs: Sequence[Pair], title: str, out: Callable[[str], None] = print) -> None:
    out(f"\n{title}: {len(pairs)} labelled pairs")
    out(f"{'class':<10} {'pairs':>5} {'precision':>9} {'recall':>7}")
    for kind, (n, p, r) in per_class(pairs).items():
        out(f"{kind:<10} {n:>5} {p:>9.2f} {r:>7.2f}")
    out(f"{'significant or not':<34} {'precision':>9} {'recall':>7}")
    for name, (p, r) in significant_scores(pairs).items():
        out(f"{name:<34} {p:>9.2f} {r:>7.2f}")


def main() -> int:
    table(all_pairs(), "Pairs the rules were settled on")
    table(heldout_pairs(), "Held-out pairs, written after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
