"""embassy-archive: a polite crawler and multilingual archive of embassy websites."""

from .extract import extract_page

__version__ = "0.1.0"

__all__ = ["__version__", "extract_page"]
