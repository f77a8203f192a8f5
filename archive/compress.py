"""Compact storage of raw bodies: zstd, with a dictionary trained per host.

Every page of a site repeats the same template (menus, scripts, footer): a zstd dictionary
trained on the site's own pages holds that template once, so each body costs little more than
what is its own. A host gets its first dictionary once it has `TRAIN_AFTER` bodies, and a new
one each time the bodies compressed with the current one reach `RETRAIN_FACTOR` times the
samples it was trained on (50, 500, 5,000 ...: rarely). Old dictionaries are kept, so every
body stays readable with the dictionary it was written with, or with none (`dictionary_id`
NULL: before the host had one).

"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol, TypeVar

import zstandard

from scraper.models import utc_now

TRAIN_AFTER = 50
RETRAIN_FACTOR = 10
MAX_SAMPLES = 2000  # the newest bodies of the host: enough to see its template, quick to train
# Pages, not documents: a template lives in HTML, and 2,000 PDFs would not fit in memory.
MAX_SAMPLE_SIZE = 512 * 1024
MAX_DICT_SIZE = 64 * 1024
# With a dictionary, level 9 makes a sample page 20% smaller than level 3 and within 3% of
# level 19, at 25 microseconds a page instead of 600.
LEVEL = 9


class Executes(Protocol):
    """Anything SQL can be run on: a sqlite3.Connection or a sqlite_utils.Database."""

    def execute(self, sql: str, parameters: Any = ..., /) -> sqlite3.Cursor: ...


def _new_compressor(dictionary: bytes) -> zstandard.ZstdCompressor:
    if not dictionary:
        return zstandard.ZstdCompressor(level=LEVEL)
    return zstandard.ZstdCompressor(level=LEVEL, dict_data=zstandard.ZstdCompressionDict(dictionary))


def _new_decompressor(dictionary: bytes) -> zstandard.ZstdDecompressor:
    if not dictionary:
        return zstandard.ZstdDecompressor()
    return zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(dictionary))


# Loading a dictionary costs more than compressing one page: the last few loaded are kept,
# per thread, since a zstandard object used by two threads at once (Datasette reads on
# several) gives wrong bytes.
_local = threading.local()
T = TypeVar("T")


def per_thread(name: str, make: Callable[[bytes], T]) -> Callable[[bytes], T]:
    """`make(dictionary)`, made once per thread and dictionary (the last 32 kept)."""
    cached: Callable[[bytes], T] | None = getattr(_local, name, None)
    if cached is None:
        cached = lru_cache(maxsize=32)(make)
        setattr(_local, name, cached)
    return cached


def _compressor(dictionary: bytes) -> zstandard.ZstdCompressor:
    return per_thread("compressors", _new_compressor)(dictionary)


def _decompressor(dictionary: bytes) -> zstandard.ZstdDecompressor:
    return per_thread("decompressors", _new_decompressor)(dictionary)


def compress(data: bytes, dictionary: bytes = b"") -> bytes:
    """`data` as one zstd frame (with its size recorded), using `dictionary` if not empty."""
    return _compressor(dictionary).compress(data)


def decompress(blob: bytes, dictionary: bytes = b"") -> bytes:
    """The bytes `compress(data, dictionary)` was given."""
    return _decompressor(dictionary).decompress(blob)


# --- bodies -----------------------------------------------------------------------------


def _current(conn: Executes, host: str) -> tuple[int, bytes, int, int] | None:
    """(id, data, samples, used) of the host's newest dictionary, if it has one."""
    row = conn.execute(
        "SELECT id, data, samples, used FROM dictionaries WHERE host = ? ORDER BY id DESC LIMIT 1",
        (host,),
    ).fetchone()
    return (int(row[0]), bytes(row[1]), int(row[2]), int(row[3])) if row else None


def _pending(conn: Executes, host: str) -> int:
    """How many of the host's bodies have no dictionary, counted up to TRAIN_AFTER only."""
    row = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM bodies WHERE host = ? AND dictionary_id IS NULL "
        "LIMIT ?)",
        (host, TRAIN_AFTER),
    ).fetchone()
    return int(row[0])


