"""The search page: `/-/search?q=…`, one box, results a researcher can narrow and page through.

The results come from the `search` canned query of metadata.yml (so the page and the JSON
API, `/<db>/search.json?q=…`, can never disagree): every form of the words (archive/analysis),
exact forms first, one result per listing, filtered by site, language and publication dates,
sorted by relevance or date. The page adds the count, pagination, the hits marked with
<mark>, each result in its own language and direction, and, when nothing is found, the
searches that would find something (another language, fewer words, a prefix).
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from archive.analysis.fold import UNSPACED
from archive.analysis.query import marking_query
from archive.plugins import highlight, hookimpl, links
from archive.plugins.query import parse
from archive.plugins.reader import archive_database

PER_PAGE = 20
SORTS = {"relevance": "", "date": "date", "oldest": "oldest"}
FILTERS = ("site", "language", "from", "to")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
HINTS = 4  # other searches offered when nothing is found


def _params(args: Any) -> dict[str, str]:
    """The page's parameters, cleaned: what the canned query and the links are built from."""
    params = {"q": (args.get("q") or "").strip()[:500]}
    for key in FILTERS:
        value = (args.get(key) or "").strip()
        if key in ("from", "to") and not _DATE.match(value):
            value = ""
        params[key] = value[:100]
    params["sort"] = args.get("sort") if args.get("sort") in SORTS else "relevance"
    return params


def _page_number(args: Any) -> int:
    try:
        return max(1, min(int(args.get("page") or 1), 10_000))
    except ValueError:
        return 1


async def _run(datasette: Any, db: Any, params: dict[str, str], limit: int,
               offset: int) -> list[dict[str, Any]]:
    canned = await datasette.get_canned_query(db.name, "search", None)
    sql = canned["sql"]
    values = {**params, "sort": SORTS[params["sort"]], "limit": str(limit),
              "offset": str(offset)}
    result = await db.execute(sql, values, custom_time_limit=5_000)
    return [dict(row) for row in result.rows]


async def _count(datasette: Any, db: Any, params: dict[str, str]) -> int:
    rows = await _run(datasette, db, params, 1, 0)
    return int(rows[0]["total"]) if rows else 0


def href(params: dict[str, str], **changes: Any) -> str:
    """This page's address with some parameters changed (None or "" drops one)."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "") and
            not (k == "sort" and v == "relevance") and not (k == "page" and v == 1)}
    return "/-/search" + ("?" + urlencode(kept) if kept else "")


def _hint_queries(params: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """Searches to offer when nothing is found, in the order they are tried."""
    offers: list[tuple[str, dict[str, str]]] = []
    if params["language"]:
        offers.append(("in every language", {**params, "language": ""}))
    if params["site"] or params["from"] or params["to"]:
        offers.append(("on every site, at any date", {**params, "site": "", "from": "", "to": ""}))
    q = params["q"]
    if '"' in q:
        offers.append(("the words apart, not as a phrase", {**params, "q": q.replace('"', " ")}))
    words = [t for g in parse(q) for t in g if not t.excluded]
    raws = [t.raw for t in words if t.raw]
    if len(raws) > 1:
        offers.append(("a shorter search", {**params, "q": " ".join(raws[:-1])}))
        for raw in raws:
            offers.append((f"only “{raw}”", {**params, "q": raw}))
    if len(raws) == 1 and len(raws[0]) > 4 and not words[0].prefix:
        offers.append(("words that start the same", {**params, "q": raws[0][:-2] + "*"}))
    return offers


async def _hints(datasette: Any, db: Any, params: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for label, other in _hint_queries(params):
        if len(found) >= HINTS:
            break
        count = await _count(datasette, db, other)
        if count:
            found.append({"label": label, "q": other["q"], "href": href(other), "count": count})
    return found


async def _choices(db: Any) -> dict[str, list[Any]]:
    # pages.site, as the filter compares it (an index answers: no scan of the pages)
    sites = await db.execute("SELECT DISTINCT site FROM pages WHERE site IS NOT NULL ORDER BY site")
    languages = await db.execute(
        "SELECT language, count(*) AS n FROM pages WHERE language IS NOT NULL "
        "GROUP BY language ORDER BY n DESC")
    return {"sites": [r[0] for r in sites.rows],
            "languages": [(r[0], r[1]) for r in languages.rows]}


def _in_word(ch: str) -> bool:
    # Letters and their marks, not CJK-like characters (each of those is a word of its own).
    return (ch.isalnum() or unicodedata.category(ch).startswith("M")) and not UNSPACED.match(ch)


def mark_words(text: str, query: str) -> str:
    """`text` as escaped HTML with each word holding a hit inside <mark>, whole: a stem marks
    its word ("passeport" marks "passeports"), and an Arabic word keeps its letters joined
    (a mark inside a word would cut its cursive joining)."""
    spans: list[tuple[int, int]] = []
    for start, end in highlight.hits(text[:highlight.MARK_TEXT_LIMIT], query):
        while start > 0 and _in_word(text[start - 1]) and _in_word(text[start]):
            start -= 1
        while end < len(text) and _in_word(text[end]) and _in_word(text[end - 1]):
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    out, last = [], 0
    for start, end in spans:
        out += [html.escape(text[last:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        last = end
    return "".join(out) + html.escape(text[last:])


def _result(row: dict[str, Any], q: str) -> dict[str, Any]:
    language = row.get("language") or ""
    marks = marking_query(q, language)
    return {**row, "dir": links.direction(language), "href": links.page_href(row["url"]),
            "title_html": mark_words(row.get("title") or links.iri(row["url"]), marks),
            "snippet_html": mark_words(row.get("snippet") or "", marks)}


async def search_view(request: Any, datasette: Any) -> Response:
    db = archive_database(datasette)
    params = _params(request.args)
    number = _page_number(request.args)
    rows: list[dict[str, Any]] = []
    hints: list[dict[str, Any]] = []
    if params["q"]:
        rows = await _run(datasette, db, params, PER_PAGE, (number - 1) * PER_PAGE)
        if not rows and number == 1:
            hints = await _hints(datasette, db, params)
    total = int(rows[0]["total"]) if rows else 0
    pages = max(1, -(-total // PER_PAGE))
    context = {
        "params": params, "number": number, "pages": pages, "total": total,
        "results": [_result(r, params["q"]) for r in rows], "hints": hints,
        "first": (number - 1) * PER_PAGE + 1, "href": href, "sorts": list(SORTS),
        "links": links, "database": db.name, **(await _choices(db)),
        "json_href": f"/{db.name}/search.json?" + urlencode(
            {**{k: v for k, v in params.items() if v and v != "relevance"}, "_shape": "array"}),
        "window": [n for n in range(max(1, number - 4), min(pages, number + 4) + 1)],
    }
    html = await datasette.render_template("archive_search.html", context, request=request)
    return Response.html(html)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/search$", search_view)]
