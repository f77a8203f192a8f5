"""The archive: storage and publication of what the crawler fetched and extracted.

`open_archive(path)` is the door (archive/api.py); the exceptions it raises are in
archive/errors.py.
"""

from archive.api import Archive, open_archive
from archive.errors import ArchiveError, ArchiveMissing, ForeignDatabase, LockHeld, NotAnArchive

__all__ = [
    "Archive", "ArchiveError", "ArchiveMissing", "ForeignDatabase", "LockHeld", "NotAnArchive",
    "open_archive",
]
