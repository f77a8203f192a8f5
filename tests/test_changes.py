"""The change classifier (archive/changes.py): its rules on small pairs, and its score on the
labelled pairs of bench/ with a floor that may only go up."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bench_changes import per_class, significant_scores
from change_pairs import all_pairs, heldout_pairs

from archive.changes import classify, edgi_priority, without_numbers


def v(text: str, title: str = "Visas", **more: str) -> dict[str, object]:
    return {"title": title, "sections": [{"heading": None, "text": text}], "text": text, **more}


@pytest.mark.parametrize(("old", "new", "kind"), [
    (v("Le visa.\nDernière modification : 16/11/2017"),
     v("Le visa.\nDernière modification : 08/01/2018"), "dates"),
    (v("Le visa.", modified="2017-01-01"), v("Le visa.", modified="2018-01-01"), "dates"),
    (v("Tél. : +223 20 70 75 00"), v("Tél. : +223 20 70 75 15"), "numbers"),
    (v("Jusqu’au 12 mars 2018."), v("Jusqu’au 30 avril 2018."), "numbers"),
    (v("Écrire à a@b.org"), v("Écrire à visas@diplomatie.gouv.fr"), "numbers"),
    (v("Le visa est délivré en 15 jours."), v("Le visa n’est plus délivré."), "edited"),
    (v("请提前预约。"), v("请提前预约。所有申请人必须亲自到场。"), "edited"),
    (v("Intro."), {"title": "Visas", "sections": [{"heading": None, "text": "Intro."},
                                                  {"heading": "ZONE ROUGE", "text": "Kidal."}]},
     "sections"),
    (None, v("Bienvenue."), "new"),
    (v("Bienvenue."), None, "gone"),
])
def test_each_class_on_a_small_pair(old: dict | None, new: dict | None, kind: str) -> None:
    assert classify(old, new).kind == kind


def test_a_change_has_a_size_and_a_share() -> None:
    change = classify(v("Le visa est délivré en 15 jours."), v("Le visa est délivré en 30 jours."))
    assert change.kind == "numbers" and change.significant
    assert 0 < change.size < 10 and 0 < change.share < 0.5
    assert not classify(v("a.\nUpdated 01/02/2013"), v("a.\nUpdated 03/04/2014")).significant


def test_numbers_are_masked_in_every_script() -> None:
    assert without_numbers("هاتف ٢٠٧٠٧٥٠٠") == without_numbers("هاتف ٢٠٧٠٧٥١٥")
    assert without_numbers("2018年3月12日") == "#"


def test_edgi_priority_follows_its_published_terms() -> None:
    same = v("Le visa est délivré en 15 jours.")
    assert edgi_priority(same, same) == 0
    assert edgi_priority(same, None) == 1  # a status change counts 1
    rewritten = v("Tout autre texte, sans aucun mot commun avec l’ancien, très long " * 5)
    home = edgi_priority(same, rewritten, "http://ml.ambafrance.org/")
    assert 0 < home < edgi_priority(same, rewritten, "http://ml.ambafrance.org/Visas-1") <= 1


# Floors: raise them when the classifier improves, never lower them.
FLOOR = {"dates": (0.95, 0.95), "numbers": (0.95, 0.95), "edited": (0.95, 0.95),
         "sections": (0.95, 0.95), "new": (1.0, 1.0), "gone": (1.0, 1.0)}


def test_the_classifier_scores_at_least_its_floor_on_the_labelled_pairs() -> None:
    pairs = all_pairs()
    assert len(pairs) >= 100
    scores = per_class(pairs)
    for kind, (n, precision, recall) in scores.items():
        assert n >= 5, f"{kind} has too few labelled pairs"
        assert (precision, recall) >= FLOOR[kind] or (
            precision >= FLOOR[kind][0] and recall >= FLOOR[kind][1]), (kind, precision, recall)


def test_on_held_out_pairs_it_beats_edgis_formula_at_telling_what_matters() -> None:
    scores = significant_scores(heldout_pairs())
    ours_p, ours_r = scores["ours"]
    for name, (p, r) in scores.items():
        if name.startswith("EDGI"):
            assert ours_p + ours_r > p + r, (name, p, r)
