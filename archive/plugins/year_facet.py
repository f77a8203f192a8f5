"""A `year` facet: years newest first (not by count), then an "undated" bucket.

Datasette's column facet orders values by count and leaves out nulls, so a researcher saw
2017 before 2011 beside 2018, and pages without a date in no bucket at all. Configured in
metadata.yml as `facets: [{year: published_year}]`.

The column comes from the address too (`?_facet_year=...`): one that is not a column of the
table (a NUL, a typo) is a 400 with one clear line, never SQL sent to SQLite.
"""

from __future__ import annotations

from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from datasette.utils.asgi import BadRequest

from archive.plugins import hookimpl

UNDATED = "undated"


class YearFacet(Facet):  # type: ignore[misc]  # Datasette ships no type hints
    """Counts per year in year order, plus the rows with no year."""

    type = "year"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    def _toggle(self, column: str, arg: str, value: str, qs: list[tuple[str, str]]
                ) -> tuple[str, bool]:
        selected = (arg, value) in qs
        change = path_with_removed_args if selected else path_with_added_args
        path = change(self.request, {arg: value})
        return self.ds.absolute_url(self.request, self.ds.urls.path(path)), selected

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        qs = self.get_querystring_pairs()
        columns = await self.ds.get_database(self.database).table_columns(self.table)
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            if column not in columns:
                raise BadRequest(f"No column {column!r} to count by year in {self.table}.")
            col = escape_sqlite(column)
            sql = (f"select {col} as value, count(*) as count from ({self.sql}) "
                   f"group by {col} order by {col} is null, {col} desc")
            try:
                rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                             custom_time_limit=self.ds.setting(
                                                 "facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows:
                if row["value"] is None:
                    url, selected = self._toggle(column, f"{column}__isnull", "1", qs)
                    label = UNDATED
                else:
                    url, selected = self._toggle(column, column, str(row["value"]), qs)
                    label = row["value"]
                values.append({"value": row["value"], "label": label, "count": row["count"],
                               "toggle_url": url, "selected": selected})
            results.append({
                "name": column, "type": self.type,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(
                    path_with_removed_args(self.request, {"_facet_year": column})),
                "results": values, "truncated": False,
            })
        return results, timed_out


@hookimpl
def register_facet_classes() -> list[type]:
    return [YearFacet]
