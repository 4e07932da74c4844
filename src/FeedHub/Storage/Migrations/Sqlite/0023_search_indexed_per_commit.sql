-- New items enter the search index once per commit, in one INSERT ... SELECT over the rows the commit
-- added (ItemStore.IndexNewAsync), not through a trigger per row: for a busy poll cycle's commits
-- that is half the cost. Updates and deletes, which are rare, keep their triggers.
DROP TRIGGER items_search_insert;
