"""Diffs between page versions: pure functions returning data and safe HTML."""

from __future__ import annotations

import html as html_module
import json
import re

import pytest

from archive.diff import (
    DELETE,
    EQUAL,
    GAP,
    INSERT,
    Op,
    changes_only,
    diff_text,
    diff_versions,
    render_inline,
    render_sides,
    tokens,
)


def marked(ops: list[Op], kind: str) -> list[str]:
    return [op.text for op in ops if op.kind == kind]


@pytest.mark.parametrize(("text", "expected"), [
    ("Nouveaux horaires", ["Nouveaux", " ", "horaires"]),
    ("Новые часы работы", ["Новые", " ", "часы", " ", "работы"]),
    ("内部安全", ["内", "部", "安", "全"]),
    ("ビザ申請", ["ビ", "ザ", "申", "請"]),
    ("l’ambassade, 2018.", ["l", "’", "ambassade", ",", " ", "2018", "."]),
    ("الأمن الداخلي", ["الأمن", " ", "الداخلي"]),
])
def test_tokens_are_words_where_scripts_space_them_and_characters_where_not(
    text: str, expected: list[str]
) -> None:
    assert tokens(text) == expected
    assert "".join(tokens(text)) == text


def test_a_french_change_marks_whole_words() -> None:
    ops = diff_text("du lundi au jeudi de 8 h à 12 h", "du lundi au vendredi de 7 h à 12 h")
    assert marked(ops, DELETE) == ["jeudi", "8"] and marked(ops, INSERT) == ["vendredi", "7"]
    assert "".join(op.text for op in ops if op.kind != INSERT) == "du lundi au jeudi de 8 h à 12 h"


def test_a_russian_change_marks_whole_words() -> None:
    ops = diff_text("Посольство открыто в понедельник", "Посольство закрыто в понедельник")
    assert marked(ops, DELETE) == ["открыто"] and marked(ops, INSERT) == ["закрыто"]


def test_a_chinese_change_marks_only_the_characters_that_changed() -> None:
    ops = diff_text("法国驻华大使馆内部安全服务", "法国驻华大使馆对外安全服务")
    assert marked(ops, DELETE) == ["内部"] and marked(ops, INSERT) == ["对外"]


def test_an_attackers_text_is_only_text_in_every_rendering() -> None:
    ops = diff_text("<script>alert(1)</script>", '<img src=x onerror="alert(2)">')
    inline = render_inline(ops)
    old, new = render_sides(ops)
    for html in (inline, old, new):
        assert "<script" not in html and "<img" not in html
        assert html.replace("<ins>", "").replace("</ins>", "").replace("<del>", "").replace(
            "</del>", "").count("<") == 0
    strip = lambda h: html_module.unescape(re.sub(r"</?(ins|del)>", "", h))
    assert strip(old) == "<script>alert(1)</script>"
    assert strip(new) == '<img src=x onerror="alert(2)">'
    assert "&lt;" in old and "&quot;" in new


def test_sides_keep_the_old_text_with_deletions_and_the_new_with_insertions() -> None:
    old, new = render_sides(diff_text("a b c", "a x c"))
    assert old == "a <del>b</del> c" and new == "a <ins>x</ins> c"


def test_changes_only_cuts_long_unchanged_runs_but_keeps_context() -> None:
    before = "début " * 100 + "ancien " + "fin " * 100
    after = "début " * 100 + "nouveau " + "fin " * 100
    ops = changes_only(diff_text(before, after), context=30)
    assert [op.kind for op in ops].count(GAP) == 2
    assert marked(ops, DELETE) == ["ancien"] and marked(ops, INSERT) == ["nouveau"]
    shown = sum(len(op.text) for op in ops if op.kind == EQUAL)
    assert shown <= 2 * 30 + 10
    assert "…" in render_inline(ops)


def test_a_change_after_the_300th_character_is_found() -> None:
    long = "x" * 10 + " mot" * 200
    ops = diff_text(long + " fin", long + " suite")
    assert marked(ops, DELETE) == ["fin"] and marked(ops, INSERT) == ["suite"]


def _version(title: str, sections: list[tuple[str | None, str]], **extra: str) -> dict:
    return {"title": title, "breadcrumb": json.dumps(["Accueil", "Visas"]),
            "sections": json.dumps([{"heading": h, "level": 2 if h else 0, "text": t}
                                    for h, t in sections]), **extra}


def test_versions_compare_title_dates_and_each_section_lined_up_by_heading() -> None:
    old = _version("Visas", [(None, "Intro."), ("Pièces", "Passeport."), ("Délais", "Deux mois.")],
                   published="2017-01-01")
    new = _version("Visas et titres", [(None, "Intro."), ("Délais", "Un mois."),
                                       ("Tarifs", "99 euros.")],
                   published="2017-01-01", modified="2018-02-01")
    diff = diff_versions(old, new)
    fields = {f.name: f for f in diff.fields}
    assert fields["title"].changed and marked(fields["title"].ops, INSERT) == [" et titres"]
    assert not fields["breadcrumb"].changed and fields["breadcrumb"].new == "Accueil › Visas"
    assert not fields["published"].changed and fields["modified"].new == "2018-02-01"
    by_status = [(s.status, s.heading.old or s.heading.new) for s in diff.sections]
    assert by_status == [("same", ""), ("removed", "Pièces"), ("changed", "Délais"),
                         ("added", "Tarifs")]
    assert diff.changed


def test_identical_versions_show_no_change() -> None:
    v = _version("Visas", [(None, "Intro.")])
    assert not diff_versions(v, dict(v)).changed
