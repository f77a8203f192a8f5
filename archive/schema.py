"""The archive's schema: numbered migrations applied by one idempotent function.

A database made by any older version opens, is upgraded in place and keeps its data. Each
migration is SQL or a Python step, applied once and recorded in `migrations`. Migrations are
never edited once released: a change of schema is a new migration at the end of the list.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable, Sequence

from sqlite_utils import Database

from archive import compact, compact_history, compact_text, revisits, textcodec
from archive.search import NORMALISER_VERSION, normalise
from scraper.models import utc_now

Step = str | Callable[[sqlite3.Connection], None]
PAGE_SIZE = 16384  # bytes, for new archives; an existing one keeps its own

_CORE = """
CREATE TABLE IF NOT EXISTS sites (
    host TEXT PRIMARY KEY,
    name TEXT,
    country TEXT,
    languages TEXT  -- JSON array
);
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    sites TEXT,  -- JSON array
    fetched INTEGER, new INTEGER, changed INTEGER, unchanged INTEGER, failed INTEGER,
    documents INTEGER, gone INTEGER, skipped INTEGER
);
CREATE TABLE IF NOT EXISTS frontier (
    crawl_id INTEGER NOT NULL REFERENCES crawls(id),
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    depth INTEGER NOT NULL,
    found_on TEXT,
    state TEXT NOT NULL DEFAULT 'queued',
    PRIMARY KEY (crawl_id, url)
);
CREATE TABLE IF NOT EXISTS bodies (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    compressed BLOB NOT NULL  -- zlib
);
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    crawl_id INTEGER REFERENCES crawls(id),
    fetched_at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    content_type TEXT,
    size INTEGER,
    sha256 TEXT REFERENCES bodies(sha256),
    etag TEXT,
    last_modified TEXT,
    final_url TEXT,
    elapsed_ms INTEGER,
    outcome TEXT,
    headers TEXT  -- JSON object
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    site TEXT,
    language TEXT,
    title TEXT,
    breadcrumb TEXT,  -- JSON array
    published TEXT,
    modified TEXT,
    text TEXT,
    first_seen TEXT,
    last_seen TEXT,
    last_changed TEXT,
    gone_at TEXT,
    gone_status INTEGER,
    capture_id INTEGER REFERENCES captures(id)
);
CREATE TABLE IF NOT EXISTS sections (
    page_url TEXT NOT NULL REFERENCES pages(url) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    heading TEXT,
    level INTEGER,
    text TEXT,
    PRIMARY KEY (page_url, position)
);
CREATE TABLE IF NOT EXISTS translations (
    page_url TEXT NOT NULL REFERENCES pages(url) ON DELETE CASCADE,
    language TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (page_url, language)
);
"""

_HISTORY = """
ALTER TABLE pages ADD COLUMN extractor TEXT;
ALTER TABLE pages ADD COLUMN language_declared TEXT;
ALTER TABLE pages ADD COLUMN language_detected TEXT;
ALTER TABLE pages ADD COLUMN published_year INTEGER;
UPDATE pages SET published_year = CAST(substr(published, 1, 4) AS INTEGER)
    WHERE published IS NOT NULL;
CREATE TABLE IF NOT EXISTS page_versions (
    url TEXT NOT NULL REFERENCES pages(url) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    captured_at TEXT NOT NULL,
    capture_id INTEGER REFERENCES captures(id),
    title TEXT,
    text TEXT,
    published TEXT,
    modified TEXT,
    breadcrumb TEXT,  -- JSON array
    sections TEXT,  -- JSON array of {heading, level, text}
    language TEXT,
    content_sha256 TEXT NOT NULL,
    PRIMARY KEY (url, version)
);
"""

# Contentless: the normalised text is only an index, never shown, so it is not stored twice.
# Rows are written and deleted by the store functions, which know the indexed values.
_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5(title, text, content='');
CREATE VIRTUAL TABLE IF NOT EXISTS sections_fts USING fts5(heading, text, content='');
CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT);
"""

