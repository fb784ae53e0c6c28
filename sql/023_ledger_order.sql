-- The state load reads the ledger in force in the bytewise order of the employee key (the
-- order the daemon keeps it in: std::string's <, which COLLATE "C" is), so that the daemon
-- need not sort it and a person's rows come together. The unique index on (employee_key,
-- mandate_id) is in the database's collation, which need not be bytewise: this one is, and
-- saves the server a sort of every row.
CREATE INDEX grant_ledger_by_employee_c ON grant_ledger (employee_key COLLATE "C")
  WHERE revoked_at IS NULL;
