-- The URL as declared, apart from the URL polled: a feed that moved permanently keeps its new URL
-- across restarts until its declaration itself changes.
ALTER TABLE sources ADD COLUMN declared_url TEXT;
UPDATE sources SET declared_url = url;

-- A permanent redirect seen on the last poll; seen again on the next, the URL moves.
ALTER TABLE sources ADD COLUMN redirect_to TEXT;
