"""How a crawl stops on SIGINT (Ctrl-C) and SIGTERM (`kill`, `timeout`, systemd, cron's end).

The first signal sets the crawl's `stop` event: no new request starts, the requests and
extractions under way are dropped (their URLs stay queued), the write under way ends whole,
the crawl is marked 'interrupted' with its counts so far, the extraction workers and the
writer thread are shut down, and the caller prints its summary. A crawl of the same sites
resumes it. A second signal stops at once (KeyboardInterrupt), as an impatient Ctrl-C should.

Signals are only handled on the main thread (Python's rule); elsewhere the event never fires.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.Event]:
    """An event set on `loop` by the first SIGINT or SIGTERM while the block runs; the
    previous handlers are back afterwards."""
    stop = asyncio.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    received: list[int] = []

    def handler(signum: int, _frame: FrameType | None) -> None:
        if received:
            raise KeyboardInterrupt  # the second: no more waiting
        received.append(signum)
        loop.call_soon_threadsafe(stop.set)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


async def unless_stopped(work: asyncio.Future[Any], stop: asyncio.Event) -> bool:
    """Await `work`, or once `stop` is set cancel it and await its end. -> stopped? (A crash
    of `work` itself is raised, as it would be without a stop.)"""
    stopping = asyncio.ensure_future(stop.wait())
    cut = False
    try:
        await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not work.done():
            cut = True
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
    if cut and stop.is_set():
        return True
    work.result()
    return False
