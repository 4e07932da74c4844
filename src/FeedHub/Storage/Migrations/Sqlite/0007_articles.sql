-- Own articles written through the admin API (those written as files are read from
-- FeedHub:ArticlesPath, not stored). The body is the Markdown source, rendered on reading exactly
-- as a file's is. An article is either published (published set) or scheduled (publish_at set).
CREATE TABLE articles (
    slug       TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    summary    TEXT,
    body       TEXT NOT NULL,
    authors    TEXT NOT NULL DEFAULT '[]',
    tags       TEXT NOT NULL DEFAULT '[]',
    rights     TEXT,
    ai         TEXT,
    sources    TEXT NOT NULL DEFAULT '[]',
    published  TEXT,
    updated    TEXT,
    publish_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((published IS NULL) <> (publish_at IS NULL)),
    CHECK (published IS NULL OR updated IS NOT NULL)
);
