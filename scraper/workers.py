"""The crawl's work off the event loop, as one component: extraction in worker processes, the
store's calls on one writer thread.

    with Workers(store, extract_page) as workers:       # the processes and the thread start
        page, links = await workers.extract(body, url, headers, fetched_at, then)
        recorded = await workers.store(store.record_visit, crawl_id, visit)
    # closed: the write under way ended whole, the writes not begun were dropped (their URLs
    # stay queued for the resume), then the extraction processes stopped

Extraction is CPU work (lxml, the date and language readers). In threads it holds the
interpreter the event loop needs, and every busy site then waits for it: the crawler's own
time per fetch grew with the number of sites. In processes (one per core but one, at least
one) it runs beside the loop. Each process loads the language model once, when it starts. An
extractor that cannot be sent to another process (a closure, as tests use) runs in a thread.

Every visit ends with a write (its transaction, the body compressed, now and then a zstd
dictionary trained for its host). On the loop's thread that work would delay every site's
timers and sockets; on a thread of its own it runs beside them (sqlite and zstd let go of the
interpreter while they work). Calls run one at a time in the order the crawl makes them, so
the transactions are exactly the store's own: one visit one `record_visit`, and a crawl killed
mid-write loses that visit whole. A store that does not say it may be used from another
thread (`thread_safe`) is called on the loop's thread.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from types import TracebackType
from typing import ParamSpec, Self, TypeVar

from .extraction import Extractor, extract_capture
from .models import Page

_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
P = ParamSpec("P")
T = TypeVar("T")


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Workers:
    """The extraction processes and the writer thread of one crawl (see the module docstring)."""

    def __init__(
        self, store: object, extract: Extractor, processes: int | None = None,
        store_thread: bool = True,
    ) -> None:
        """`processes`: extraction processes (None: one per core but one, left to the event
        loop and the network; at least one; 0: threads). `store_thread`: False calls the
        store on the loop's thread whatever it allows."""
        self._extract = extract
        if processes is None:
            processes = max(1, cores() - 1)
        self.processes = max(1, processes)  # extractions at once (in threads: about one)
        self._pool: Executor | None = None
        if processes > 0 and _sendable(extract):
            # spawn: a worker is a fresh interpreter and the crawl's own child (so it can die
            # with it). A fork would also inherit every open socket, and a connection the
            # crawl closes would stay open to the host while a worker holds its copy.
            self._pool = ProcessPoolExecutor(
                processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up, initargs=(os.getpid(),),
            )
        self._writer: ThreadPoolExecutor | None = None
        if store_thread and getattr(store, "thread_safe", False):
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="crawl-store")

    @property
    def in_processes(self) -> bool:
        """Whether extraction runs in worker processes (else in threads)."""
        return self._pool is not None

    @property
    def threaded(self) -> bool:
        """Whether the store's calls run on the writer thread (else on the loop's)."""
        return self._writer is not None

    async def extract(
        self, body: bytes, url: str, headers: dict[str, str], fetched_at: str | None,
        then: Callable[[list[str]], T],
    ) -> tuple[Page, T]:
        """The page extracted from one capture fetched at `fetched_at` (`extract_capture`),
        and `then(page.links)` in the same worker: a module-level function or a partial of
        one (the crawl's link filter), so that it can be sent there too."""
        if self._pool is None:
            return await asyncio.to_thread(
                _extract_then, self._extract, body, url, headers, fetched_at, then
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, _extract_then, self._extract, body, url, headers, fetched_at, then
        )

    async def store(self, method: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`method(*args, **kwargs)` on the writer thread, after the calls made before it."""
        if self._writer is None:
            return method(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, partial(method, *args, **kwargs))

    def close(self) -> None:
        """The writer first: the call under way ends, those not begun are dropped. Then the
        extraction processes, whose work nobody awaits any more."""
        if self._writer is not None:
            self._writer.shutdown(wait=True, cancel_futures=True)
            self._writer = None
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


def _extract_then(
    extract: Extractor, body: bytes, url: str, headers: dict[str, str], fetched_at: str | None,
    then: Callable[[list[str]], T],
) -> tuple[Page, T]:
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
