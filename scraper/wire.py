"""What arrives on the wire, read defensively: Retry-After values and compressed bodies
inflated in small steps under a hard limit, so that a decompression bomb never lands in memory.
"""

from __future__ import annotations

import email.utils
import zlib
from datetime import UTC, datetime

INFLATE_STEP = 64 * 1024  # inflate in small steps so a bomb never lands in memory at once


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
