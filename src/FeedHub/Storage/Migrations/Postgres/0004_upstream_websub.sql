-- The WebSub subscriber side (SQLite's 0021_upstream_websub), with PostgreSQL's types: the hub and
-- topic each source's feed last advertised, and FeedHub's own subscriptions at upstream hubs. No
-- foreign key to the source: a row outlives its source until the hub confirms the unsubscription.

ALTER TABLE sources ADD COLUMN websub_hub TEXT;
ALTER TABLE sources ADD COLUMN websub_topic TEXT;

CREATE TABLE upstream_subscriptions (
    id              TEXT PRIMARY KEY,
    source_id       TEXT NOT NULL,
    hub             TEXT NOT NULL,
    topic           TEXT NOT NULL,
    -- The hub.secret FeedHub gave: checks every delivery's X-Hub-Signature; never shown or logged.
    secret          TEXT NOT NULL,
    state           TEXT NOT NULL,
    lease_seconds   BIGINT,
    requested_at    TIMESTAMPTZ NOT NULL,
    verified_at     TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ,
    last_push_at    TIMESTAMPTZ,
    last_outcome    TEXT,
    last_outcome_at TIMESTAMPTZ
);

CREATE INDEX upstream_subscriptions_by_source ON upstream_subscriptions (source_id);
