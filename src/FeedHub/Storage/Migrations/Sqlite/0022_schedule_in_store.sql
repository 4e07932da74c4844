-- The store is the schedule: sources.next_attempt_at says when each source is next polled, and a
-- claim (which node, until when) says who is polling it. Quartz no longer holds a trigger per source.
-- Every active source gets a due time: one never polled, or whose schedule changed under the old
-- scheduler (which left the column empty), is due from when it was made, that is, at once.

-- While a hub pushes a source, its next attempt is the safety net's; scheduled_at keeps the time its
-- own policy chose (schedule, backoff, Retry-After), which applies again the moment pushing stops.
ALTER TABLE sources ADD COLUMN scheduled_at TEXT;
ALTER TABLE sources ADD COLUMN claimed_by TEXT;
ALTER TABLE sources ADD COLUMN claimed_until TEXT;

UPDATE sources SET next_attempt_at = COALESCE(last_attempt_at, created_at) WHERE next_attempt_at IS NULL;
UPDATE sources SET scheduled_at = next_attempt_at;

-- The dispatcher's one query: the earliest due active sources. Paused and retired ones are not in it,
-- so a dispatch with nothing due reads nothing, however many sources there are.
CREATE INDEX sources_due ON sources (next_attempt_at) WHERE status = 'Active';