# One index behind every canned query, facet, sort and foreign key of metadata.yml.
_INDEXES = """
CREATE INDEX IF NOT EXISTS captures_url ON captures(url, fetched_at);
CREATE INDEX IF NOT EXISTS captures_crawl ON captures(crawl_id, outcome);
CREATE INDEX IF NOT EXISTS captures_crawl_url ON captures(crawl_id, url);
CREATE INDEX IF NOT EXISTS captures_sha256 ON captures(sha256);
CREATE INDEX IF NOT EXISTS captures_fetched_at ON captures(fetched_at);
CREATE INDEX IF NOT EXISTS captures_status ON captures(status);
CREATE INDEX IF NOT EXISTS frontier_queue ON frontier(crawl_id, site, state);
CREATE INDEX IF NOT EXISTS frontier_site_url ON frontier(site, url);
CREATE INDEX IF NOT EXISTS pages_site ON pages(site);
CREATE INDEX IF NOT EXISTS pages_language ON pages(language);
CREATE INDEX IF NOT EXISTS pages_published ON pages(published);
CREATE INDEX IF NOT EXISTS pages_published_year ON pages(published_year);
CREATE INDEX IF NOT EXISTS pages_modified ON pages(modified);
CREATE INDEX IF NOT EXISTS pages_last_changed ON pages(last_changed);
CREATE INDEX IF NOT EXISTS pages_capture ON pages(capture_id);
CREATE INDEX IF NOT EXISTS translations_url ON translations(url);
CREATE INDEX IF NOT EXISTS page_versions_captured_at ON page_versions(captured_at);
CREATE INDEX IF NOT EXISTS page_versions_capture ON page_versions(capture_id);
CREATE INDEX IF NOT EXISTS crawls_status ON crawls(status);
"""


# Where each capture came from: 'crawl', 'warc:<file name>' or 'wayback'. A version takes its
# capture's source through a trigger, so every writer of page_versions (the crawl, reextract,
# an import) gets it right without knowing of it. backfill_items is the backfill's progress:
# one row per CDX capture to fetch, so a killed backfill resumes and never stores one twice.
_SOURCE = """
ALTER TABLE captures ADD COLUMN source TEXT NOT NULL DEFAULT 'crawl';
ALTER TABLE page_versions ADD COLUMN source TEXT NOT NULL DEFAULT 'crawl';
CREATE TRIGGER IF NOT EXISTS page_versions_take_source AFTER INSERT ON page_versions
BEGIN
    UPDATE page_versions SET source = coalesce(
        (SELECT source FROM captures WHERE id = NEW.capture_id), 'crawl')
    WHERE rowid = NEW.rowid;
END;
CREATE INDEX IF NOT EXISTS captures_source ON captures(source);
CREATE INDEX IF NOT EXISTS page_versions_source ON page_versions(source);
CREATE TABLE IF NOT EXISTS backfill_items (
    url TEXT NOT NULL,
    timestamp TEXT NOT NULL,  -- the CDX server's 14-digit capture time
    site TEXT NOT NULL,
    original TEXT NOT NULL,
    digest TEXT,
    state TEXT NOT NULL DEFAULT 'queued',  -- queued | done | failed
    capture_id INTEGER REFERENCES captures(id),
    PRIMARY KEY (url, timestamp)
);
"""


def rebuild_fts(conn: sqlite3.Connection) -> None:
    """Index every page and section again (after a change of the normaliser or of Unicode)."""
    conn.execute("INSERT INTO pages_fts(pages_fts) VALUES ('delete-all')")
    conn.execute("INSERT INTO sections_fts(sections_fts) VALUES ('delete-all')")
    for rowid, title, text in conn.execute("SELECT rowid, title, text FROM pages").fetchall():
        conn.execute(
            "INSERT INTO pages_fts(rowid, title, text) VALUES (?, ?, ?)",
            (rowid, normalise(title), normalise(text)),
        )
    rows = conn.execute("SELECT rowid, heading, text FROM sections").fetchall()
    for rowid, heading, text in rows:
        conn.execute(
            "INSERT INTO sections_fts(rowid, heading, text) VALUES (?, ?, ?)",
            (rowid, normalise(heading), normalise(text)),
        )
    _record_normaliser(conn)


