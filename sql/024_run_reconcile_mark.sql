-- The reconcile mark (sql/022_reconcile_mark.sql) lives on the run's own row: set once, at the
-- end of the run, by the run's own transaction, instead of a row of its own that every run
-- deleted and inserted again. An unchanged sync now writes its run row (inserted, then its mark
-- set), its audit event and the trail's tally, and nothing else.
--
-- What the mark says is unchanged: the audit trail's tally after the run's own writes, a digest
-- of the policy, the leaver rules and the build the run reconciled with, when the last whole
-- reconcile ran, and whom the next run must look at again. The next run reads the newest run's
-- mark; a newest run without one (held, incomplete, or written before) means a whole reconcile.
--
-- sync_reconcile_mark_write keeps its name, its signature, its grant and its checks: the run is
-- the calling transaction's (sync_run_of_this_transaction), complete and the newest, and the
-- tally given is the trail's now. It also refuses a second mark for the same run. Like the row
-- it replaces, it writes no audit event: an event would move the tally the mark records, and
-- the row it sets is the run's own, written in the transaction that wrote the run's 'sync_run'
-- event. Nobody but the schema owner may update sync_run directly (sql/009).
--
-- The run's notice (outbox_run_trigger, sql/006) is decided at commit from the row as it then
-- is; setting the mark says nothing to reviewers, so the trigger no longer fires for it (nor for
-- the refused entries' count): only for the insert and the held, released and discarded marks.

ALTER TABLE sync_run
  ADD COLUMN mark_audit_events bigint CHECK (mark_audit_events >= 0),
  ADD COLUMN mark_audit_newest bigint,
  ADD COLUMN mark_inputs text,
  ADD COLUMN mark_whole_at timestamptz,
  ADD COLUMN mark_recheck text[],
  ADD CONSTRAINT sync_run_mark_whole
    CHECK (num_nulls(mark_audit_events, mark_audit_newest, mark_inputs, mark_whole_at,
                     mark_recheck) IN (0, 5));

-- Before any row changes: a trigger with pending events cannot be dropped.
DROP TRIGGER sync_run_outbox ON sync_run;
CREATE CONSTRAINT TRIGGER sync_run_outbox
  AFTER INSERT OR UPDATE OF held_reason, released_at, discarded_at ON sync_run
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION outbox_run_trigger();

-- The newest mark carries over: a run after the upgrade restricts its reconcile as before
-- (the build's digest differs after an upgrade anyway, so usually the next run is whole).
UPDATE sync_run r
   SET mark_audit_events = m.audit_events, mark_audit_newest = m.audit_newest,
       mark_inputs = m.inputs, mark_whole_at = m.whole_at, mark_recheck = m.recheck
  FROM sync_reconcile_mark m
 WHERE r.id = m.run_id;

DROP FUNCTION sync_reconcile_mark_write(bigint, bigint, bigint, text, timestamptz, text[]);
DROP TABLE sync_reconcile_mark;

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
  IF run.mark_inputs IS NOT NULL THEN
    RAISE EXCEPTION 'sync_reconcile_mark_write: run % already has its mark', p_run
      USING ERRCODE = 'unique_violation';
  END IF;
  IF p_inputs IS NULL OR p_whole_at IS NULL THEN
    RAISE EXCEPTION 'sync_reconcile_mark_write: a mark needs its inputs and its time'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE sync_run
     SET mark_audit_events = p_events, mark_audit_newest = p_newest, mark_inputs = p_inputs,
         mark_whole_at = p_whole_at, mark_recheck = coalesce(p_recheck, '{}')
   WHERE id = p_run;
END;
$$;
REVOKE EXECUTE ON FUNCTION sync_reconcile_mark_write(bigint, bigint, bigint, text, timestamptz, text[])
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sync_reconcile_mark_write(bigint, bigint, bigint, text, timestamptz, text[])
  TO valtuus_daemon;
