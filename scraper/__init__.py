"""embassy-archive: a polite crawler and multilingual archive of embassy websites.

`extract_page` is imported at once (it is all a worker process needs); the crawl API
(`crawl_sites`, `reextract`, `seed_site`) on first use, since it brings in httpx
and the archive's storage.
"""

from typing import Any

from .extract import extract_page

__version__ = "0.1.0"

_API = ("crawl_sites", "reextract", "seed_site")

__all__ = ["__version__", "crawl_sites", "extract_page", "reextract", "seed_site"]


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'scraper' has no attribute {name!r}")
