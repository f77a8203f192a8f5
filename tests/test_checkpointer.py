"""The WAL copied into the archive beside the crawl's writer (archive/checkpointer.py)."""

import gc
import sqlite3
import threading

from sqlite_utils import Database

from archive.checkpointer import Checkpointer
from archive.crawlstore import SqliteCrawlStore
from archive.schema import ensure_schema


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "archive-checkpoint"]


def test_a_checkpoint_copies_what_the_writer_committed(tmp_path):
    path = str(tmp_path / "a.db")
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # only ours copies
    writer.execute("CREATE TABLE t (x TEXT)")
    with writer:
        writer.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    with Checkpointer(path, interval=3600) as checkpointer:  # no timed one in this test
        busy, frames, copied = checkpointer.checkpoint()
    assert busy == 0
    assert frames > 0
    assert copied == frames
    # The file itself holds the rows: a reader that ignores the WAL would see them.
    writer.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM t").fetchone() == (200,)


def test_the_thread_stops_when_the_store_closes_or_is_dropped(tmp_path):
    db = Database(tmp_path / "a.db")
    ensure_schema(db)
    before = len(_checkpoint_threads())
    closed = SqliteCrawlStore(db)
    assert len(_checkpoint_threads()) == before + 1
    closed.close()
    assert len(_checkpoint_threads()) == before  # `closed` is still referenced here
    store = SqliteCrawlStore(db)
    assert len(_checkpoint_threads()) == before + 1
    del store
    gc.collect()
    assert len(_checkpoint_threads()) == before


def test_nothing_of_it_keeps_the_wal_open(tmp_path):
    db = Database(tmp_path / "a.db")
    ensure_schema(db)
    store = SqliteCrawlStore(db)
    store.db.execute("INSERT INTO archive_meta (key, value) VALUES ('probe', 'x')")
    store.db.conn.commit()
    assert (tmp_path / "a.db-wal").exists()
    store.close()
    db.close()
    # The last connection to close checkpoints and removes the WAL (the checkpointer's was
    # closed with the store): a copy of the file right after a crawl holds the whole crawl.
    assert not (tmp_path / "a.db-wal").exists()
    assert Database(tmp_path / "a.db").execute(
        "SELECT value FROM archive_meta WHERE key = 'probe'").fetchone() == ("x",)
