-- What a sync run leaves for the next one to know that the reconcile's inputs other than the
-- directory are as a whole reconcile (or one equivalent to it) left them: then a full read
-- reconciles only the people whose entries changed, not everyone.
--
-- One row, the newest complete run's (older ones are dropped as a new one is written): the
-- audit trail's tally after the run's own writes (every change of state by anyone writes an
-- audit event, so a tally that has not moved since means nobody changed the ledger, the open
-- items, the exceptions, the requests or the organisation's rights), a digest of the policy
-- and the leaver rules the run reconciled with, when the last whole reconcile ran (its "now":
-- what time alone may have changed since is reconciled again, and a new day reconciles
-- everyone), and the people the next run must look at again whatever their entries say (a
-- revocation waiting for its grace period, a refused entry).
--
-- Writing the row writes no audit event and touches no table the tally counts, so the tally
-- it records is still the trail's when the run commits: the run holds the trail's chain lock
-- from its first event to its commit, so nobody else adds one in between. The function
-- checks that the run is the calling transaction's (sync_run_of_this_transaction), complete
-- and the newest, and that the tally given is the trail's now.

CREATE TABLE sync_reconcile_mark (
  run_id       bigint PRIMARY KEY REFERENCES sync_run (id) ON DELETE CASCADE,
  audit_events bigint NOT NULL CHECK (audit_events >= 0),
  audit_newest bigint NOT NULL,
  inputs       text NOT NULL,
  whole_at     timestamptz NOT NULL,
  recheck      text[] NOT NULL DEFAULT '{}'
);
REVOKE ALL ON sync_reconcile_mark FROM PUBLIC;
GRANT SELECT ON sync_reconcile_mark TO valtuus_daemon;

CREATE FUNCTION sync_reconcile_mark_write(p_run bigint, p_events bigint, p_newest bigint,
                                          p_inputs text, p_whole_at timestamptz,
                                          p_recheck text[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := sync_run_of_this_transaction(p_run);
BEGIN
  IF NOT run.snapshot_complete THEN
    RAISE EXCEPTION 'sync_reconcile_mark_write: run % did not read the directory completely', p_run
      USING ERRCODE = 'check_violation';
  END IF;
  IF p_run IS DISTINCT FROM (SELECT max(id) FROM sync_run) THEN
    RAISE EXCEPTION 'sync_reconcile_mark_write: run % is not the newest run', p_run
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_tally WHERE events = p_events AND newest = p_newest) THEN
    RAISE EXCEPTION 'sync_reconcile_mark_write: the audit trail is not where run % says', p_run
      USING ERRCODE = 'check_violation';
  END IF;
  DELETE FROM sync_reconcile_mark WHERE run_id <> p_run;
  INSERT INTO sync_reconcile_mark (run_id, audit_events, audit_newest, inputs, whole_at, recheck)
    VALUES (p_run, p_events, p_newest, p_inputs, p_whole_at, coalesce(p_recheck, '{}'))
    ON CONFLICT (run_id) DO UPDATE SET audit_events = EXCLUDED.audit_events,
      audit_newest = EXCLUDED.audit_newest, inputs = EXCLUDED.inputs,
      whole_at = EXCLUDED.whole_at, recheck = EXCLUDED.recheck;
END;
$$;
REVOKE EXECUTE ON FUNCTION sync_reconcile_mark_write(bigint, bigint, bigint, text, timestamptz, text[])
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sync_reconcile_mark_write(bigint, bigint, bigint, text, timestamptz, text[])
  TO valtuus_daemon;
