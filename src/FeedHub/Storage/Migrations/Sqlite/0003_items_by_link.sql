-- Articles name the upstream stories they draw on by URL; finding the stored item for one is a lookup.
CREATE INDEX items_by_link ON items (link);
