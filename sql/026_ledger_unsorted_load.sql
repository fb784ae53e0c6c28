-- The state load reads everyone's ledger in the table's own order now: right after an import
-- (statistics not yet gathered) the server sorted its 150,000 rows on disk instead of using
-- grant_ledger_by_employee_c, while the directory was being read, and only a daemon that keeps
-- the state needs the order, which it sorts in memory. A few people's ledger is found through
-- grant_ledger_active_idx. Nothing reads this index any more; every import and decision paid for
-- keeping it.
DROP INDEX grant_ledger_by_employee_c;
