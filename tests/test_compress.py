"""Bodies in zstd with a dictionary per host: trained when due, every body read back whole."""

from __future__ import annotations

import os
import random
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive import compress, store
from archive.schema import ensure_schema
from scraper.models import Capture

# A site's template: what every page repeats, and what its dictionary should hold.
MENU = "".join(f'<li><a href="/-Rubrique-{i}-">Rubrique numéro {i}</a></li>' for i in range(200))


def body(host: str, n: int) -> bytes:
    rng = random.Random(n)
    words = " ".join(rng.choice(["visa", "école", "sécurité", "consulat", "bourse"])
                     for _ in range(40))
    return (f"<html><head><title>{host} {n}</title></head><body><nav>{MENU}</nav>"
            f"<main><h1>Article {n}</h1><p>{words}</p></main></body></html>").encode()


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "archive.db")
    ensure_schema(database)
    return database


def capture_all(db: Database, host: str, bodies: list[bytes]) -> None:
    with db.conn:
        for n, data in enumerate(bodies):
            url = f"https://{host}/Article-{n}"
            store.save_capture(db, Capture(url, "2024-01-01T00:00:00Z", status=200, body=data,
                                           content_type="text/html"), None)


def test_a_host_gets_its_dictionary_once_it_has_enough_bodies_and_it_pays(db: Database) -> None:
    bodies = [body("ml.ambafrance.org", n) for n in range(compress.TRAIN_AFTER + 30)]
    capture_all(db, "ml.ambafrance.org", bodies)
    rows = db.execute("SELECT dictionary_id, length(compressed), size FROM bodies "
                      "ORDER BY rowid").fetchall()
    before = rows[: compress.TRAIN_AFTER - 1]
    after = rows[compress.TRAIN_AFTER - 1 :]
    assert all(d is None for d, _, _ in before)
    assert len({d for d, _, _ in after}) == 1 and after[0][0] is not None
    mean = sum(c for _, c, _ in after) / len(after)
    assert mean < sum(c for _, c, _ in before) / len(before) / 3
    for data in bodies:  # with the dictionary or without, each body comes back whole
        assert store.capture_body(db, Capture("u", "t", body=data).sha256 or "") == data
    (host, samples, used), = db.execute("SELECT host, samples, used FROM dictionaries")
    assert (host, samples, used) == ("ml.ambafrance.org", compress.TRAIN_AFTER, 31)


def test_hosts_get_dictionaries_of_their_own_and_are_retrained_rarely(db: Database) -> None:
    first = compress.TRAIN_AFTER
    again = first + compress.RETRAIN_FACTOR * first
    capture_all(db, "a.example", [body("a.example", n) for n in range(again + 5)])
    capture_all(db, "b.example", [body("b.example", n) for n in range(first)])
    rows = db.execute("SELECT host, samples FROM dictionaries ORDER BY id").fetchall()
    assert rows == [("a.example", first), ("a.example", again), ("b.example", first)]
    # bodies written with the first dictionary of a.example still read back
    sha = db.execute("SELECT sha256 FROM bodies WHERE dictionary_id = 1 LIMIT 1").fetchone()[0]
    assert store.capture_body(db, sha) == body("a.example", first - 1)


def test_pages_that_share_nothing_are_compressed_without_a_dictionary(db: Database) -> None:
    noise = [os.urandom(3000) for _ in range(compress.TRAIN_AFTER + 5)]
    capture_all(db, "noise.example", noise)
    assert db.execute("SELECT length(data) FROM dictionaries").fetchall() == [(0,)]
    assert db.execute("SELECT count(dictionary_id) FROM bodies").fetchone() == (0,)
    assert store.capture_body(db, Capture("u", "t", body=noise[-1]).sha256 or "") == noise[-1]


def test_capture_body_reads_through_a_plain_sqlite3_connection(db: Database,
                                                               tmp_path: Path) -> None:
    bodies = [body("ml.ambafrance.org", n) for n in range(compress.TRAIN_AFTER + 1)]
    capture_all(db, "ml.ambafrance.org", bodies)
    plain = sqlite3.connect(tmp_path / "archive.db")  # as Datasette hands it to a plugin
    sha = Capture("u", "t", body=bodies[-1]).sha256 or ""
    assert store.capture_body(plain, sha) == bodies[-1]
    assert store.capture_body(plain, "0" * 64) is None
    plain.close()


def test_a_raw_dictionary_wins_while_samples_are_few_and_long() -> None:
    # 50 pages whose template is longer than what 50 samples can train
    template = os.urandom(20_000)
    samples = [template + body("x", n) for n in range(compress.TRAIN_AFTER)]
    data = compress.best_dictionary(samples)
    assert data
    sizes = [len(compress.compress(s, data)) for s in samples[:5]]
    assert max(sizes) < 1500


def test_documents_are_stored_whole_and_never_trained_on(db: Database) -> None:
    pdf = b"%PDF-1.4 " + os.urandom(compress.MAX_SAMPLE_SIZE)
    pages = [body("ml.ambafrance.org", n) for n in range(compress.TRAIN_AFTER + 1)]
    capture_all(db, "ml.ambafrance.org", [pdf, *pages, pdf + b"v2"])
    (samples,), = db.execute("SELECT samples FROM dictionaries").fetchall()
    assert samples == compress.TRAIN_AFTER - 1  # the pages, not the document
    for data in (pdf, pdf + b"v2", pages[-1]):
        assert store.capture_body(db, Capture("u", "t", body=data).sha256 or "") == data


def test_bodies_read_on_several_threads_at_once_come_back_whole() -> None:
    # Datasette serves raw captures from several threads: no zstandard object is shared
    bodies = [body("a.example", n) * 20 for n in range(8)]
    dictionary = compress.best_dictionary([body("a.example", n) for n in range(60)])
    blobs = [compress.compress(b, dictionary) for b in bodies]
    wrong: list[int] = []

    def read(i: int) -> None:
        for _ in range(300):
            if compress.decompress(blobs[i], dictionary) != bodies[i]:
                wrong.append(i)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
