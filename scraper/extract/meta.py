"""Page metadata: <meta> values and JSON-LD objects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .dom import HtmlElement
from .text import norm


def meta_content(doc: HtmlElement, *names: str) -> str | None:
    """The first non-empty content of a <meta name|property|http-equiv> among names."""
    wanted = {n.lower() for n in names}
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("http-equiv") or "").lower()
        if key in wanted:
            value = norm(el.get("content"))
            if value:
                return value
    return None


_DRAWINGS = frozenset({"svg", "math"})  # their <title> names a picture, not the page


def head_title(doc: HtmlElement) -> str | None:
    """The page's <title>: the first outside an SVG drawing (whose <title> names a picture).
    Not only the head's: markup the parser cannot place in a head (a stray tag or text before
    the <title>) ends the head early, and the <title> after it lands in the body."""
    for el in doc.iter("title"):
        if not any(a.tag in _DRAWINGS for a in el.iterancestors()):
            return norm(el.text_content()) or None
    return None


def jsonld(doc: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, @graph members flattened; bad JSON ignored."""
    found: list[dict[str, Any]] = []
    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        found.extend(_objects(data))
    return found


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack[:0] = graph


def types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    items = value if isinstance(value, list) else [value]
    return {str(v) for v in items if v}
