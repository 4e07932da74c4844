-- Times are ISO 8601 UTC text of fixed width (yyyy-MM-ddTHH:mm:ss.fffffffZ), so they sort as text.
-- Lists (tags, authors, categories, enclosures) are JSON arrays.

CREATE TABLE sources (
    id              TEXT PRIMARY KEY,
    title           TEXT,
    url             TEXT NOT NULL,
    schedule        TEXT NOT NULL,
    tags            TEXT NOT NULL DEFAULT '[]',
    license         TEXT NOT NULL,
    origin          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'Active',
    status_reason   TEXT,
    feed_title      TEXT,
    site_url        TEXT,
    etag            TEXT,
    last_modified   TEXT,
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_http_status INTEGER,
    last_error      TEXT,
    error_streak    INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    source_id     TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    identity      TEXT NOT NULL,
    guid          TEXT,
    title         TEXT,
    link          TEXT,
    summary       TEXT,
    content_html  TEXT,
    authors       TEXT NOT NULL DEFAULT '[]',
    categories    TEXT NOT NULL DEFAULT '[]',
    enclosures    TEXT NOT NULL DEFAULT '[]',
    published     TEXT,
    updated       TEXT,
    content_hash  TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    -- The item's place in "newest first": published, else updated, else when FeedHub first saw it.
    sort_at       TEXT NOT NULL,
    UNIQUE (source_id, identity)
);

CREATE INDEX items_by_time ON items (sort_at DESC, id DESC);
CREATE INDEX items_by_source_time ON items (source_id, sort_at DESC, id DESC);

CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    source_id     TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    started_at    TEXT NOT NULL,
    duration_ms   INTEGER NOT NULL,
    outcome       TEXT NOT NULL,
    http_status   INTEGER,
    bytes         INTEGER NOT NULL DEFAULT 0,
    items_seen    INTEGER NOT NULL DEFAULT 0,
    items_new     INTEGER NOT NULL DEFAULT 0,
    items_updated INTEGER NOT NULL DEFAULT 0,
    error         TEXT
);

CREATE INDEX fetches_by_source ON fetches (source_id, id DESC);
