"""The archive's first screen: one search box, what the archive holds, what changed lately,
and a small chart of pages published per month (inline SVG made here: no script, no CDN,
no request leaving the machine).

Its counts read the whole archive, so they are made once per change of the archive file and
shared by every visitor: the first visit after a change recounts while the others are shown
the counts before it, at most every `RECOUNT_SECONDS` during a crawl (which changes the file
many times a second). A recount stops at Datasette's `sql_time_limit_ms`; a part not done by
then is shown as not counted, and the next change tries again.

`/` is our own route (plugin routes come before Datasette's): Datasette's index would count
the rows of every table, hidden FTS tables included, one trip to its three SQL threads each,
for a list our template does not show; behind 20 readers that made the home page 1.3 s.
`/.json` stays Datasette's.
"""

from __future__ import annotations

import asyncio
import html
import os
import sqlite3
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from datasette.utils.asgi import Response

from archive.plugins import hookimpl, links
from archive.plugins import reader_data as data
from archive.plugins.reader import archive_database

CHART_WIDTH, CHART_HEIGHT, AXIS = 720, 120, 16


def _months(first: str, last: str) -> list[str]:
    """Every YYYY-MM from `first` to `last`, both included."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _valid_month(month: Any) -> bool:
    return (isinstance(month, str) and len(month) == 7 and month[:4].isdigit()
            and month[4] == "-" and month[5:7].isdigit() and 1 <= int(month[5:7]) <= 12)


def month_chart(counts: list[dict[str, Any]], span: tuple[str, str] | None = None,
                height: int = CHART_HEIGHT) -> str:
    """An SVG bar chart of `[{month: "YYYY-MM", pages: n}, ...]` (rows of one month add up),
    over `span` (first and last month) or the months the rows cover; empty months are gaps."""
    valid: dict[str, int] = {}
    for r in counts:
        if _valid_month(r.get("month")):
            valid[r["month"]] = valid.get(r["month"], 0) + int(r["pages"])
    if not valid:
        return ""
    months = _months(*(span or (min(valid), max(valid))))
    top = max(valid.values())
    width = CHART_WIDTH / len(months)
    every = max(1, len(months) // 12 // 8 + 1)  # at most about eight year labels
    bars, labels = [], []
    for i, month in enumerate(months):
        n = valid.get(month, 0)
        h = (height - AXIS) * n / top
        x = i * width
        if n:
            bars.append(
                f'<rect x="{x:.1f}" y="{height - AXIS - h:.1f}" width="{max(width - 1, 1):.1f}"'
                f' height="{h:.1f}"><title>{html.escape(month)}: {n} pages</title></rect>')
        label_fits = x < CHART_WIDTH - 28  # a year's label needs about 28 units
        if label_fits and (month.endswith("-01") and int(month[:4]) % every == 0 or i == 0):
            labels.append(f'<text x="{x:.1f}" y="{height - 3}">{html.escape(month[:4])}</text>')
    total = sum(valid.values())
    return (
        f'<svg class="per-month" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="100%" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>Pages published per month, {html.escape(months[0])} to "
        f"{html.escape(months[-1])}: {total} pages</title>"
        + "".join(bars) + "".join(labels) + "</svg>"
    )


def charts_by_language(counts: list[dict[str, Any]], most: int = 6) -> list[tuple[str, str]]:
    """One small chart per language (the `most` largest), all over the same months."""
    months = [r["month"] for r in counts if _valid_month(r.get("month"))]
    if not months:
        return []
    span = (min(months), max(months))
    totals: dict[str, int] = {}
    for r in counts:
        totals[r["language"] or "?"] = totals.get(r["language"] or "?", 0) + int(r["pages"])
    chosen = sorted(totals, key=lambda lang: (-totals[lang], lang))[:most]
    return [(lang, month_chart([r for r in counts if (r["language"] or "?") == lang], span, 60))
            for lang in chosen]


RECOUNT_SECONDS = 10.0  # the least time between two recounts while the archive changes
PARTS: dict[str, Callable[[sqlite3.Connection], Any]] = {
    "summary": data.summary,
    "recent": lambda conn: data.changes(conn, limit=10),
    "per_month": data.published_per_month,
}


class NotAnArchive(Exception):
    """The served database has no archive tables: the home page is Datasette's own."""


