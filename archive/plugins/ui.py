"""Small touches to Datasette's own pages for researchers.

- Column descriptions fold into an "About the columns" disclosure, so that a table's rows
  are on the first screen (Datasette 0.65 lists them all above the rows).
- Every page address in a table or a query links to its archived page view (not to the live
  site), shown decoded (an IRI); titles link there too; a capture's time links to the
  capture view; a `diff` column links to the diff; breadcrumbs read as a trail.
- A page's title and each trail item are shown capped and bidi-isolated (`links.bdi`): a
  1 MB title or a U+202E in one cannot take over the table or reverse its neighbours.
- Search snippets mark their hits with <mark>. render_cell is not given the request in
  0.65, so an ASGI wrapper keeps the request's query string in a context variable for it.
"""

from __future__ import annotations

import contextvars
import json
from typing import Any
from urllib.parse import parse_qs

from markupsafe import Markup, escape

from archive.plugins import hookimpl, links
from archive.plugins.highlight import mark

FOLD_COLUMN_DESCRIPTIONS = """
document.querySelectorAll("dl.column-descriptions").forEach(function (dl) {
  var details = document.createElement("details");
  var summary = document.createElement("summary");
  summary.textContent = "About the columns (" + dl.querySelectorAll("dt").length + ")";
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(summary);
  details.appendChild(dl);
});
"""
_QUERY: contextvars.ContextVar[dict[str, list[str]] | None] = contextvars.ContextVar(
    "archive_query_args", default=None)
PAGE_URL_COLUMNS = {"url", "page_url", "final_url"}


@hookimpl
def extra_body_script(template: str, **kwargs: Any) -> str | None:
    return FOLD_COLUMN_DESCRIPTIONS if template == "table.html" else None


@hookimpl
def extra_template_vars(template: str) -> dict[str, Any] | None:
    # The row page of `pages` links to the reader's view with the reader's own addresses.
    return {"links": links} if template == "row.html" else None


@hookimpl
def extra_css_urls() -> list[str]:
    return ["/archive-static/archive.css"]


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def remember_query(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            args = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            token = _QUERY.set(args)
            try:
                await app(scope, receive, send)
            finally:
                _QUERY.reset(token)

        return remember_query

    return wrap


def _get(row: Any, key: str) -> Any:
    try:
        return row[key]
    except (KeyError, IndexError, TypeError):
        return None


def _link(href: str, text: str | Markup, cls: str = "") -> Markup:
    attr = f' class="{cls}"' if cls else ""
    return Markup(f'<a href="{escape(href)}"{attr}>{escape(text)}</a>')


def _label_link(href: str, label: object) -> Markup:
    """A page's label (its title) as a link in a cell: capped, and `dir="auto"`, which both
    isolates it (a U+202E cannot reverse what stands beside it) and aligns it as its own
    script runs: an Arabic title to the right. (A <bdi> isolates too, but a cell cannot see
    past it to take its direction.)"""
    return Markup(f'<a href="{escape(href)}" class="cell-label" dir="auto">'
                  f'{escape(links.label(label))}</a>')


def _search_words() -> str:
    args = _QUERY.get() or {}
    return " ".join(args.get("q", []) + args.get("_search", []))


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Markup | None:
    if isinstance(value, dict) and column in PAGE_URL_COLUMNS and isinstance(
            value.get("value"), str):
        # A foreign key to pages that Datasette expanded with the page's title: the title
        # opens the page as it reads, not the raw row.
        return _label_link(links.page_href(value["value"], q=_search_words() or None),
                           value.get("label") or links.iri(value["value"]))
    if isinstance(value, str) and column in PAGE_URL_COLUMNS and value.startswith("http"):
        capture_id = _get(row, "id") if table == "captures" else None
        if capture_id is not None:
            return _link(links.capture_href(capture_id), links.iri(value))
        return _link(links.page_href(value, q=_search_words() or None), links.iri(value))
    if column == "title" and isinstance(_get(row, "url"), str) and (table in (None, "pages")):
        return _label_link(links.page_href(_get(row, "url"), q=_search_words() or None),
                           value or "(no title)")
    if column == "fetched_at" and table == "captures" and _get(row, "id") is not None:
        return _link(links.capture_href(_get(row, "id")), str(value))
    if column in ("version", "at") and table == "page_versions" and isinstance(
            _get(row, "url"), str) and isinstance(_get(row, "at"), str):
        return _link(links.page_href(_get(row, "url"), at=_get(row, "at")), str(value))
    if column == "diff" and table is None and isinstance(_get(row, "url"), str) and value:
        if _get(row, "change") in ("new", "gone") or value == "first version":
            return _link(links.page_href(_get(row, "url"), _get(row, "version")), str(value))
        version = _get(row, "version")
        new = int(version) if isinstance(version, int) else None
        old = new - 1 if new and new > 1 else None
        return _link(links.diff_href(_get(row, "url"), old, new), str(value))
    if column == "snippet" and table is None and isinstance(value, str):
        return Markup(mark(value, _search_words()))
    if column == "breadcrumb" and isinstance(value, str) and value.startswith("["):
        return _trail(value)
    return None


def _trail(value: str) -> Markup | None:
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    return Markup('<span class="trail">' + " › ".join(links.bdi(i) for i in items)
                  + "</span>")
