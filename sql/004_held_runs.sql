-- Version 4: held sync runs (issue #6). The daemon's guard (core/guard.h) stores a run whose
-- revocations exceed the configured limits, or that follows an incomplete read while it still
-- revokes or supersedes, as *held*: the run records why, and its items are written in state
-- 'held', where no one can decide them. A person then releases the run (its held items become
-- 'proposed') or discards it (they become 'discarded', for good). Both are audited.
--
-- The contract later migrations rely on:
--   sync_run.held_reason   NULL: the run was not held; otherwise the guard's reason
--   sync_run.held_at       when it was held (set with held_reason)
--   sync_run.released_at, released_by    set once by run_release()
--   sync_run.discarded_at, discarded_by  set once by run_discard()
--   change_item.state      gains 'held' (open: counts for the one-open-item index, may be
--                          superseded by a later run) and 'discarded' (final)
--   run_release(p_run bigint, p_note text) RETURNS integer   -- items released; valtuus_admin
--   run_discard(p_run bigint, p_reason text) RETURNS integer -- items discarded; valtuus_admin,
--                                                               valtuus_reviewer
-- A run is held and unresolved when held_reason IS NOT NULL AND released_at IS NULL AND
-- discarded_at IS NULL.

ALTER TABLE sync_run
  ADD COLUMN held_reason  text,
  ADD COLUMN held_at      timestamptz,
  ADD COLUMN released_at  timestamptz,
  ADD COLUMN released_by  text,
  ADD COLUMN discarded_at timestamptz,
  ADD COLUMN discarded_by text,
  ADD CONSTRAINT sync_run_hold_consistent CHECK (
    (held_reason IS NULL) = (held_at IS NULL)
    AND (released_at IS NULL) = (released_by IS NULL)
    AND (discarded_at IS NULL) = (discarded_by IS NULL)
    AND (released_at IS NULL OR discarded_at IS NULL)
    AND (held_reason IS NOT NULL OR (released_at IS NULL AND discarded_at IS NULL)));
CREATE INDEX sync_run_unresolved_idx ON sync_run (id)
  WHERE held_reason IS NOT NULL AND released_at IS NULL AND discarded_at IS NULL;

ALTER TABLE change_item DROP CONSTRAINT change_item_state_check;
ALTER TABLE change_item ADD CONSTRAINT change_item_state_check
  CHECK (state IN ('proposed', 'approved', 'applied', 'rejected', 'superseded', 'done', 'failed',
                   'held', 'discarded'));

-- A held item is open: a later run sees it and neither proposes it again nor duplicates it.
DROP INDEX change_item_one_open_idx;
CREATE UNIQUE INDEX change_item_one_open_idx
  ON change_item (coalesce(employee_key, ''), mandate_id, kind)
  WHERE state IN ('proposed', 'approved', 'applied', 'held');
CREATE INDEX change_item_held_run_idx ON change_item (run_id) WHERE state = 'held';

-- The state machine of version 2, plus: held → proposed (released), held → discarded
-- (discarded), held → superseded (a later run no longer wants it). A decision on a held item
-- is refused with a message that says what to do.
CREATE OR REPLACE FUNCTION change_item_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version <> OLD.version + 1 THEN
    RAISE EXCEPTION 'item %: version must advance by one (% to %)', OLD.id, OLD.version, NEW.version
      USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW.kind, NEW.employee_key, NEW.mandate_id, NEW.run_id, NEW.fingerprint, NEW.reason,
      NEW.created_at, NEW.request_id)
     IS DISTINCT FROM (OLD.kind, OLD.employee_key, OLD.mandate_id, OLD.run_id, OLD.fingerprint,
                       OLD.reason, OLD.created_at, OLD.request_id) THEN
    RAISE EXCEPTION 'item %: what an item is about never changes', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.state = 'held' AND NEW.state NOT IN ('proposed', 'discarded', 'superseded') THEN
    RAISE EXCEPTION 'item %: its run % is held by the guard; a person must release the run first (valtuusctl runs show %)',
      OLD.id, OLD.run_id, OLD.run_id USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF NOT ((OLD.state = 'proposed' AND NEW.state IN ('approved', 'rejected', 'superseded'))
       OR (OLD.state = 'approved' AND NEW.state IN ('done', 'failed', 'superseded'))
       OR (OLD.state = 'approved' AND NEW.state = 'applied' AND OLD.kind = 'org_apply')
       OR (OLD.state = 'applied' AND NEW.state IN ('done', 'failed'))
       OR (OLD.state = 'held' AND NEW.state IN ('proposed', 'discarded', 'superseded'))) THEN
    RAISE EXCEPTION 'item %: % → % is not allowed', OLD.id, OLD.state, NEW.state
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.state_changed_at := now();
  RETURN NEW;
