-- The archive's schema today: every table, index and search table, in one place.
--
-- archive.schema.ensure_schema applies this file on every open (each statement is idempotent)
-- and converts older files to it (archive/migrations). Everything here is plain SQLite: no
-- table, view, index, trigger or generated column calls a function of ours, text is TEXT, and
-- only raw bodies (read by our code alone) are compressed. The `sqlite3` shell, Python's
-- sqlite3, pandas, DuckDB and a stock Datasette read every row; .dump, VACUUM INTO and
-- integrity_check work.
--
-- The search index points into pages and sections by a number stored in a column of their own
-- (pages.id, sections.id), never by an implicit rowid, which .dump renumbers.

CREATE TABLE IF NOT EXISTS migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT);

CREATE TABLE IF NOT EXISTS sites (
    name TEXT PRIMARY KEY,  -- as configured; pages.site, revisits.site and crawls.sites hold it
    host TEXT NOT NULL,
    hosts TEXT,  -- JSON array: every host and alias of the site
    country TEXT,
    languages TEXT  -- JSON array of ISO 639-1 codes
);

CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,  -- running | done | failed | interrupted
    sites TEXT,  -- JSON array
    fetched INTEGER, new INTEGER, changed INTEGER, unchanged INTEGER, failed INTEGER,
    documents INTEGER, gone INTEGER, skipped INTEGER, skipped_by_lastmod INTEGER
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

-- A zstd dictionary per host, trained on its bodies (archive/compress.py).
CREATE TABLE IF NOT EXISTS dictionaries (
    id INTEGER PRIMARY KEY,
    host TEXT NOT NULL,
    trained_at TEXT NOT NULL,
    samples INTEGER NOT NULL,  -- bodies it was trained on
    used INTEGER NOT NULL DEFAULT 0,  -- bodies compressed since (with it, or without if empty)
    data BLOB NOT NULL  -- the dictionary; empty when the samples gave none
);

-- Raw bodies, once per SHA-256: the archive's source of truth, read only through our code
-- (archive.store.capture_body), so the one compressed column.
CREATE TABLE IF NOT EXISTS bodies (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    compressed BLOB NOT NULL,  -- zstd, with the dictionary `dictionary_id` (none if null)
    host TEXT,
    dictionary_id INTEGER REFERENCES dictionaries(id)
);

-- One row per fetch that brought a body or failed, from a crawl, a WARC file or a web archive.
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    crawl_id INTEGER REFERENCES crawls(id),
    fetched_at TEXT NOT NULL,  -- UTC, ISO 8601 to the second
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
    headers TEXT,  -- JSON object
    source TEXT NOT NULL DEFAULT 'crawl',  -- crawl | warc:<file> | wayback
    redirects TEXT  -- JSON array of [address, status, target]: each redirect followed to final_url
);

-- The latest content of every page.
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    site TEXT,
    language TEXT,
    title TEXT,
    breadcrumb TEXT,  -- JSON array
    published TEXT,
    published_year INTEGER,
    modified TEXT,
    text TEXT,
    first_seen TEXT,
    last_seen TEXT,
    last_changed TEXT,
    gone_at TEXT,
    gone_status INTEGER,
    capture_id INTEGER REFERENCES captures(id),
    extractor TEXT,
    language_declared TEXT,
    language_detected TEXT,
    id INTEGER NOT NULL UNIQUE  -- the page's number: its key in pages_fts
);

-- The latest content's sections, in page order.
CREATE TABLE IF NOT EXISTS sections (
    id INTEGER PRIMARY KEY,  -- its key in sections_fts
    page_url TEXT NOT NULL REFERENCES pages(url) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    heading TEXT,
    level INTEGER,
    text TEXT,
    UNIQUE (page_url, position)
);

CREATE TABLE IF NOT EXISTS translations (
    page_url TEXT NOT NULL REFERENCES pages(url) ON DELETE CASCADE,
    language TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (page_url, language)
);

