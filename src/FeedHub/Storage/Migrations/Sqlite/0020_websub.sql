-- The WebSub hub (W3C WebSub) for FeedHub's own channels: verified subscriptions, the last version
-- of each topic (a channel document) that subscribers were told about, and the deliveries still to
-- make. A subscription has at most one pending delivery: it always carries the newest content, since
-- every delivery is the topic's whole document.

CREATE TABLE websub_subscriptions (
    id                  INTEGER PRIMARY KEY,
    topic               TEXT NOT NULL,
    callback            TEXT NOT NULL,
    -- The subscriber's hub.secret: needed to sign every delivery, so kept as given; never shown or logged.
    secret              TEXT,
    signature_algorithm TEXT NOT NULL,
    lease_seconds       INTEGER NOT NULL,
    expires_at          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    renewed_at          TEXT NOT NULL,
    last_delivered_at   TEXT,
    UNIQUE (topic, callback)
);

CREATE INDEX websub_subscriptions_by_topic ON websub_subscriptions (topic, expires_at);

-- The ETag of each topic's document as last compared: a different one is a change to deliver.
CREATE TABLE websub_topics (
    topic      TEXT PRIMARY KEY,
    etag       TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

-- A topic's document as it was when it changed, kept while a delivery still needs it.
CREATE TABLE websub_contents (
    id           INTEGER PRIMARY KEY,
    topic        TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE websub_deliveries (
    subscription_id INTEGER PRIMARY KEY REFERENCES websub_subscriptions (id) ON DELETE CASCADE,
    content_id      INTEGER NOT NULL REFERENCES websub_contents (id),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    queued_at       TEXT NOT NULL
);

CREATE INDEX websub_deliveries_due ON websub_deliveries (next_attempt_at);
