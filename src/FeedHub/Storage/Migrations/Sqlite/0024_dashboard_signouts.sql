-- Dashboard sessions that were signed out. A session is a cookie the browser keeps, so signing out
-- must be remembered on the server, by every node, until any copy of that cookie would have expired.
CREATE TABLE dashboard_signouts (
    session TEXT PRIMARY KEY,
    until TEXT NOT NULL
);
