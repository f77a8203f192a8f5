"""Storage cost and read speed of the archive: the previous layout (schema 11) beside today's.

    .venv/bin/python bench/bench_storage.py [--pages N] [--runs R] [--keep DIR]

Both archives get the same N pages of the sample site's synthetic generator
(scraper/sample_site/synthetic.py), on ten hosts, as the sample site serves them (bodies and
headers from `SampleSite.respond`, no HTTP), and a second capture, changed, of one page in
twenty. BEFORE is schema 11, the layout this replaced: written as the store of schema 5 wrote
it, then taken through the released migrations 6-11 (compact: text once, zstd-compressed in
pages.text_z behind a generated column, sections as spans, versions pointing into pages).
AFTER is today's declared schema written through today's store (plain text in pages,
sections and page_versions). Prints bytes per page and each table's share of the raw HTML,
then Datasette pages timed on both (interleaved), and today's search and page view.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datasette import hookimpl
from datasette.plugins import pm
from sqlite_utils import Database

from archive import store
from archive.migrations import v11_text
from archive.publish import PLUGINS, load_metadata, make_datasette
from archive.schema import ensure_schema
from archive.search import normalise
from bench.bench_search import BOILERPLATE, table_sizes
from scraper.models import Capture, Page, Section
from scraper.sample_site import synthetic
from scraper.sample_site.site import SampleSite

HOSTS = 10
CHANGE_EVERY = 20
FIRST, SECOND = "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z"
# The sample site's shell is light (4 kB a page); a real SPIP page carries about 20 kB of
# menus and scripts (bench_search.BOILERPLATE), which the 1.01x was measured with.
# It goes before <body>; the pages are built from their articles, so they read the same.
TEMPLATE = BOILERPLATE.replace("<header>", "<template>").replace("</header>", "</template>").encode()
QUERIES = ["justificatives", "refunded", "reembolsan", "手续费", "الملف", '"conservée par"']


def page_of(n: int, url: str, changed: bool) -> Page:
    """What the extractor reads in synthetic article n (built from the article, for speed)."""
    article = synthetic.article(n)
    sections: list[Section] = []
    heading: str | None = None
    paras: list[str] = []

    def close() -> None:
        if heading is not None or paras:
            sections.append(Section(heading, 3 if heading else 0, "\n\n".join(paras)))

    for block in article.body:
        if block.heading:
            close()
            heading, paras = block.text, []
        else:
            paras.append(_changed(block.text) if changed else block.text)
    close()
    parts = [p for s in sections for p in (s.heading, s.text) if p]
    return Page(url=url, title=article.title, breadcrumb=["Accueil", "Dossiers"],
                sections=sections, text="\n\n".join(parts), published=article.published,
                language=article.lang, extractor="ambafrance", language_declared=article.lang)


def _changed(text: str) -> str:
    return text.replace("(", "(révisé ", 1)


def captures(pages: int, padding: bool) -> Iterator[tuple[Capture, Page]]:
    """Every capture of the run, in date order: all pages, then the changed ones."""
    site = SampleSite(pages=pages)
    for when, changed in ((FIRST, False), (SECOND, True)):
        for n in range(1, pages + 1):
            if changed and n % CHANGE_EVERY:
                continue
            status, headers, body = site.respond("GET", synthetic.path_of(n))
            url = f"https://h{n % HOSTS}.ambafrance.example{synthetic.path_of(n)}"
            if changed:
                body = _changed(body.decode()).encode()
            if padding:
                body = body.replace(b"<body", TEMPLATE + b"<body", 1)
            capture = Capture(url=url, fetched_at=when, status=status,
                              content_type=headers.get("Content-Type"),
                              headers={k.lower(): v for k, v in headers.items()}, body=body)
            yield capture, page_of(n, url, changed)


def build_after(db: Database, pages: int, padding: bool) -> int:
    """Today's schema through today's store functions; returns the raw HTML bytes."""
    ensure_schema(db)
    raw = 0
    conn = db.conn
    for i, (capture, page) in enumerate(captures(pages, padding)):
        if i % 1000 == 0:
            conn.execute("BEGIN")
        raw += len(capture.body or b"")
        cid = store.save_capture(db, capture, None, None)
        outcome = store.save_extraction(db, page, cid, page.url.split("/")[2], capture.fetched_at)
        store.set_outcome(db, cid, outcome)
        if i % 1000 == 999:
            conn.execute("COMMIT")
    if conn.in_transaction:
        conn.execute("COMMIT")
    return raw


def build_before(db: Database, pages: int, padding: bool) -> int:
    """Schema 11: written as the store of schema 5 wrote it, then migrated to 11."""
    ensure_schema(db, upto=5)
    raw = 0
    conn = db.conn
    with conn:
        for capture, page in captures(pages, padding):
            body = capture.body or b""
            raw += len(body)
            conn.execute("INSERT OR IGNORE INTO bodies VALUES (?, ?, ?)",
                         (capture.sha256, len(body), zlib.compress(body, 6)))
            cid = conn.execute(
                "INSERT INTO captures(url, fetched_at, status, content_type, size, sha256, etag, "
                "last_modified, outcome, headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'new', ?)",
                (capture.url, capture.fetched_at, capture.status, capture.content_type,
                 len(body), capture.sha256, capture.etag, capture.last_modified,
                 json.dumps(capture.headers, ensure_ascii=False))).lastrowid
            _old_page(conn, page, cid, capture.fetched_at)
    ensure_schema(db, upto=11)
    return raw


def _old_page(c: sqlite3.Connection, page: Page, cid: int | None, when: str) -> None:
    """The previous store's writes for one extraction (pages, FTS, sections, page_versions)."""
    old = c.execute("SELECT rowid, title, text FROM pages WHERE url = ?",
                    (page.url,)).fetchone()
    crumb = json.dumps(page.breadcrumb, ensure_ascii=False)
    published = page.published.isoformat() if page.published else None
    if old:
        c.execute("INSERT INTO pages_fts(pages_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                  (old[0], normalise(old[1]), normalise(old[2])))
        for rowid, heading, text in c.execute(
                "SELECT rowid, heading, text FROM sections WHERE page_url = ?", (page.url,)
        ).fetchall():
            c.execute("INSERT INTO sections_fts(sections_fts, rowid, heading, text) "
                      "VALUES ('delete', ?, ?, ?)", (rowid, normalise(heading), normalise(text)))
        c.execute("DELETE FROM sections WHERE page_url = ?", (page.url,))
        c.execute("UPDATE pages SET title = ?, text = ?, last_seen = ?, last_changed = ?, "
                  "capture_id = ? WHERE url = ?", (page.title, page.text, when, when, cid, page.url))
        rowid = old[0]
    else:
        rowid = c.execute(
            "INSERT INTO pages(url, site, language, title, breadcrumb, published, published_year, "
            "text, first_seen, last_seen, last_changed, extractor, language_declared, capture_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (page.url, page.url.split("/")[2], page.language, page.title, crumb, published,
             page.published.year if page.published else None, page.text, when, when, when,
             page.extractor, page.language_declared, cid)).lastrowid
    c.execute("INSERT INTO pages_fts(rowid, title, text) VALUES (?, ?, ?)",
              (rowid, normalise(page.title), normalise(page.text)))
    for position, s in enumerate(page.sections, start=1):
        srow = c.execute("INSERT INTO sections VALUES (?, ?, ?, ?, ?)",
                         (page.url, position, s.heading, s.level, s.text)).lastrowid
        c.execute("INSERT INTO sections_fts(rowid, heading, text) VALUES (?, ?, ?)",
                  (srow, normalise(s.heading), normalise(s.text)))
    sections = json.dumps([s.to_dict() for s in page.sections], ensure_ascii=False)
    version = 1 + c.execute("SELECT count(*) FROM page_versions WHERE url = ?",
                            (page.url,)).fetchone()[0]
    c.execute(
        "INSERT INTO page_versions(url, version, captured_at, capture_id, title, text, published, "
        "modified, breadcrumb, sections, language, content_sha256) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
        (page.url, version, when, cid, page.title, page.text, published, crumb, sections,
         page.language, hashlib.sha256((page.text + sections).encode()).hexdigest()))


