-- The keys that protect dashboard sessions and forms (ASP.NET Core data protection), one XML
-- element per key, kept with the data so that a restart or another node sharing the store accepts
-- the same sessions with no folder to share.
CREATE TABLE data_protection_keys (
    name TEXT PRIMARY KEY,
    xml TEXT NOT NULL
);