def _normaliser_key() -> str:
    # The Unicode tables change with Python versions; contentless FTS deletes must see the
    # same normalised values as were indexed, so either change means a rebuild.
    return f"{NORMALISER_VERSION}/{unicodedata.unidata_version}"


def _record_normaliser(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO archive_meta(key, value) VALUES ('normaliser', ?)",
        (_normaliser_key(),),
    )


# Keyed by the site's name, which pages.site (and frontier, revisits, crawls.sites) hold, so
# that `pages JOIN sites ON sites.name = pages.site` is a join on a key. Its hosts and aliases
# are a JSON array; `host` stays the main one. Pages filed under a site no row named get one.
_SITES_BY_NAME = """
CREATE TABLE sites_by_name (
    name TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    hosts TEXT,  -- JSON array
    country TEXT,
    languages TEXT  -- JSON array
);
INSERT OR IGNORE INTO sites_by_name(name, host, hosts, country, languages)
    SELECT coalesce(name, host), host, json_array(host), country, languages FROM sites
    ORDER BY rowid;
INSERT OR IGNORE INTO sites_by_name(name, host, hosts)
    SELECT DISTINCT site, site, json_array(site) FROM pages WHERE site IS NOT NULL;
DROP TABLE sites;
ALTER TABLE sites_by_name RENAME TO sites;
"""

MIGRATIONS: list[tuple[int, str, Sequence[Step]]] = [
    (1, "core tables", [_CORE]),
    (2, "page history and language provenance", [_HISTORY]),
    (3, "full-text search over normalised text", [_FTS, rebuild_fts]),
    (4, "indexes for canned queries and facets", [_INDEXES]),
    (5, "where each capture came from; backfill progress", [_SOURCE]),
    (6, "compact storage: text stored once, zstd bodies with per-host dictionaries", compact.STEPS),
    (7, "revisits: what the crawl knows of each URL, to re-check only what changed",
     revisits.STEPS),
    (8, "older versions' sections as spans of their own text", compact_history.STEPS),
    (9, "the last crawl that found each URL in its site's sitemap or feed", [revisits.LISTED_IN]),
    (10, "sites keyed by name, as pages.site holds it, with all their hosts", [_SITES_BY_NAME]),
    (11, "pages.text stored zstd-compressed (text_z), text generated from it", compact_text.STEPS),
]
LATEST = MIGRATIONS[-1][0]


def schema_version(db: Database) -> int:
    """The number of the last migration applied (0 for an empty database)."""
    if not db["migrations"].exists():
        return 0
    row = db.execute("SELECT max(version) FROM migrations").fetchone()
    return int(row[0] or 0)


def ensure_schema(db: Database, upto: int | None = None) -> None:
    """Create or upgrade the schema; safe to call on every start. Commits.

    `upto` stops after that migration (tests use it to build a database of an older version).
    """
    conn = db.conn
    # pages.text is computed by this function (migration 11): the migrations and every
    # reader of this connection need it.
    textcodec.register(conn)
    if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
        # A new archive: 16 KiB pages hold a compressed page row or a search-index leaf with
        # less waste than 4 KiB ones. Settable only before the first table (and before WAL).
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    # Readers and the crawl share the file: wait for a lock rather than fail at once.
    conn.execute("PRAGMA busy_timeout=10000")
    with conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
    done = {row[0] for row in conn.execute("SELECT version FROM migrations")}
    for version, name, steps in MIGRATIONS:
        if upto is not None and version > upto:
            break
        if version in done:
            continue
        # Explicit BEGIN: the sqlite3 module opens no transaction before DDL by itself,
        # and each migration must be all or nothing.
        conn.execute("BEGIN IMMEDIATE")
        try:
            for step in steps:
                if isinstance(step, str):
                    for statement in _statements(step):
                        conn.execute(statement)
                else:
                    step(conn)
            conn.execute(
                "INSERT INTO migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, utc_now()),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    if upto is None or upto >= 3:
        row = conn.execute("SELECT value FROM archive_meta WHERE key = 'normaliser'").fetchone()
        if row is None or row[0] != _normaliser_key():
            with conn:
                rebuild_fts(conn)


def _statements(script: str) -> list[str]:
    """Split a script into statements (executescript would commit the open transaction)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
