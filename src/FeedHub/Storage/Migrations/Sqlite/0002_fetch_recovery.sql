-- Why a document that was fetched and read was ill-formed, when FeedHub had to repair it.
ALTER TABLE fetches ADD COLUMN recovery TEXT;
