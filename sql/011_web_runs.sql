-- Held runs through the web console: release (administrators) and discard (reviewers and
-- administrators) for a named person, as sql/010_web.sql does for item decisions. The bodies of
-- run_release() and run_discard() move into *_as(actor, via, ...) functions that nobody may
-- call directly, so the checks (held, not yet resolved, a reason to discard) exist once;
-- valtuusctl's functions keep their signatures and grants and act as the session user. The web_*
-- functions take the acting person, check their role (web_acting_person), and stamp the person
-- and "via web" on the run and in the audit trail.

CREATE FUNCTION run_release_as(p_actor text, p_via text, p_run bigint, p_note text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := run_for_resolution(p_run);
  released integer;
BEGIN
  UPDATE change_item SET state = 'proposed', version = version + 1
    WHERE run_id = p_run AND state = 'held';
  GET DIAGNOSTICS released = ROW_COUNT;
  UPDATE sync_run SET released_at = now(), released_by = p_actor WHERE id = p_run;
  INSERT INTO audit_event (actor, action, run_id, details)
    VALUES (p_actor, 'run_released', p_run,
            audit_via(jsonb_build_object('items', released, 'held_reason', run.held_reason,
                                         'note', coalesce(p_note, '')), p_via));
  RETURN released;
END;
$$;

CREATE FUNCTION run_discard_as(p_actor text, p_via text, p_run bigint, p_reason text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
  UPDATE sync_run SET discarded_at = now(), discarded_by = p_actor WHERE id = p_run;
  INSERT INTO audit_event (actor, action, run_id, details)
    VALUES (p_actor, 'run_discarded', p_run,
            audit_via(jsonb_build_object('items', discarded, 'held_reason', run.held_reason,
                                         'reason', p_reason), p_via));
  RETURN discarded;
END;
$$;

-- valtuusctl's functions: the same signatures and grants, acting as the session user.
CREATE OR REPLACE FUNCTION run_release(p_run bigint, p_note text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT run_release_as(session_user, NULL, p_run, p_note)
$$;
CREATE OR REPLACE FUNCTION run_discard(p_run bigint, p_reason text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT run_discard_as(session_user, NULL, p_run, p_reason)
$$;

-- Only an administrator releases (a reviewer alone must not both release a mass change and
-- approve its items); reviewers and administrators discard, the safe direction. Security reads.
CREATE FUNCTION web_release_run(p_person text, p_run bigint, p_note text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT run_release_as(web_acting_person(p_person, ARRAY['admin']), 'web', p_run, p_note)
$$;
CREATE FUNCTION web_discard_run(p_person text, p_run bigint, p_reason text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT run_discard_as(web_acting_person(p_person, ARRAY['reviewer', 'admin']), 'web', p_run,
                        p_reason)
$$;

REVOKE EXECUTE ON FUNCTION run_release_as(text, text, bigint, text),
  run_discard_as(text, text, bigint, text), web_release_run(text, bigint, text),
  web_discard_run(text, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION web_release_run(text, bigint, text), web_discard_run(text, bigint, text)
  TO valtuus_console;
-- The run page lists the entries the run's read refused (never a value, only which field).
GRANT SELECT ON refused_entry TO valtuus_console;
