-- What FeedHub had to repair, or could not read, in a document it did read.
ALTER TABLE fetches ADD COLUMN notes TEXT;
