"""Publish the archive read-only with Datasette 0.65, the packaged metadata and our plugins.

Read-only without `immutable`: the crawl writes to the file while we serve it, so Datasette
opens it normally (its read connections use `mode=ro`), accepts only SELECT through `?sql=`,
and we load no plugin that writes. WAL lets readers go on while the crawl writes.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

from archive.plugins import (
    exports,
    feed,
    fts,
    guard,
    home,
    memento,
    reader,
    search_page,
    ui,
    year_facet,
)

SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 1000,
    "allow_csv_stream": True,
    "default_page_size": 50,
    "truncate_cells_html": 300,
    "facet_time_limit_ms": 500,
    # Every table has its facets chosen in metadata.yml. Suggestions would count each column
    # on every visit (long texts and the views' computed columns included): at a million
    # rows that is most of a page's time for links nobody needs.
    "suggest_facets": False,
    "allow_download": False,
    "default_cache_ttl": 60,
}
PLUGINS = (fts, guard, exports, ui, reader, feed, home, year_facet, memento, search_page)
PACKAGE = Path(__file__).resolve().parent


def load_metadata(database_name: str) -> dict[str, Any]:
    """The packaged metadata.yml, its database section applied to `database_name`."""
    text = resources.files("archive").joinpath("metadata.yml").read_text(encoding="utf-8")
    metadata: dict[str, Any] = yaml.safe_load(text)
    databases = metadata.get("databases") or {}
    if databases:
        metadata["databases"] = {database_name: next(iter(databases.values()))}
    return metadata


def register_plugins() -> None:
    """Register our plugins with Datasette's plugin manager, once per process."""
    for module in PLUGINS:
        if not pm.is_registered(module):
            pm.register(module, name=module.__name__)


def make_datasette(db_path: str | Path) -> Datasette:
    """A Datasette for the archive at `db_path`: our metadata, settings, plugins and templates."""
    path = Path(db_path)
    register_plugins()
    # Datasette names a database after its file's stem; the metadata must use that name.
    return Datasette(
        files=[str(path)],
        metadata=load_metadata(path.stem),
        settings=SETTINGS,
        # Our templates (the reader's pages, the home page) and their stylesheet.
        template_dir=str(PACKAGE / "templates"),
        static_mounts=[("archive-static", str(PACKAGE / "static"))],
    )


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the archive until interrupted (blocking)."""
    import uvicorn

    ds = make_datasette(db_path)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
