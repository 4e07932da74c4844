-- The WebSub subscriber side: the hub and topic each source's feed last advertised, and FeedHub's
-- own subscriptions at upstream hubs. A subscription row has no foreign key to its source: after a
-- source is deleted (or its hub changes) the row stays, marked Unsubscribing, until the hub has
-- confirmed the unsubscription with FeedHub's callback.

ALTER TABLE sources ADD COLUMN websub_hub TEXT;
ALTER TABLE sources ADD COLUMN websub_topic TEXT;

CREATE TABLE upstream_subscriptions (
    -- The opaque, random last segment of the callback URL: a hub cannot guess another's.
    id              TEXT PRIMARY KEY,
    source_id       TEXT NOT NULL,
    hub             TEXT NOT NULL,
    topic           TEXT NOT NULL,
    -- The hub.secret FeedHub gave: checks every delivery's X-Hub-Signature; never shown or logged.
    secret          TEXT NOT NULL,
    state           TEXT NOT NULL,
    lease_seconds   INTEGER,
    requested_at    TEXT NOT NULL,
    verified_at     TEXT,
    expires_at      TEXT,
    last_push_at    TEXT,
    last_outcome    TEXT,
    last_outcome_at TEXT
);

CREATE INDEX upstream_subscriptions_by_source ON upstream_subscriptions (source_id);
