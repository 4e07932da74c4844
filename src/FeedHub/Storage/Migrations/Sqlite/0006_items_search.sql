-- Full-text search over items (GET /api/items?q=), kept in step with the items table by triggers.
CREATE VIRTUAL TABLE items_search USING fts5 (title, summary, content_html, content = 'items', content_rowid = 'id');

CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_search (rowid, title, summary, content_html) VALUES (new.id, new.title, new.summary, new.content_html);
END;

CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_search (items_search, rowid, title, summary, content_html) VALUES ('delete', old.id, old.title, old.summary, old.content_html);
END;

CREATE TRIGGER items_search_update AFTER UPDATE ON items BEGIN
    INSERT INTO items_search (items_search, rowid, title, summary, content_html) VALUES ('delete', old.id, old.title, old.summary, old.content_html);
    INSERT INTO items_search (rowid, title, summary, content_html) VALUES (new.id, new.title, new.summary, new.content_html);
END;

INSERT INTO items_search (items_search) VALUES ('rebuild');
