"""What changed between two versions of a page, as data and as safe HTML.

Pure functions, no I/O. Text is compared token by token with diff-match-patch (each distinct
token is mapped to one character, the library's own line-mode trick, then diffed and cleaned
up semantically): a token is a word for spaced scripts (Latin, Cyrillic, Arabic ...) and a
single character for scripts written without spaces (Chinese, Japanese, Thai ...), so a French
change marks whole words and a Chinese one marks only the characters that changed.

Every text is escaped before it is marked: an attacker's `<script>` in a page is only text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from diff_match_patch import diff_match_patch

EQUAL, INSERT, DELETE, GAP = "equal", "insert", "delete", "gap"
_KIND = {0: EQUAL, 1: INSERT, -1: DELETE}
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3000-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f"
)
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+|\s+|[^\w\s]", re.UNICODE)
BREADCRUMB_SEPARATOR = " › "


@dataclass(frozen=True)
class Op:
    """One run of a diff: `kind` is equal, insert, delete, or gap (equal text left out)."""

    kind: str
    text: str


def tokens(text: str) -> list[str]:
    """Words, spaces and punctuation of `text`, one character per token where words are unspaced.

    >>> tokens("Nouveaux horaires")
    ['Nouveaux', ' ', 'horaires']
    >>> tokens("内部安全")
    ['内', '部', '安', '全']
    """
    return _TOKEN.findall(text)


def _encode(old: list[str], new: list[str]) -> tuple[str, str, list[str]]:
    """Each distinct token as one character (skipping surrogates), as diff-match-patch's lines."""
    table: dict[str, str] = {}
    back: list[str] = []

    def code(token: str) -> str:
        if token not in table:
            n = len(back) + 1
            table[token] = chr(n if n < 0xD800 else n + 0x800)
            back.append(token)
        return table[token]

    return "".join(map(code, old)), "".join(map(code, new)), back


def _decode(chars: str, back: list[str]) -> str:
    return "".join(back[(o - 0x800 if o >= 0xD800 else o) - 1] for o in map(ord, chars))


def diff_text(old: str | None, new: str | None) -> list[Op]:
    """The token-level differences between two texts, as runs of equal, deleted and inserted text."""
    a, b, back = _encode(tokens(old or ""), tokens(new or ""))
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0  # a bound on time: a long page still answers, with a coarser diff
    diffs = dmp.diff_main(a, b, False)
    dmp.diff_cleanupSemantic(diffs)
    ops = [Op(_KIND[k], _decode(chars, back)) for k, chars in diffs if chars]
    return _merge(ops)


def _merge(ops: list[Op]) -> list[Op]:
    merged: list[Op] = []
    for op in ops:
        if merged and merged[-1].kind == op.kind:
            merged[-1] = Op(op.kind, merged[-1].text + op.text)
        else:
            merged.append(op)
    return merged


def changed(ops: Sequence[Op]) -> bool:
    """True when the diff holds any insertion or deletion."""
    return any(op.kind in (INSERT, DELETE) for op in ops)


def changes_only(ops: Sequence[Op], context: int = 60) -> list[Op]:
    """The diff with long unchanged runs cut to `context` characters on each side of a change."""
    out: list[Op] = []
    for i, op in enumerate(ops):
        if op.kind != EQUAL or len(op.text) <= 2 * context + 20:
            out.append(op)
            continue
        first, last = i == 0, i == len(ops) - 1
        head = "" if first else op.text[:context]
        tail = "" if last else op.text[-context:]
        if head:
            out.append(Op(EQUAL, head))
        out.append(Op(GAP, op.text[len(head): len(op.text) - len(tail)]))
        if tail:
            out.append(Op(EQUAL, tail))
    return out


def _span(op: Op) -> str:
    text = html.escape(op.text)
    if op.kind == INSERT:
        return f"<ins>{text}</ins>"
    if op.kind == DELETE:
        return f"<del>{text}</del>"
    if op.kind == GAP:
        return f'<span class="gap" title="{len(op.text)} unchanged characters">…</span>'
    return text


def render_inline(ops: Sequence[Op]) -> str:
    """The diff as one escaped HTML text with <ins> and <del>."""
    return "".join(_span(op) for op in ops)


def render_sides(ops: Sequence[Op]) -> tuple[str, str]:
    """The diff as two escaped HTML texts: the old one with <del>, the new one with <ins>."""
    old = "".join(_span(op) for op in ops if op.kind != INSERT)
    new = "".join(_span(op) for op in ops if op.kind != DELETE)
    return old, new


@dataclass(frozen=True)
class FieldDiff:
    """One field of a page (title, breadcrumb, a date ...) before and after."""

    name: str
    old: str
    new: str
    ops: list[Op]

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class SectionDiff:
    """One section before and after: `status` is same, changed, added or removed."""

    status: str
    heading: FieldDiff
    text: FieldDiff
    level: int = 0


@dataclass(frozen=True)
class VersionDiff:
    """Everything a researcher compares between two versions of one page."""

    fields: list[FieldDiff]
    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.fields) or any(
            s.status != "same" for s in self.sections)


def _field(name: str, old: Any, new: Any) -> FieldDiff:
    a, b = "" if old is None else str(old), "" if new is None else str(new)
    return FieldDiff(name, a, b, diff_text(a, b))


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if not value:
        return []
    try:
        loaded = json.loads(value)
    except (TypeError, ValueError):
        return []
    return loaded if isinstance(loaded, list) else []


def _sections(version: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [s for s in _json_list(version.get("sections")) if isinstance(s, dict)]


def _pair(status: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> SectionDiff:
    o, n = old or {}, new or {}
    heading = _field("heading", o.get("heading"), n.get("heading"))
    text = _field("text", o.get("text"), n.get("text"))
    if status == "paired":
        status = "same" if not (heading.changed or text.changed) else "changed"
    return SectionDiff(status, heading, text, int(n.get("level") or o.get("level") or 0))


def diff_sections(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[SectionDiff]:
    """Sections of two versions lined up by heading, then by position among the unmatched."""
    matcher = SequenceMatcher(None, [s.get("heading") for s in old],
                              [s.get("heading") for s in new], autojunk=False)
    out: list[SectionDiff] = []
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old[i1:i2], new[j1:j2]
        for k in range(max(len(olds), len(news))):
            a = olds[k] if k < len(olds) else None
            b = news[k] if k < len(news) else None
            status = "paired" if a is not None and b is not None else (
                "removed" if b is None else "added")
            out.append(_pair(status, a, b))
    return out


def breadcrumb_text(value: Any) -> str:
    """A breadcrumb (JSON array or list) as one readable trail."""
    return BREADCRUMB_SEPARATOR.join(str(x) for x in _json_list(value))


def diff_versions(old: Mapping[str, Any], new: Mapping[str, Any]) -> VersionDiff:
    """Title, breadcrumb, dates, language and each section of two page_versions rows compared."""
    fields = [
        _field("title", old.get("title"), new.get("title")),
        _field("breadcrumb", breadcrumb_text(old.get("breadcrumb")),
               breadcrumb_text(new.get("breadcrumb"))),
        _field("published", old.get("published"), new.get("published")),
        _field("modified", old.get("modified"), new.get("modified")),
        _field("language", old.get("language"), new.get("language")),
    ]
    return VersionDiff(fields, diff_sections(_sections(old), _sections(new)))
