"""The archive's first screen: one search box, what the archive holds, what changed lately,
and a small chart of pages published per month (inline SVG made here: no script, no CDN,
no request leaving the machine)."""

from __future__ import annotations

import html
from typing import Any

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


def _home(conn: Any) -> dict[str, Any]:
    return {"summary": data.summary(conn), "recent": data.changes(conn, limit=10),
            "per_month": data.published_per_month(conn)}


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> Any:
    if template != "index.html":
        return None

    async def home_vars() -> dict[str, Any]:
        db = archive_database(datasette)
        try:
            found = await db.execute_fn(_home)
        except Exception:  # noqa: BLE001 - not an archive (no pages table): the plain index
            return {"archive_home": None}
        found["chart"] = month_chart(found["per_month"])
        found["charts_by_language"] = charts_by_language(found["per_month"])
        return {"archive_home": found, "archive_db": db.name, "links": links}

    return home_vars