def timed_pair(before: Callable[[], object], after: Callable[[], object], runs: int
               ) -> tuple[float, float]:
    """Median milliseconds of each, runs interleaved (a busy machine slows both alike)."""
    before(), after()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, out in ((before, times[0]), (after, times[1])):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def prepare_like_datasette(conn: sqlite3.Connection) -> None:
    """The SQL functions our plugins give Datasette's connections (the search query uses them)."""
    for plugin in PLUGINS:
        prepare = getattr(plugin, "prepare_connection", None)
        if prepare is not None:
            prepare(conn, "bench", None)


class _Schema11:
    """Gives Datasette's connections zstd_text(), which schema 11's pages.text calls."""

    @staticmethod
    @hookimpl
    def prepare_connection(conn: sqlite3.Connection) -> None:
        v11_text.register(conn)


class Reader:
    """One archive's searches and Datasette pages, as the bench times them."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        v11_text.register(self.conn)
        prepare_like_datasette(self.conn)
        self.sql = load_metadata("bench")["databases"]["bench"]["queries"]["search"]["sql"]
        if not pm.is_registered(_Schema11):
            pm.register(_Schema11, name="bench-schema-11")
        self.ds = make_datasette(path)
        self.name = path.stem

    def search(self, q: str) -> int:
        # As Datasette runs a canned query: every parameter not given is empty.
        params = {name: "" for name in re.findall(r"(?<!:):(\w+)", self.sql)}
        return len(self.conn.execute(self.sql, {**params, "q": q}).fetchall())

    def get(self, path: str, db: bool = True) -> None:
        response = asyncio.run(self.ds.client.get(f"/{self.name}{path}" if db else path))
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")


def latencies(paths: dict[str, Path], runs: int) -> dict[str, tuple[float, float]]:
    """Datasette pages on both layouts, then (after only: the old layout has no time
    addresses or stemmed index for today's code to read) the search query and the page view:
    (before, after) milliseconds, before NaN where it cannot run."""
    before, after = Reader(paths["before"]), Reader(paths["after"])
    url = after.conn.execute("SELECT url FROM pages ORDER BY rowid LIMIT 1 OFFSET 19").fetchone()[0]
    out = {}
    for label, path in {
        "datasette /pages": "/pages",
        "datasette /pages?_search": "/pages?_search=justificatives",
        "datasette /sections?_search": "/sections?_search=justificatives",
        "datasette /page_versions?url": f"/page_versions?url={url}",
        "datasette /page_versions": "/page_versions",
    }.items():
        if "?_search" in path and path.startswith("/pages"):
            # today's metadata finds pages by pages.id, which schema 11 has not
            out[label] = (math.nan, timed_pair(lambda: None, lambda p=path: after.get(p), runs)[1])
            continue
        out[label] = timed_pair(lambda p=path: before.get(p), lambda p=path: after.get(p), runs)
    nothing = (lambda: None)
    for q in QUERIES:
        out[f"search {q}"] = (math.nan, timed_pair(nothing, lambda q=q: after.search(q), runs)[1])
    page = f"/-/page?url={quote(url, safe=':/')}"
    out["page view /-/page"] = (math.nan, timed_pair(nothing, lambda: after.get(page, db=False),
                                                     runs)[1])
    return out


def sizes(path: Path) -> tuple[int, dict[str, int]]:
    """(file bytes, bytes per table with its indexes; views' tables named as researchers see)."""
    db = Database(path)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    names = {"section_spans": "sections", "versions": "page_versions"}
    out: dict[str, int] = {}
    for name, size in table_sizes(db.conn):
        key = names.get(name, name)
        out[key] = out.get(key, 0) + size
    db.close()
    return path.stat().st_size, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--template", action="store_true",
                        help="give each page the weight of a real SPIP page's template")
    parser.add_argument("--keep", type=Path,
                        help="keep both databases in this directory (given again: reuse them)")
    args = parser.parse_args()
    if args.pages < 1 or args.runs < 1:
        parser.error("--pages and --runs must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = {}
        paths = {}
        for label, build in (("before", build_before), ("after", build_after)):
            path = paths[label] = folder / f"{label}.db"
            built_file = folder / f"{label}.json"
            if path.exists() and built_file.exists():  # --keep DIR again: measure, not rebuild
                raw, built = json.loads(built_file.read_text())
            else:
                if path.exists():
                    parser.error(f"{path} exists; give a new folder")
                start = time.perf_counter()
                db = Database(path)
                raw = build(db, args.pages, args.template)
                db.close()
                built = time.perf_counter() - start
                built_file.write_text(json.dumps([raw, built]))
            total, tables = sizes(path)
            results[label] = (raw, total, tables, built)
        report(args.pages, results, latencies(paths, args.runs))


def report(n: int, results: dict[str, tuple[int, int, dict[str, int], float]],
           latency: dict[str, tuple[float, float]]) -> None:
    raw = results["before"][0]
    versions = n + n // CHANGE_EVERY
    print(f"{n:,} pages, {versions:,} captures, raw HTML {raw / n:,.0f} bytes per page")
    print(f"built in {results['before'][3]:.0f} s (before) and {results['after'][3]:.0f} s (after)\n")
    print(f"{'storage (share of raw HTML)':<28}{'before B/page':>14}{'share':>8}"
          f"{'after B/page':>14}{'share':>8}")
    before, after = results["before"][2], results["after"][2]
    print(f"{'database file':<28}{results['before'][1] / n:>14,.0f}{results['before'][1] / raw:>8.2f}"
          f"{results['after'][1] / n:>14,.0f}{results['after'][1] / raw:>8.2f}")
    for name in sorted(set(before) | set(after), key=lambda k: -before.get(k, after.get(k, 0))):
        b, a = before.get(name, 0), after.get(name, 0)
        print(f"{'  ' + name:<28}{b / n:>14,.0f}{b / raw:>8.2f}{a / n:>14,.0f}{a / raw:>8.2f}")
    print(f"\n{'latency (median ms)':<36}{'before':>10}{'after':>10}")
    for label, (b_ms, a_ms) in latency.items():
        print(f"{label:<36}{b_ms:>10.1f}{a_ms:>10.1f}")
    print("(runs interleaved, median; nan: the old layout cannot run today's search or reader)")


if __name__ == "__main__":
    main()
