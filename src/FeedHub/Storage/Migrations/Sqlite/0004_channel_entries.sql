-- The order in which each channel first published each entry. Archive pages are cut from it, so
-- an entry added later (an article with an old date, a source newly tagged) goes to the end and
-- no archive page that exists ever takes it in.
CREATE TABLE channel_entries (
    channel_id TEXT NOT NULL,
    entry_key  TEXT NOT NULL,
    sequence   INTEGER NOT NULL,
    PRIMARY KEY (channel_id, entry_key)
);

CREATE UNIQUE INDEX channel_entries_by_sequence ON channel_entries (channel_id, sequence);