-- Every distinct content a page has had, whole. `at` is its capture time as the Wayback
-- Machine writes it (YYYYMMDDhhmmss): its address, which never changes meaning. `version`
-- numbers the contents in date order, a convenience that an older capture imported later
-- shifts.
CREATE TABLE IF NOT EXISTS page_versions (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL REFERENCES pages(url) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    capture_id INTEGER REFERENCES captures(id),
    title TEXT,
    text TEXT,
    published TEXT,
    modified TEXT,
    breadcrumb TEXT,  -- JSON array
    sections TEXT,  -- JSON array of {heading, level, text}
    language TEXT,
    translations TEXT,  -- JSON object {language: url}: the translations it linked to
    content_sha256 TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'crawl',  -- its capture's source
    UNIQUE (url, version)
);

-- What the crawl knows of each URL, to re-check only what may have changed (archive/revisits.py).
CREATE TABLE IF NOT EXISTS revisits (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    last_checked TEXT,
    checks INTEGER NOT NULL DEFAULT 0,
    changes INTEGER NOT NULL DEFAULT 0,
    listed_lastmod TEXT,
    checked_lastmod TEXT,
    listed_in INTEGER,  -- the last crawl that found it in its site's sitemap or feed
    listed_by TEXT,  -- that sitemap or feed
    parsed_in INTEGER  -- on a listing's own row: the last crawl that read it whole
) WITHOUT ROWID;

-- A backfill's progress: one row per CDX capture to fetch, so a killed backfill resumes.
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

-- Full-text search (archive/search.py, archive/search_index.py): contentless, the analysed
-- text is only an index, never shown. Rows are keyed by pages.id and sections.id and kept in
-- step by archive.search_index, the one writer.
CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5(
    title, text, title_stem, text_stem, language, content='');
CREATE VIRTUAL TABLE IF NOT EXISTS sections_fts USING fts5(heading, text, content='');

-- One index behind every canned query, facet, sort and foreign key of metadata.yml.
CREATE INDEX IF NOT EXISTS captures_url ON captures(url, fetched_at);
CREATE INDEX IF NOT EXISTS captures_final_url ON captures(final_url);
CREATE INDEX IF NOT EXISTS captures_crawl ON captures(crawl_id, outcome);
CREATE INDEX IF NOT EXISTS captures_crawl_url ON captures(crawl_id, url);
CREATE INDEX IF NOT EXISTS captures_sha256 ON captures(sha256);
CREATE INDEX IF NOT EXISTS captures_fetched_at ON captures(fetched_at);
CREATE INDEX IF NOT EXISTS captures_status ON captures(status);
CREATE INDEX IF NOT EXISTS captures_source ON captures(source);
CREATE INDEX IF NOT EXISTS bodies_host ON bodies(host, dictionary_id);
CREATE INDEX IF NOT EXISTS dictionaries_host ON dictionaries(host, id);
CREATE INDEX IF NOT EXISTS frontier_queue ON frontier(crawl_id, site, state);
CREATE INDEX IF NOT EXISTS frontier_site_url ON frontier(site, url);
CREATE INDEX IF NOT EXISTS pages_site ON pages(site);
CREATE INDEX IF NOT EXISTS pages_language ON pages(language);
CREATE INDEX IF NOT EXISTS pages_published ON pages(published);
CREATE INDEX IF NOT EXISTS pages_published_year ON pages(published_year);
CREATE INDEX IF NOT EXISTS pages_modified ON pages(modified);
CREATE INDEX IF NOT EXISTS pages_last_changed ON pages(last_changed);
CREATE INDEX IF NOT EXISTS pages_last_seen ON pages(last_seen);
CREATE INDEX IF NOT EXISTS pages_capture ON pages(capture_id);
CREATE INDEX IF NOT EXISTS translations_url ON translations(url);
CREATE INDEX IF NOT EXISTS page_versions_at ON page_versions(url, at);
CREATE INDEX IF NOT EXISTS page_versions_captured_at ON page_versions(captured_at);
CREATE INDEX IF NOT EXISTS page_versions_capture ON page_versions(capture_id);
CREATE INDEX IF NOT EXISTS page_versions_source ON page_versions(source);
CREATE INDEX IF NOT EXISTS revisits_site ON revisits(site, last_checked);
CREATE INDEX IF NOT EXISTS crawls_status ON crawls(status);
