"""Waiting in tests on events, never on the machine's speed.

A test waits for what it needs (a line, a file, a server log entry, a process's end). `HANG`
is only the safety net for a process that hangs for good, so that a broken build fails
instead of blocking CI: a loaded 2-core machine takes seconds where an idle one takes
milliseconds, never ten minutes. No test asserts that anything is fast.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

HANG = 600.0  # seconds: a hung process, not a slow machine


def wait_until(event: Callable[[], bool], what: str,
               proc: subprocess.Popen[str] | subprocess.Popen[bytes] | None = None) -> None:
    """Until `event()` holds. Fails if `proc` ends first, or after `HANG` (a hang)."""
    deadline = time.monotonic() + HANG
    while not event():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the process ended (status {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"hung: no {what} after {HANG:.0f} s")
        time.sleep(0.02)
