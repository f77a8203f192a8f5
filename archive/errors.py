"""What can go wrong when an archive is opened, as named exceptions (their text is for the user).

    ArchiveError
     ├── LockHeld            another process holds the archive's crawl lock
     ├── ArchiveMissing      no file there, and we were asked not to create one
     └── NotAnArchive        the file is not an SQLite database we can read
          └── ForeignDatabase  an SQLite database of another application
"""


class ArchiveError(Exception):
    """An archive that cannot be used now; the message is one line for the user."""


class LockHeld(ArchiveError):
    """Another process holds this database's crawl lock."""


class ArchiveMissing(ArchiveError):
    """No archive at that path (and we were asked not to create one)."""


class NotAnArchive(ArchiveError):
    """The file is not an SQLite database, or is damaged."""


class ForeignDatabase(NotAnArchive):
    """An SQLite database of another application: adding our tables to it would be rude."""
