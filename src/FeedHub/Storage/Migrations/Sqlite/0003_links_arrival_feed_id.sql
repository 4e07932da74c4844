-- Articles name the upstream stories they draw on by URL; finding the stored item for one is a lookup.
CREATE INDEX items_by_link ON items (link);

-- Channels place items in the order they arrived; their archives read it per source.
CREATE INDEX items_by_source_arrival ON items (source_id, first_seen_at, id);

-- The upstream feed's own id (Atom), republished in atom:source.
ALTER TABLE sources ADD COLUMN feed_id TEXT;