END;
$$;

-- As in version 2, and a held item may be superseded too (a later read no longer wants it).
CREATE OR REPLACE FUNCTION supersede_item(p_id bigint, p_run bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE change_item SET state = 'superseded', version = version + 1, superseded_by_run = p_run
    WHERE id = p_id AND state IN ('proposed', 'approved', 'held');
  IF NOT FOUND THEN
    RETURN false;  -- decided or executed meanwhile: a person's work is never undone
  END IF;
  INSERT INTO audit_event (action, run_id, item_id) VALUES ('item_superseded', p_run, p_id);
  RETURN true;
END;
$$;

-- The held run to release or discard, locked; refuses one that is not held or was resolved.
-- Takes the daemon's sync lock first, so a run in flight (which planned against the held items)
-- finishes before the items move.
CREATE FUNCTION run_for_resolution(p_run bigint) RETURNS sync_run
LANGUAGE plpgsql AS $$
DECLARE
  run sync_run;
BEGIN
  PERFORM pg_advisory_xact_lock(6215332885840614146);  -- kSyncLock of sync_store.cc
  SELECT * INTO run FROM sync_run WHERE id = p_run FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'run % does not exist', p_run USING ERRCODE = 'no_data_found';
  END IF;
  IF run.held_reason IS NULL THEN
    RAISE EXCEPTION 'run % is not held: its items were proposed when it ran', p_run
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF run.released_at IS NOT NULL THEN
    RAISE EXCEPTION 'run % was already released by % at %', p_run, run.released_by,
      run.released_at USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF run.discarded_at IS NOT NULL THEN
    RAISE EXCEPTION 'run % was already discarded by % at %', p_run, run.discarded_by,
      run.discarded_at USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  RETURN run;
END;
$$;

-- Release: every item of the run still held becomes proposed, for review as usual. Items a later
-- run superseded meanwhile stay superseded. Returns how many were released.
CREATE FUNCTION run_release(p_run bigint, p_note text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := run_for_resolution(p_run);
  released integer;
BEGIN
  UPDATE change_item SET state = 'proposed', version = version + 1
    WHERE run_id = p_run AND state = 'held';
  GET DIAGNOSTICS released = ROW_COUNT;
  UPDATE sync_run SET released_at = now(), released_by = session_user WHERE id = p_run;
  INSERT INTO audit_event (action, run_id, details)
    VALUES ('run_released', p_run, jsonb_build_object('items', released, 'held_reason',
            run.held_reason, 'note', coalesce(p_note, '')));
  RETURN released;
END;
$$;

-- Discard: every item of the run still held becomes discarded, for good. If the directory still
-- says so, the next run proposes the same changes again (and the guard judges them again).
CREATE FUNCTION run_discard(p_run bigint, p_reason text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := run_for_resolution(p_run);
  discarded integer;
BEGIN
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'run %: discarding needs a reason', p_run USING ERRCODE = 'check_violation';
  END IF;
  UPDATE change_item SET state = 'discarded', version = version + 1
    WHERE run_id = p_run AND state = 'held';
  GET DIAGNOSTICS discarded = ROW_COUNT;
  UPDATE sync_run SET discarded_at = now(), discarded_by = session_user WHERE id = p_run;
  INSERT INTO audit_event (action, run_id, details)
    VALUES ('run_discarded', p_run, jsonb_build_object('items', discarded, 'held_reason',
            run.held_reason, 'reason', p_reason));
  RETURN discarded;
END;
$$;

-- Who may resolve a held run. Releasing puts a mass change (the guard's reason for holding it)
-- in front of reviewers, who then approve item by item: so only an administrator releases, and a
-- reviewer alone cannot both release and approve (four eyes on the mass change). Discarding is
-- the safe direction (nothing is decided; the next run proposes again what is still true), so
-- reviewers may discard too. The daemon may do neither.
REVOKE EXECUTE ON FUNCTION run_for_resolution(bigint), run_release(bigint, text),
  run_discard(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION run_release(bigint, text) TO valtuus_admin;
GRANT EXECUTE ON FUNCTION run_discard(bigint, text) TO valtuus_admin, valtuus_reviewer;
