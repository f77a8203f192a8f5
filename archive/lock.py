"""One crawl per database at a time: an advisory lock that dies with its process.

`flock` is released by the kernel when the process ends, even by kill -9, so a crashed crawl
never leaves a stale lock behind for cron to trip over.

The lock file sits beside the database, so taking the lock is the first write a command makes:
a read-only folder or a full disk is reported here, as `CannotWrite`, before SQLite is asked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.errors import LockHeld, storage_failure

__all__ = ["LockHeld", "crawl_lock"]


@contextmanager
def crawl_lock(db_path: str | Path) -> Iterator[Path]:
    path = Path(f"{db_path}.lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise storage_failure(exc, db_path) or exc from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise LockHeld(f"another crawl (pid {holder}) holds the lock on {db_path}") from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as exc:
            raise storage_failure(exc, db_path) or exc from None
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
