"""Every error the library raises for a user to read: one tree, one root, one exit status each.

    EmbassyArchiveError          exit   (the root: catch it to catch them all)
     ├── ConfigError               2    a sites file that cannot be used (scraper.config)
     ├── NotAURL                   2    a seed that is not an http(s) URL (scraper.api; a ValueError)
     ├── WarcError                 2    a file that cannot be read as WARC (archive.warc_import)
     ├── ExportError               2    an export that cannot be made (archive.warc)
     ├── ServiceUnavailable        3    a web archive's CDX or replay server, down or refusing
     └── ArchiveError              2    an archive that cannot be used now
          ├── ArchiveMissing       2    no file there, and we were asked not to create one
          ├── NotAnArchive         2    not an SQLite database we can read (or a folder)
          │    └── ForeignDatabase 2    an SQLite database of another application
          ├── NewerArchive         2    written by a newer embassy-archive than this one
          ├── CannotWrite         74    the disk refuses a write (sysexits EX_IOERR)
          │    ├── DiskFull       74    no space left, or the file-size limit reached
          │    └── ReadOnly       74    a read-only file system, or no permission to write
          └── LockHeld            75    another process holds the crawl lock (EX_TEMPFAIL)

Every message is one sentence for the user; `exit_status` is what the command line exits with
(`scraper.cli.user_errors` is the one place that reads it). The classes live here, in one leaf
module that imports nothing of ours, because both packages raise them: `archive/` may import
nothing of `scraper/` but its models, while `scraper/` may import `archive/` (the modules that
raise ConfigError, NotAURL and ServiceUnavailable re-export them under their old names).

Exceptions that never leave their module (a crawl's PastDeadline, a body's BodyError, a WARC
record's Broken, the server plugins' refusals answered as HTTP statuses) are control flow, not
errors for a user: they stay beside their code, listed in tests/test_errors.py.

`storage_failure` turns what SQLite or the OS says about a write (SQLITE_FULL, EROFS …) into a
CannotWrite, so a full disk reads as one line, not as a damaged archive.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import ClassVar

EX_USAGE = 2  # click's own status for bad usage; ours for every mistake in what was given
EX_SERVICE = 3
EX_IOERR = 74
EX_TEMPFAIL = 75


class EmbassyArchiveError(Exception):
    """The root: a failure whose message is one line for the user."""

    exit_status: ClassVar[int] = EX_USAGE


class ConfigError(EmbassyArchiveError):
    """A sites file that cannot be used; the message names the file and the line."""


class NotAURL(EmbassyArchiveError, ValueError):
    """A seed that is not an http(s) URL."""


class WarcError(EmbassyArchiveError):
    """A file that cannot be read as WARC; the message names it, in one line."""


class ExportError(EmbassyArchiveError):
    """An export that cannot be made (an unknown site, a bad date, WACZ packing failed)."""


class ServiceUnavailable(EmbassyArchiveError):
    """The CDX or replay server could not be used now (down, refusing, or asking us to wait)."""

    exit_status = EX_SERVICE


class ArchiveError(EmbassyArchiveError):
    """An archive that cannot be used now; the message is one line for the user."""


class ArchiveMissing(ArchiveError):
    """No archive at that path (and we were asked not to create one)."""


class NotAnArchive(ArchiveError):
    """The file is not an SQLite database, is damaged, or is a folder."""


class ForeignDatabase(NotAnArchive):
    """An SQLite database of another application: adding our tables to it would be rude."""


class NewerArchive(ArchiveError):
    """Written by a newer embassy-archive: this one would misread it or undo its schema.

    Message form: "archive.db was written by a newer embassy-archive (schema 12, this one
    knows up to 11): upgrade embassy-archive" (see `newer_archive`).
    """


class CannotWrite(ArchiveError):
    """The archive's disk or file refuses a write; nothing was lost but the write itself."""

    exit_status = EX_IOERR


class DiskFull(CannotWrite):
    """No space left on the archive's disk (or the process's file-size limit reached)."""


class ReadOnly(CannotWrite):
    """A read-only file system, or a file or folder this process may not write."""


class LockHeld(ArchiveError):
    """Another process holds this database's crawl lock."""

    exit_status = EX_TEMPFAIL


def newer_archive(path: str | Path, version: int, known: int) -> NewerArchive:
    """The one wording of NewerArchive, for whoever finds the version too high."""
    return NewerArchive(
        f"{path} was written by a newer embassy-archive (schema {version}, this one knows up "
        f"to {known}): upgrade embassy-archive"
    )


_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
# SQLite's extended result codes (Python 3.11 reports them): a write that failed for want of
# room is SQLITE_FULL, or an I/O error on writing when the OS said EFBIG (a file-size limit).
_SQLITE_FULL = {"SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE",
                "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR_DIR_FSYNC"}


def storage_failure(exc: BaseException | None, path: str | Path | None = None) -> CannotWrite | None:
    """The CannotWrite that an OS or SQLite error stands for, or None when it is not one.

    The file the OS names, else `path` (the archive), goes into the message. SQLite's "cannot open"
    counts when the file or its folder is not writable: SQLite needs to create its journal.
    """
    where = f" {path}" if path is not None else " the archive"
    if isinstance(exc, OSError) and exc.errno is not None:
        reason = os.strerror(exc.errno)
        if exc.filename:  # the file the OS names (a lock file, an export) is the one to free
            where = f" {exc.filename}"
        if exc.errno in _FULL:
            return DiskFull(f"cannot write{where}: the disk is full ({reason})")
        if exc.errno in _READ_ONLY:
            return ReadOnly(f"cannot write{where}: {reason}")
        return None
    if not isinstance(exc, sqlite3.Error):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name in _SQLITE_FULL:
        return DiskFull(f"cannot write{where}: the disk is full or failing ({exc})")
    if name.startswith("SQLITE_READONLY") or (
        name.startswith("SQLITE_CANTOPEN") and path is not None and not writable(path)
    ):
        return ReadOnly(f"cannot write{where}: it is read-only here ({exc})")
    return None


def writable(path: str | Path) -> bool:
    """Whether this process may write `path` (or create it): the file's and its folder's say.

    access(2) answers EROFS on a read-only mount even for root, whom permissions do not stop.
    """
    target = Path(path)
    folder = target.parent
    if target.exists() and not os.access(target, os.W_OK):
        return False
    return os.access(folder if str(folder) else ".", os.W_OK)
