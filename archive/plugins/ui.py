"""Small touches to Datasette's pages for researchers.

Datasette 0.65 lists every column description above a table's rows; on `pages` that pushes
the rows below the fold. This folds the list into a "About the columns" disclosure (plain
HTML without JavaScript: the list stays as it is).
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

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


@hookimpl
def extra_body_script(template: str, **kwargs: Any) -> str | None:
    return FOLD_COLUMN_DESCRIPTIONS if template == "table.html" else None
