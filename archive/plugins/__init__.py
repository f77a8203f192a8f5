"""Datasette plugins shipped with the archive; `archive.publish` registers them."""
