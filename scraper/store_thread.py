"""The crawl's store calls made on one thread of their own: SQLite and zstd off the event loop.

Every visit ends with a write (its transaction, the body compressed, now and then a zstd
dictionary trained for its host). On the event loop's thread that work delays every other
site's timers and sockets; on a thread of its own it runs beside them (sqlite and zstd let
go of the interpreter while they work). One thread owns the store's connection, and calls
run one at a time in the order the crawl makes them: the transactions are exactly the
store's own, one visit one `record_visit`, and a crawl killed mid-write loses that visit
whole, as before.

A store that does not say it may be used from another thread (`thread_safe`) is called on
the loop's thread, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import TracebackType
from typing import ParamSpec, Self, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class StoreThread:
    """`await writer.call(store.record_visit, crawl_id, visit)`: the call, on the writer thread."""

    def __init__(self, store: object) -> None:
        self._pool: ThreadPoolExecutor | None = None
        if getattr(store, "thread_safe", False):
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="crawl-store")

    @property
    def threaded(self) -> bool:
        """Whether the calls run on a thread of their own (else on the caller's)."""
        return self._pool is not None

    async def call(self, method: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`method(*args, **kwargs)` on the writer thread, awaited."""
        if self._pool is None:
            return method(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(method, *args, **kwargs))

    def close(self) -> None:
        """Wait for the call under way, if any, and drop those not started: a cancelled
        crawl's last write ends whole, the visits not yet written are fetched on resume."""
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