def train(conn: Executes, host: str, extra: list[bytes] | None = None) -> tuple[int, bytes]:
    """Train a new dictionary for `host` on its newest bodies (plus `extra`); returns (id, data)."""
    samples = [b for b in extra or [] if len(b) <= MAX_SAMPLE_SIZE]
    rows = conn.execute(
        "SELECT compressed, dictionary_id FROM bodies WHERE host = ? AND size <= ? "
        "ORDER BY rowid DESC LIMIT ?",
        (host, MAX_SAMPLE_SIZE, MAX_SAMPLES - len(samples)),
    ).fetchall()
    dictionaries: dict[int | None, bytes] = {}  # read each once, not once per sample
    for blob, dictionary_id in rows:
        if dictionary_id not in dictionaries:
            dictionaries[dictionary_id] = _dictionary(conn, dictionary_id)
        samples.append(decompress(bytes(blob), dictionaries[dictionary_id]))
    return train_on(conn, host, samples)


def train_on(conn: Executes, host: str, samples: list[bytes]) -> tuple[int, bytes]:
    """Make and store a dictionary for `host` from `samples`; returns (id, data).

    Pages that share too little to gain from one give an empty dictionary: the host's bodies
    are then compressed without one, and a dictionary is tried again at the next threshold.
    """
    data = best_dictionary(samples)
    cur = conn.execute(
        "INSERT INTO dictionaries(host, trained_at, samples, used, data) VALUES (?, ?, ?, 0, ?)",
        (host, utc_now(), len(samples), data),
    )
    return int(cur.lastrowid or 0), data


def best_dictionary(samples: list[bytes]) -> bytes:
    """The dictionary that compresses a tenth of `samples`, held out, the smallest (or b"").

    zstd's trainer is sensitive to the size asked of it: from 50 sample pages, a 64 kB request
    gave a dictionary three times worse than a 16 kB one, and from 500 the other way round. So
    a few sizes are trained and tried, beside a raw dictionary of the newest pages themselves
    (best while a template is longer than what few samples can train).
    """
    held = samples[: max(1, len(samples) // 10)]
    train: list[bytes | bytearray | memoryview[int]] = list(samples[len(held) :] or held)
    total = sum(len(s) for s in train)
    candidates = [b""]
    raw = b"".join(train[:8])[:MAX_DICT_SIZE]
    if len(raw) >= 1024:
        candidates.append(raw)
    for divisor in (10, 20, 40):
        size = max(1024, min(MAX_DICT_SIZE, total // divisor))
        try:
            candidates.append(zstandard.train_dictionary(size, train).as_bytes())
        except zstandard.ZstdError:
            continue  # too few or too small samples for this size
    return min(candidates, key=lambda d: sum(len(compress(s, d)) for s in held))


def _dictionary(conn: Executes, dictionary_id: int | None) -> bytes:
    """The data of dictionary `dictionary_id` (empty for None)."""
    if dictionary_id is None:
        return b""
    row = conn.execute("SELECT data FROM dictionaries WHERE id = ?", (dictionary_id,)).fetchone()
    if row is None:
        raise LookupError(f"dictionary {dictionary_id} is missing from the archive")
    return bytes(row[0])


def compress_body(conn: Executes, host: str, body: bytes) -> tuple[bytes, int | None]:
    """Compress a new body of `host`: (blob, dictionary id or None). Never commits.

    Trains the host's dictionary when it is due (see the module's docstring), so the caller
    only has to store the blob with its dictionary id and host in `bodies`.
    """
    current = _current(conn, host)
    if len(body) > MAX_SAMPLE_SIZE:  # a document: compressed as it is, trains nothing
        dictionary_id, data = (current[0], current[1]) if current else (None, b"")
        return (compress(body, data), dictionary_id) if data else (compress(body), None)
    if current is None:
        if _pending(conn, host) + 1 < TRAIN_AFTER:
            return compress(body), None
        dictionary_id, data = train(conn, host, [body])
    else:
        dictionary_id, data, samples, used = current
        if used >= RETRAIN_FACTOR * max(samples, 1):
            dictionary_id, data = train(conn, host, [body])
    conn.execute("UPDATE dictionaries SET used = used + 1 WHERE id = ?", (dictionary_id,))
    if not data:
        return compress(body), None
    return compress(body, data), dictionary_id


def body_of(conn: Executes, blob: bytes, dictionary_id: int | None) -> bytes:
    """A stored body decompressed with the dictionary it was written with."""
    return decompress(blob, _dictionary(conn, dictionary_id))
