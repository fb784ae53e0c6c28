-- Version 7: the web console decides for a named person, never for itself. Its database login
-- (valtuus_web, a member of the group valtuus_console) may call only the web_* functions
-- below; each takes the acting person, looks up the roles the console recorded for them at
-- login, refuses what those roles do not allow, then applies exactly the checks of the
-- valtuusctl functions (version seen, four eyes, held items undecidable) and writes the audit
-- event in the person's name, marked as coming through the web.
--
-- To share those checks rather than copy them, the bodies of the decision functions move into
-- *_as(actor, via, ...) functions that nobody may call directly; approve_item() and the others
-- keep their signatures and grants and call them with session_user, as before.

DO $$
BEGIN
  CREATE ROLE valtuus_console NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;  -- created before, or by a concurrent migration of another database
END
$$;

-- The people who logged in to the console, with the roles the directory gave them at their
-- last login (web.reviewer_group, web.security_group, web.admin_group). Written only through
-- web_record_login(). `acts_until` bounds how long the console may act on that login: it is
-- the session's absolute timeout, at most a day, so roles taken away in the directory stop
-- counting when the session ends even without a new login.
CREATE TABLE web_person (
  account      text PRIMARY KEY CHECK (account = lower(btrim(account)) AND account <> ''),
  display_name text NOT NULL DEFAULT '',
  roles        text[] NOT NULL CHECK (roles <@ ARRAY['reviewer', 'security', 'admin']),
  logged_in_at timestamptz NOT NULL,
  acts_until   timestamptz NOT NULL
);

