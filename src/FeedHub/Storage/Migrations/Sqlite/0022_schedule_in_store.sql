-- The store is the schedule: sources.next_attempt_at says when each source is next polled, and a
-- claim (which node, until when) says who is polling it. Quartz no longer holds a trigger per source.
-- Every active source gets a due time: one never polled, or whose schedule changed under the old
-- scheduler (which left the column empty), is due from when it was made, that is, at once.

ALTER TABLE sources ADD COLUMN claimed_by TEXT;
ALTER TABLE sources ADD COLUMN claimed_until TEXT;

UPDATE sources SET next_attempt_at = COALESCE(last_attempt_at, created_at) WHERE next_attempt_at IS NULL;

-- The dispatcher's one query: the earliest due active sources. Paused and retired ones are not in it,
-- so a dispatch with nothing due reads nothing, however many sources there are.
CREATE INDEX sources_due ON sources (next_attempt_at) WHERE status = 'Active';
