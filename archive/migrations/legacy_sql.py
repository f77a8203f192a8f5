"""The SQL of migrations 1 to 11, as released: what older archives were built with.

Frozen: these build the older layouts that archive/migrations/v12_declared.py converts to
today's schema (archive/schema.sql), and the tests that keep older archives. Nothing here
is today's schema.
"""

CORE = """
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

HISTORY = """
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

FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5(title, text, content='');
CREATE VIRTUAL TABLE IF NOT EXISTS sections_fts USING fts5(heading, text, content='');
CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT);
"""

INDEXES = """
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

SOURCE = """
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

SITES_BY_NAME = """
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

REVISITS = """
CREATE TABLE IF NOT EXISTS revisits (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    last_checked TEXT,
    checks INTEGER NOT NULL DEFAULT 0,
    changes INTEGER NOT NULL DEFAULT 0,
    listed_lastmod TEXT,
    checked_lastmod TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS revisits_site ON revisits(site, last_checked);
ALTER TABLE crawls ADD COLUMN skipped_by_lastmod INTEGER;
INSERT OR IGNORE INTO revisits(url, site, last_checked, checks)
    SELECT c.url, f.site, max(c.fetched_at), count(*) FROM captures c
    JOIN frontier f ON f.crawl_id = c.crawl_id AND f.url = c.url
    WHERE c.status IS NOT NULL GROUP BY c.url;
INSERT OR IGNORE INTO revisits(url, site, last_checked, checks)
    SELECT url, site, last_seen, 1 FROM pages WHERE site IS NOT NULL AND last_seen IS NOT NULL;
"""

LISTED_IN = """
ALTER TABLE revisits ADD COLUMN listed_in INTEGER;
ALTER TABLE revisits ADD COLUMN listed_by TEXT;
ALTER TABLE revisits ADD COLUMN parsed_in INTEGER;
"""
