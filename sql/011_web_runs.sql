-- Held runs and bulk approve through the web console. Release (administrators) and discard
-- (reviewers and administrators) for a named person, as sql/010_web.sql does for item decisions. The bodies of
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

-- Bulk approve from the console's queue: the items the person selected, each bound to the
-- version their page showed, approved with one confirmation and one comment. All or nothing:
-- if any item changed meanwhile, or is the person's own order, or is held, nothing is approved
-- and the refusal names that item, so the confirmed set is exactly what is approved. Each item
-- gets its usual audit event (approve_item_as); one more event keeps the comment and the set.
CREATE FUNCTION web_approve_items(p_person text, p_items bigint[], p_versions integer[],
                                  p_comment text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor text := web_acting_person(p_person, ARRAY['reviewer', 'admin']);
  n integer := coalesce(cardinality(p_items), 0);
BEGIN
  IF n = 0 OR n <> coalesce(cardinality(p_versions), 0) THEN
    RAISE EXCEPTION 'bulk approve needs one version for each of at least one item'
      USING ERRCODE = 'check_violation';
  END IF;
  IF n > 500 THEN
    RAISE EXCEPTION 'bulk approve takes at most 500 items at once, not %', n
      USING ERRCODE = 'check_violation';
  END IF;
  IF coalesce(btrim(p_comment), '') = '' THEN
    RAISE EXCEPTION 'bulk approve needs a comment' USING ERRCODE = 'check_violation';
  END IF;
  IF (SELECT count(DISTINCT x) FROM unnest(p_items) x) <> n THEN
    RAISE EXCEPTION 'bulk approve names an item twice' USING ERRCODE = 'check_violation';
  END IF;
  FOR i IN 1 .. n LOOP
    PERFORM approve_item_as(actor, 'web', p_items[i], p_versions[i]);
  END LOOP;
  INSERT INTO audit_event (actor, action, details)
    VALUES (actor, 'items_approved_together',
            audit_via(jsonb_build_object('items', to_jsonb(p_items), 'comment', p_comment),
                      'web'));
  RETURN n;
END;
$$;
REVOKE EXECUTE ON FUNCTION web_approve_items(text, bigint[], integer[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION web_approve_items(text, bigint[], integer[], text) TO valtuus_console;
