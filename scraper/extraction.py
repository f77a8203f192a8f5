"""Where the crawl runs extraction: in worker processes, off the event loop's interpreter.

Extraction is CPU work (lxml, the date and language readers). In threads it holds the
interpreter the event loop needs, and every busy site then waits for it: the crawler's own time
per fetch grew with the number of sites. In a pool of processes sized to the machine's cores
it runs beside the loop instead. Each worker loads the language model once, when it starts.

An extractor that cannot be sent to another process (a closure, as tests use) runs in a thread,
as before.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import date
from types import TracebackType
from typing import Protocol, Self, TypeVar

from scraper.models import Page

_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
T = TypeVar("T")


class Extractor(Protocol):
    """`extract_page` as the crawl calls it: body, URL and what the response headers said."""

    def __call__(
        self, html: bytes, url: str, *, content_type: str | None = None,
        content_language: str | None = None, today: date | None = None,
    ) -> Page: ...


def extract_capture(
    extract: Extractor, body: bytes, url: str, headers: dict[str, str],
    fetched_at: str | None = None,
) -> Page:
    """One page's extraction from a capture: the crawl, `reextract` and the WARC and Wayback
    imports all go through here, so they always see a page the same way.

    `fetched_at` (ISO 8601) is the capture's time: its day is the extractor's "today" (no page
    was published after it was fetched), so re-extracting a capture gives the same dates
    whenever it is done.
    """
    return extract(
        body,
        url,
        content_type=headers.get("content-type"),
        content_language=headers.get("content-language"),
        today=date.fromisoformat(fetched_at[:10]) if fetched_at else None,
    )


def _extract_then(
    extract: Extractor, body: bytes, url: str, headers: dict[str, str], fetched_at: str | None,
    then: Callable[[list[str]], T],
) -> tuple[Page, T]:
    """In a worker: the page, and what `then` makes of its links (the crawl's link filter)."""
    page = extract_capture(extract, body, url, headers, fetched_at)
    return page, then(page.links)


def _warm_up(parent: int) -> None:
    """A worker's start: die with the crawl, and load the language model, once."""
    # Ctrl-C reaches the whole process group: the crawl decides how to stop
    # (scraper/stopping.py), and a worker killed under it would fail the pages in flight.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    from scraper.extract.language import detect_language

    detect_language("Ceci est une phrase en français, assez longue pour que le modèle parle. " * 3)


def _die_with_parent(parent: int) -> None:
    # A crawl killed with -9 (cron's timeout, the resume test) must not leave its workers
    # behind: Linux signals a worker whose parent dies; elsewhere the pool's pipes do.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the request was in place
        os._exit(0)


def _sendable(extract: Extractor) -> bool:
    try:
        pickle.dumps(extract)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


class Extraction:
    """Runs `extract_capture` for the crawl: `await extraction.run(body, url, headers)`."""

    def __init__(self, extract: Extractor, processes: int | None = None) -> None:
        """`processes`: worker count (default: one per core but one, left to the event loop
        and the network; at least one); 0: threads."""
        self.extract = extract
        if processes is None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
                os.cpu_count() or 1
            )
            processes = max(1, cores - 1)
        self._pool: Executor | None = None
        self.workers = max(1, processes)  # what runs extractions at once (threads: about one)
        if processes > 0 and _sendable(extract):
            # spawn: a worker is a fresh interpreter and the crawl's own child (so it can die
            # with it). A fork would also inherit every open socket, and a connection the
            # crawl closes would stay open to the host while a worker holds its copy.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_warm_up,
                                             initargs=(os.getpid(),))

    @property
    def in_processes(self) -> bool:
        """Whether extraction runs in worker processes (else in threads)."""
        return self._pool is not None

    async def run(
        self, body: bytes, url: str, headers: dict[str, str], fetched_at: str | None = None
    ) -> Page:
        """The extraction of one page's body, fetched at `fetched_at`."""
        if self._pool is None:
            return await asyncio.to_thread(
                extract_capture, self.extract, body, url, headers, fetched_at
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, extract_capture, self.extract, body, url, headers, fetched_at
        )

    async def run_then(
        self, body: bytes, url: str, headers: dict[str, str], fetched_at: str | None,
        then: Callable[[list[str]], T],
    ) -> tuple[Page, T]:
        """`run`, and `then(page.links)` in the same worker (a module-level function or a
        partial of one, to be sent there): link filtering off the event loop too."""
        if self._pool is None:
            return await asyncio.to_thread(
                _extract_then, self.extract, body, url, headers, fetched_at, then
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, _extract_then, self.extract, body, url, headers, fetched_at, then
        )

    def close(self) -> None:
        """Stop the workers (their work is done: the crawl awaited every extraction)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