-- The audit details of a decision: what the valtuusctl function wrote, plus how it came when
-- not from a direct login.
CREATE FUNCTION audit_via(p_details jsonb, p_via text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_via IS NULL THEN p_details
              ELSE p_details || jsonb_build_object('via', p_via) END
$$;

-- Four eyes on order forms. A person's database login and directory account are the same
-- name (README: "Roles and logins"), compared without case as the directory does.
CREATE FUNCTION approve_item_as(p_actor text, p_via text, p_id bigint, p_version integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
  requester text;
BEGIN
  IF item.request_id IS NOT NULL THEN
    SELECT requested_by INTO requester FROM manual_request WHERE id = item.request_id;
    IF lower(requester) = lower(p_actor) THEN
      RAISE EXCEPTION 'item %: you asked for this mandate (order form %); another person must approve it',
        p_id, item.request_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE manual_request SET state = 'approved' WHERE id = item.request_id;
  END IF;
  UPDATE change_item SET state = 'approved', version = version + 1, decided_by = p_actor,
    decided_at = now() WHERE id = p_id;
  INSERT INTO audit_event (actor, action, item_id, details)
    VALUES (p_actor, 'item_approved', p_id,
            audit_via(jsonb_build_object('version', item.version + 1), p_via));
  RETURN item.version + 1;
END;
$$;

CREATE FUNCTION reject_item_as(p_actor text, p_via text, p_id bigint, p_version integer,
                               p_reason text, p_exception_until timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
BEGIN
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'item %: a rejection needs a reason', p_id USING ERRCODE = 'check_violation';
  END IF;
  UPDATE change_item SET state = 'rejected', version = version + 1, decided_by = p_actor,
    decided_at = now(), decision_note = p_reason, exception_until = p_exception_until
    WHERE id = p_id;
  IF item.request_id IS NOT NULL THEN
    UPDATE manual_request SET state = 'rejected' WHERE id = item.request_id;
  END IF;
  INSERT INTO audit_event (actor, action, item_id, details)
    VALUES (p_actor, 'item_rejected', p_id,
            audit_via(jsonb_build_object('version', item.version + 1, 'reason', p_reason,
                                         'exception_until', p_exception_until), p_via));
  RETURN item.version + 1;
END;
$$;

CREATE FUNCTION mark_item_applied_as(p_actor text, p_via text, p_id bigint, p_version integer,
                                     p_note text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
BEGIN
  UPDATE change_item SET state = 'applied', version = version + 1, applied_by = p_actor,
    applied_at = now(), execution_note = coalesce(p_note, '') WHERE id = p_id;
  INSERT INTO audit_event (actor, action, item_id, details)
    VALUES (p_actor, 'item_applied', p_id,
            audit_via(jsonb_build_object('version', item.version + 1, 'note', p_note), p_via));
  RETURN item.version + 1;
END;
$$;

-- Done: executed in Suomi.fi by the actor. Only here does the ledger change.
CREATE FUNCTION mark_item_done_as(p_actor text, p_via text, p_id bigint, p_version integer,
                                  p_executed_at timestamptz, p_valid_until date, p_note text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
  executed timestamptz := coalesce(p_executed_at, now());
  until date;
BEGIN
  IF executed > now() + interval '5 minutes' THEN
    RAISE EXCEPTION 'item %: executed_at % is in the future', p_id, executed
      USING ERRCODE = 'check_violation';
  END IF;
  IF item.waits_for_org_apply AND NOT EXISTS (
       SELECT 1 FROM organisation_holding WHERE mandate_id = item.mandate_id) THEN
    RAISE EXCEPTION 'item %: the organisation cannot grant % yet; its org_apply must be done first',
      p_id, item.mandate_id USING ERRCODE = 'check_violation';
  END IF;
  UPDATE change_item SET state = 'done', version = version + 1, executed_by = p_actor,
    executed_at = executed, execution_note = coalesce(p_note, '') WHERE id = p_id;
  IF item.kind IN ('grant', 'renew') THEN
    SELECT coalesce(p_valid_until, (executed AT TIME ZONE 'UTC')::date + max_validity_days)
      INTO until FROM mandate_issue WHERE id = item.mandate_id;
    IF until > (executed AT TIME ZONE 'UTC')::date + 9131 THEN
      RAISE EXCEPTION 'item %: a mandate ends at most 25 years ahead', p_id
        USING ERRCODE = 'check_violation';
    END IF;
    UPDATE grant_ledger SET revoked_at = executed, end_note = 'granted again by item ' || p_id
      WHERE employee_key = item.employee_key AND mandate_id = item.mandate_id AND revoked_at IS NULL;
    INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source, item_id)
      VALUES (item.employee_key, item.mandate_id, (executed AT TIME ZONE 'UTC')::date, until,
              'item', p_id);
  ELSIF item.kind = 'revoke' THEN
    UPDATE grant_ledger SET revoked_at = executed, end_note = 'revoked by item ' || p_id
      WHERE employee_key = item.employee_key AND mandate_id = item.mandate_id AND revoked_at IS NULL;
  ELSE
    INSERT INTO organisation_holding (mandate_id, obtained_at, item_id, recorded_by)
      VALUES (item.mandate_id, executed, p_id, p_actor)
      ON CONFLICT (mandate_id) DO UPDATE SET obtained_at = EXCLUDED.obtained_at,
        item_id = EXCLUDED.item_id, recorded_by = EXCLUDED.recorded_by;
  END IF;
  INSERT INTO audit_event (actor, action, item_id, details)
    VALUES (p_actor, 'item_done', p_id,
            audit_via(jsonb_build_object('version', item.version + 1, 'executed_at', executed,
                                         'valid_until', until, 'note', p_note), p_via));
  RETURN item.version + 1;
END;
$$;

CREATE FUNCTION mark_item_failed_as(p_actor text, p_via text, p_id bigint, p_version integer,
                                    p_reason text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
BEGIN
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'item %: say why it failed', p_id USING ERRCODE = 'check_violation';
  END IF;
  UPDATE change_item SET state = 'failed', version = version + 1, executed_by = p_actor,
    executed_at = now(), execution_note = p_reason WHERE id = p_id;
  INSERT INTO audit_event (actor, action, item_id, details)
    VALUES (p_actor, 'item_failed', p_id,
            audit_via(jsonb_build_object('version', item.version + 1, 'reason', p_reason), p_via));
  RETURN item.version + 1;
END;
$$;

-- valtuusctl's functions: the same signatures and grants, acting as the session user.
CREATE OR REPLACE FUNCTION approve_item(p_id bigint, p_version integer) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT approve_item_as(session_user, NULL, p_id, p_version)
$$;
CREATE OR REPLACE FUNCTION reject_item(p_id bigint, p_version integer, p_reason text,
                                       p_exception_until timestamptz) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT reject_item_as(session_user, NULL, p_id, p_version, p_reason, p_exception_until)
$$;
CREATE OR REPLACE FUNCTION mark_item_applied(p_id bigint, p_version integer, p_note text)
RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mark_item_applied_as(session_user, NULL, p_id, p_version, p_note)
$$;
CREATE OR REPLACE FUNCTION mark_item_done(p_id bigint, p_version integer,
                                          p_executed_at timestamptz, p_valid_until date,
                                          p_note text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mark_item_done_as(session_user, NULL, p_id, p_version, p_executed_at, p_valid_until,
                           p_note)
$$;
CREATE OR REPLACE FUNCTION mark_item_failed(p_id bigint, p_version integer, p_reason text)
RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mark_item_failed_as(session_user, NULL, p_id, p_version, p_reason)
$$;

-- A login to the console: the person's account, name and roles as the directory said them.
-- Returns the account as stored (lower case). Audited, so the trail shows which roles a web
-- decision was made with.
CREATE FUNCTION web_record_login(p_account text, p_display_name text, p_roles text[],
                                 p_session_lifetime interval) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_account text := lower(btrim(coalesce(p_account, '')));
  v_roles text[] := ARRAY(SELECT DISTINCT r FROM unnest(coalesce(p_roles, '{}')) r ORDER BY r);
BEGIN
  IF v_account = '' THEN
    RAISE EXCEPTION 'a web login needs the person''s account' USING ERRCODE = 'check_violation';
  END IF;
  IF NOT v_roles <@ ARRAY['reviewer', 'security', 'admin'] THEN
    RAISE EXCEPTION 'unknown web role in %: the roles are reviewer, security and admin', v_roles
      USING ERRCODE = 'check_violation';
  END IF;
  IF p_session_lifetime IS NULL OR p_session_lifetime <= interval '0'
     OR p_session_lifetime > interval '1 day' THEN
    RAISE EXCEPTION 'a web session lasts more than nothing and at most a day, not %',
      p_session_lifetime USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO web_person (account, display_name, roles, logged_in_at, acts_until)
    VALUES (v_account, coalesce(p_display_name, ''), v_roles, now(), now() + p_session_lifetime)
    ON CONFLICT (account) DO UPDATE SET display_name = EXCLUDED.display_name,
      roles = EXCLUDED.roles, logged_in_at = EXCLUDED.logged_in_at,
      acts_until = EXCLUDED.acts_until;
  INSERT INTO audit_event (actor, action, details)
    VALUES (v_account, 'web_login', jsonb_build_object('roles', v_roles, 'via', 'web'));
  RETURN v_account;
END;
$$;

-- The person the console acts for, when their last login gave them one of `p_allowed` and
-- has not run out. Everything a web_* function does starts here.
CREATE FUNCTION web_acting_person(p_person text, p_allowed text[]) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
  person web_person;
BEGIN
  IF coalesce(btrim(p_person), '') = '' THEN
    RAISE EXCEPTION 'the web console acts only for a named person, and none was named'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT * INTO person FROM web_person WHERE account = lower(btrim(p_person));
  IF NOT FOUND OR person.acts_until < now() THEN
    RAISE EXCEPTION '% is not logged in to the web console', p_person
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT person.roles && p_allowed THEN
    RAISE EXCEPTION '% may not do this: it needs the role %, and their roles are %',
      person.account, array_to_string(p_allowed, ' or '), person.roles
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN person.account;
END;
$$;

-- Decisions through the web. Reviewers and administrators decide; security reads only.
CREATE FUNCTION web_approve_item(p_person text, p_id bigint, p_version integer) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT approve_item_as(web_acting_person(p_person, ARRAY['reviewer', 'admin']), 'web', p_id,
                         p_version)
$$;
CREATE FUNCTION web_reject_item(p_person text, p_id bigint, p_version integer, p_reason text,
                                p_exception_until timestamptz) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT reject_item_as(web_acting_person(p_person, ARRAY['reviewer', 'admin']), 'web', p_id,
                        p_version, p_reason, p_exception_until)
$$;
CREATE FUNCTION web_mark_item_applied(p_person text, p_id bigint, p_version integer,
                                      p_note text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mark_item_applied_as(web_acting_person(p_person, ARRAY['reviewer', 'admin']), 'web',
                              p_id, p_version, p_note)
$$;
CREATE FUNCTION web_mark_item_done(p_person text, p_id bigint, p_version integer,
                                   p_executed_at timestamptz, p_valid_until date, p_note text)
RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mark_item_done_as(web_acting_person(p_person, ARRAY['reviewer', 'admin']), 'web', p_id,
                           p_version, p_executed_at, p_valid_until, p_note)
$$;
CREATE FUNCTION web_mark_item_failed(p_person text, p_id bigint, p_version integer,
                                     p_reason text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mark_item_failed_as(web_acting_person(p_person, ARRAY['reviewer', 'admin']), 'web',
                             p_id, p_version, p_reason)
$$;

-- Least privilege. The *_as functions and web_acting_person are for the functions above only.
-- The console's login reads what its pages show (not the identity codes: revealing one is a
-- function of its own) and calls the web_* functions; it cannot call approve_item() and the
-- others, which would stamp the console's own login instead of a person.
REVOKE EXECUTE ON FUNCTION audit_via(jsonb, text),
  approve_item_as(text, text, bigint, integer),
  reject_item_as(text, text, bigint, integer, text, timestamptz),
  mark_item_applied_as(text, text, bigint, integer, text),
  mark_item_done_as(text, text, bigint, integer, timestamptz, date, text),
  mark_item_failed_as(text, text, bigint, integer, text),
  web_record_login(text, text, text[], interval), web_acting_person(text, text[]),
  web_approve_item(text, bigint, integer),
  web_reject_item(text, bigint, integer, text, timestamptz),
  web_mark_item_applied(text, bigint, integer, text),
  web_mark_item_done(text, bigint, integer, timestamptz, date, text),
  web_mark_item_failed(text, bigint, integer, text) FROM PUBLIC;
REVOKE ALL ON web_person FROM PUBLIC;

GRANT USAGE ON SCHEMA public TO valtuus_console;
GRANT SELECT ON sync_run, employee, mandate_issue, change_item, grant_ledger, audit_event,
  manual_request, organisation_holding, web_person TO valtuus_console;
-- The masked identity code, as for reviewers (the item card shows it); never the ciphertext.
GRANT SELECT (employee_key, masked) ON identity_code TO valtuus_console;
GRANT SELECT ON web_person TO valtuus_reviewer, valtuus_security, valtuus_daemon;
GRANT SELECT ON web_person TO valtuus_admin;
GRANT EXECUTE ON FUNCTION web_record_login(text, text, text[], interval),
  web_approve_item(text, bigint, integer),
  web_reject_item(text, bigint, integer, text, timestamptz),
  web_mark_item_applied(text, bigint, integer, text),
  web_mark_item_done(text, bigint, integer, timestamptz, date, text),
  web_mark_item_failed(text, bigint, integer, text) TO valtuus_console;