def _within(conn: sqlite3.Connection, limit_ms: int) -> dict[str, Any]:
    """Every part of the home page's counts, each None if the time limit stopped it."""
    deadline = time.monotonic() + limit_ms / 1000
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
    found: dict[str, Any] = {}
    try:
        for name, part in PARTS.items():
            try:
                found[name] = part(conn)
            except sqlite3.Error as error:
                if "interrupted" not in str(error):
                    raise NotAnArchive(str(error)) from error
                found[name] = None
    finally:
        conn.set_progress_handler(None, 1000)
    return found


def _signature(path: str | None) -> tuple[int, ...] | None:
    """What changes whenever the archive does: the size and time of its file and its WAL."""
    if not path:
        return None
    sig: list[int] = []
    for name in (path, path + "-wal"):
        try:
            st = os.stat(name)
        except OSError:
            sig += [-1, -1]
        else:
            sig += [st.st_size, st.st_mtime_ns]
    return tuple(sig)


@dataclass
class Counts:
    """The last counts made for one Datasette, and the recount under way if any."""

    key: tuple[int, ...] | None = None
    found: dict[str, Any] | None = None
    at: float = 0.0
    task: asyncio.Task[None] | None = None


# Per served Datasette (tests run several in one process); gone with it.
_COUNTS: weakref.WeakKeyDictionary[Any, Counts] = weakref.WeakKeyDictionary()


async def _recount(datasette: Any, counts: Counts, key: tuple[int, ...] | None) -> None:
    limit = int(datasette.setting("sql_time_limit_ms"))
    found = await archive_database(datasette).execute_fn(lambda conn: _within(conn, limit))
    counts.key, counts.found, counts.at = key, found, time.monotonic()


async def home_counts(datasette: Any, recount_after: float = RECOUNT_SECONDS
                      ) -> dict[str, Any]:
    """The home page's counts: the last ones made while they still describe the archive,
    recounted (once, whoever asks) when it changed and they are `recount_after` seconds old.
    Raises NotAnArchive."""
    counts = _COUNTS.setdefault(datasette, Counts())
    key = _signature(archive_database(datasette).path)
    current = counts.found is not None and key is not None and (
        key == counts.key or time.monotonic() - counts.at < recount_after)
    if current and counts.found is not None:
        return counts.found
    if counts.task is None or counts.task.done():
        counts.task = asyncio.ensure_future(_recount(datasette, counts, key))
        # A recount no one awaits (the earlier counts were shown) keeps its failure to itself.
        counts.task.add_done_callback(lambda task: task.cancelled() or task.exception())
    if counts.found is not None:
        return counts.found  # the counts before the change, while it is recounted
    await asyncio.shield(counts.task)
    assert counts.found is not None  # _recount set them or raised
    return counts.found


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> Any:
    if template != "index.html":
        return None

    async def home_vars() -> dict[str, Any]:
        db = archive_database(datasette)
        try:
            found = dict(await home_counts(datasette))
        except NotAnArchive:  # no pages table: the plain index
            return {"archive_home": None}
        found["chart"] = month_chart(found["per_month"] or [])
        found["charts_by_language"] = charts_by_language(found["per_month"] or [])
        return {"archive_home": found, "archive_db": db.name, "links": links}

    return home_vars


async def home_view(request: Any, datasette: Any) -> Response:
    db = archive_database(datasette)
    try:
        await home_counts(datasette)
    except NotAnArchive:  # a database of something else: Datasette's own page of it
        return Response.redirect(datasette.urls.database(db.name))
    # The archive's part of the page comes from extra_template_vars, from the same counts.
    page = await datasette.render_template(
        "index.html", {"metadata": datasette.metadata(), "databases": []}, request=request,
        view_name="index")
    return Response.html(page)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/$", home_view)]
