"""What arrives on the wire, read defensively: Retry-After values and compressed bodies
inflated in small steps under a hard limit, so that a decompression bomb never lands in memory.
"""

from __future__ import annotations

import email.utils
import zlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from scraper.outcomes import FailureReason

INFLATE_STEP = 64 * 1024  # inflate in small steps so a bomb never lands in memory at once
_BOMB_RATIO = 100  # text compresses ~10x; a body inflating 100x past the cap is hostile


@dataclass(frozen=True)
class BodyLimit:
    """How much of a body to read: past `max_bytes` the fetch fails ("too large"), or with
    `truncate` the first `max_bytes` are kept (robots.txt: RFC 9309 reads the first 500 KiB)."""

    max_bytes: int
    truncate: bool = False


class BodyError(Exception):
    """A body that could not be read whole: why (a FailureReason), and whether to retry."""

    def __init__(self, reason: FailureReason, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


async def read_body(
    chunks: AsyncIterator[bytes], headers: Mapping[str, str], limit: BodyLimit,
    counted: Callable[[int], None],
) -> bytes:
    """A body read under `limit`, inflated if its Content-Encoding says so; `counted(n)` is
    told of every n raw bytes received. Raises BodyError."""
    cap = limit.max_bytes
    declared = headers.get("content-length", "")
    encoding = headers.get("content-encoding", "").strip().lower()
    inflater = Inflater() if encoding in ("gzip", "x-gzip", "deflate") else None
    if declared.isdigit() and int(declared) > cap and not limit.truncate:
        raise BodyError(FailureReason.TOO_LARGE)  # refused before reading a byte of it
    raw = 0
    out = bytearray()
    try:
        async for chunk in chunks:
            raw += len(chunk)
            counted(len(chunk))
            # Inflate before the raw check: a bomb overflows here first and is named as such.
            out += inflater.feed(chunk, cap) if inflater else chunk
            if limit.truncate and (len(out) >= cap or raw > cap):
                return bytes(out[:cap])  # the first `cap` bytes are all that counts
            if raw > cap:
                raise BodyError(FailureReason.TOO_LARGE)
    except OverflowError:
        if limit.truncate and inflater is not None:
            return (bytes(out) + inflater.partial)[:cap]
        bomb = inflater is not None and inflater.produced > _BOMB_RATIO * inflater.consumed
        raise BodyError(FailureReason.BOMB if bomb else FailureReason.TOO_LARGE) from None
    except zlib.error:
        raise BodyError(FailureReason.UNDECODABLE) from None
    except httpx.RemoteProtocolError:
        raise BodyError(FailureReason.TRUNCATED, retry=True) from None
    except httpx.ReadError:
        raise BodyError(FailureReason.CONNECTION_RESET, retry=True) from None
    return bytes(out)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or HTTP-date), None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Inflater:
    """Incremental gzip/deflate decoding with a hard output limit."""

    def __init__(self) -> None:
        self._d = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, auto-detected
        self._started = False
        self.produced = 0
        self.consumed = 0  # compressed bytes actually inflated so far
        self.partial = b""  # what the call that overflowed had inflated (a prefix to keep)

    def feed(self, data: bytes, limit: int) -> bytes:
        out = bytearray()
        while True:
            try:
                piece = self._d.decompress(data, INFLATE_STEP)
            except zlib.error:
                if self._started:
                    raise
                # Some servers send raw deflate for "deflate": retry once without a header.
                self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                continue
            self._started = True
            self.consumed += len(data) - len(self._d.unconsumed_tail)
            out += piece
            self.produced += len(piece)
            if self.produced > limit:
                self.partial = bytes(out)
                raise OverflowError
            if self._d.eof:
                rest = self._d.unused_data
                if not rest.strip(b"\0"):
                    return bytes(out)
                self._d = zlib.decompressobj(zlib.MAX_WBITS | 32)  # next gzip member
                data = rest
                continue
            data = self._d.unconsumed_tail
            if not piece and not data:
                return bytes(out)
