"""The crawl lock: one crawl per database, released when its holder dies."""

import os
import signal
import subprocess
import sys
import time

import pytest
from waiting import HANG

from archive.lock import LockHeld, crawl_lock


def test_a_second_holder_is_refused_while_the_first_holds(tmp_path):
    db = tmp_path / "a.db"
    with crawl_lock(db), pytest.raises(LockHeld, match=f"pid {os.getpid()}"), crawl_lock(db):
        pass
    with crawl_lock(db):  # released on exit
        pass


def test_the_lock_dies_with_a_killed_process(tmp_path):
    db = tmp_path / "a.db"
    code = (
        "import sys, time; from archive.lock import crawl_lock\n"
        f"with crawl_lock({str(db)!r}):\n    print('held', flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld), crawl_lock(db):
            pass
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + HANG  # the kernel frees it with the process: an event
    while True:
        try:
            with crawl_lock(db):
                break
        except LockHeld:
            assert time.monotonic() < deadline, "lock outlived its killed holder"
            time.sleep(0.05)
