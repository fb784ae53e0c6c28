-- Staff self-service orders through the web console. An employee orders a theme for
-- themselves, a manager for a direct report (the directory's `manager` attribute), through the
-- same body as `valtuusctl request` (create_request_as): the order records who ordered
-- (requested_by) and for whom (employee_key), and approve_item_as keeps four eyes on it. A theme
-- missing from the catalog is asked for in free text: a theme request for the administrators.

-- The body of create_request(), for a named actor.
CREATE FUNCTION create_request_as(p_actor text, p_via text, p_account text, p_mandate text,
                                  p_why text, p_until date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  key text;
  new_id bigint;
BEGIN
  SELECT e.key INTO key FROM employee e WHERE lower(e.account) = lower(p_account)
    ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1;
  IF key IS NULL THEN
    RAISE EXCEPTION 'no employee with account %', p_account USING ERRCODE = 'no_data_found';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM mandate_issue WHERE id = p_mandate) THEN
    RAISE EXCEPTION 'no mandate theme %', p_mandate USING ERRCODE = 'no_data_found';
  END IF;
  IF coalesce(btrim(p_why), '') = '' THEN
    RAISE EXCEPTION 'an order needs a justification' USING ERRCODE = 'check_violation';
  END IF;
  IF p_until IS NOT NULL AND p_until < current_date THEN
    RAISE EXCEPTION 'the end date % is in the past', p_until USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO manual_request (employee_key, mandate_id, why, valid_until, requested_by)
    VALUES (key, p_mandate, p_why, p_until, p_actor) RETURNING id INTO new_id;
  INSERT INTO audit_event (actor, action, details)
    VALUES (p_actor, 'request_created',
            audit_via(jsonb_build_object('request', new_id, 'account', p_account,
                                         'mandate', p_mandate, 'until', p_until), p_via));
  RETURN new_id;
END;
$$;

CREATE OR REPLACE FUNCTION create_request(p_account text, p_mandate text, p_why text,
                                          p_until date) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT create_request_as(session_user, NULL, p_account, p_mandate, p_why, p_until)
$$;

-- The person the console acts for, whatever their roles: every employee who logged in may
-- order for themselves (web_acting_person asks for a role).
CREATE FUNCTION web_logged_in_person(p_person text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
  person web_person;
BEGIN
  SELECT * INTO person FROM web_person WHERE account = lower(btrim(coalesce(p_person, '')));
  IF NOT FOUND OR person.acts_until < now() THEN
    RAISE EXCEPTION '% is not logged in to the web console', coalesce(p_person, 'nobody')
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN person.account;
END;
$$;

-- Whether `p_person` may order for `p_account`: it is their own account, or the directory
-- names them as its manager (the report's manager_dn is the person's DN, compared without
-- case as the directory does). A leaver is nobody's report and orders for nobody.
CREATE FUNCTION orders_for(p_person text, p_account text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT lower(btrim(p_person)) = lower(btrim(p_account))
      OR EXISTS (SELECT 1 FROM employee m JOIN employee r
                   ON r.manager_dn <> '' AND lower(r.manager_dn) = lower(m.dn)
                 WHERE lower(m.account) = lower(btrim(p_person)) AND m.status <> 'left'
                   AND m.dn <> '' AND lower(r.account) = lower(btrim(p_account))
                   AND r.status <> 'left')
$$;

-- An order through the web console: the person must be logged in and order for themselves or
-- a direct report, for a theme the employee neither holds nor has coming (an open grant or
-- renewal), nor has ordered already (an order pending or approved and in force).
CREATE FUNCTION web_create_request(p_person text, p_account text, p_mandate text, p_why text,
                                   p_until date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor text := web_logged_in_person(p_person);
  key text;
BEGIN
  IF NOT orders_for(actor, p_account) THEN
    RAISE EXCEPTION '% may order only for themselves and their direct reports, not for %',
      actor, p_account USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT e.key INTO key FROM employee e WHERE lower(e.account) = lower(p_account)
    ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1;
  IF EXISTS (SELECT 1 FROM grant_ledger WHERE employee_key = key AND mandate_id = p_mandate
               AND revoked_at IS NULL
               AND (valid_until IS NULL OR valid_until >= current_date)) THEN
    RAISE EXCEPTION '% already holds %', p_account, p_mandate USING ERRCODE = 'unique_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM change_item WHERE employee_key = key AND mandate_id = p_mandate
               AND kind IN ('grant', 'renew')
               AND state IN ('proposed', 'approved', 'applied', 'held')) THEN
    RAISE EXCEPTION '% is already being granted %', p_account, p_mandate
      USING ERRCODE = 'unique_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM manual_request WHERE employee_key = key AND mandate_id = p_mandate
               AND state IN ('pending', 'approved')
               AND (valid_until IS NULL OR valid_until >= current_date)) THEN
    RAISE EXCEPTION 'an order of % for % is already open', p_mandate, p_account
      USING ERRCODE = 'unique_violation';
  END IF;
  -- A mandate ends at most 25 years ahead (9131 days, as mark_item_done_as counts them).
  -- valtuusctl request keeps taking a later date (its test orders until 2099): the grant's
  -- own end date is capped when it is recorded done.
  IF p_until IS NOT NULL AND p_until > current_date + 9131 THEN
    RAISE EXCEPTION 'the end date % is more than 25 years ahead', p_until
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN create_request_as(actor, 'web', p_account, p_mandate, p_why, p_until);
END;
$$;

-- Themes missing from the catalog, asked for in free text: the administrators decide whether
-- to add the theme (the catalog is a policy file), then close the request with a note.
CREATE TABLE theme_request (
  id           bigserial PRIMARY KEY,
  employee_key text NOT NULL REFERENCES employee(key),
  description  text NOT NULL CHECK (length(btrim(description)) > 0 AND length(description) <= 2000),
  why          text NOT NULL CHECK (length(btrim(why)) > 0 AND length(why) <= 2000),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  state        text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  closed_by    text,
  closed_at    timestamptz,
  close_note   text NOT NULL DEFAULT '',
  CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX theme_request_open_idx ON theme_request (requested_at) WHERE state = 'open';

CREATE FUNCTION web_request_theme(p_person text, p_account text, p_description text,
                                  p_why text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor text := web_logged_in_person(p_person);
  key text;
  new_id bigint;
BEGIN
  IF NOT orders_for(actor, p_account) THEN
    RAISE EXCEPTION '% may order only for themselves and their direct reports, not for %',
      actor, p_account USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT e.key INTO key FROM employee e WHERE lower(e.account) = lower(p_account)
    ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1;
  IF key IS NULL THEN
    RAISE EXCEPTION 'no employee with account %', p_account USING ERRCODE = 'no_data_found';
  END IF;
  IF coalesce(btrim(p_description), '') = '' OR coalesce(btrim(p_why), '') = '' THEN
    RAISE EXCEPTION 'a theme request needs the theme described and a justification'
      USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO theme_request (employee_key, description, why, requested_by)
    VALUES (key, btrim(p_description), btrim(p_why), actor) RETURNING id INTO new_id;
  INSERT INTO audit_event (actor, action, details)
    VALUES (actor, 'theme_requested',
            audit_via(jsonb_build_object('theme_request', new_id, 'account', p_account), 'web'));
  RETURN new_id;
END;
$$;

-- Closing a theme request: administrators and reviewers, with a note saying what was done
-- (added to the catalog, or why not).
CREATE FUNCTION web_close_theme_request(p_person text, p_id bigint, p_note text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor text := web_acting_person(p_person, ARRAY['admin', 'reviewer']);
BEGIN
  IF coalesce(btrim(p_note), '') = '' THEN
    RAISE EXCEPTION 'closing a theme request needs a note' USING ERRCODE = 'check_violation';
  END IF;
  PERFORM 1 FROM theme_request WHERE id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no theme request %', p_id USING ERRCODE = 'no_data_found';
  END IF;
  UPDATE theme_request SET state = 'closed', closed_by = actor, closed_at = now(),
    close_note = btrim(p_note) WHERE id = p_id AND state = 'open';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'theme request % is closed already', p_id
      USING ERRCODE = 'serialization_failure';
  END IF;
  INSERT INTO audit_event (actor, action, details)
    VALUES (actor, 'theme_request_closed',
            audit_via(jsonb_build_object('theme_request', p_id, 'note', btrim(p_note)), 'web'));
  RETURN 1;
END;
$$;

-- When the directory holds no identity codes, the order form asks for the employee's own:
-- validated and sealed by the console with the identity key (as the daemon seals the
-- directory's), stored like them. Only the masked form is ever shown; the audit event names
-- the account, never the code. One already stored is not replaced from the web.
CREATE FUNCTION web_store_identity_code(p_person text, p_account text, p_ciphertext bytea,
                                        p_nonce bytea, p_match_hash bytea, p_masked text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor text := web_logged_in_person(p_person);
  key text;
BEGIN
  IF NOT orders_for(actor, p_account) THEN
    RAISE EXCEPTION '% may give only their own identity code or a direct report''s', actor
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT e.key INTO key FROM employee e WHERE lower(e.account) = lower(p_account)
    ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1;
  IF key IS NULL THEN
    RAISE EXCEPTION 'no employee with account %', p_account USING ERRCODE = 'no_data_found';
  END IF;
  IF coalesce(p_masked, '') !~ '^[0-9]{6}[-+A-FU-Y][*]{4}$' OR length(p_ciphertext) = 0
     OR length(p_nonce) = 0 OR length(p_match_hash) = 0 THEN
    RAISE EXCEPTION 'an identity code is stored sealed, with its hash and masked form only'
      USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM identity_code WHERE employee_key = key) THEN
    RAISE EXCEPTION 'an identity code of % is stored already', p_account
      USING ERRCODE = 'unique_violation';
  END IF;
  INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked)
    VALUES (key, p_ciphertext, p_nonce, p_match_hash, p_masked);
  INSERT INTO audit_event (actor, action, details)
    VALUES (actor, 'identity_code_entered',
            audit_via(jsonb_build_object('account', p_account), 'web'));
  RETURN 1;
END;
$$;

-- Direct reports are found by their manager's DN.
CREATE INDEX employee_manager_dn_idx ON employee (lower(manager_dn)) WHERE manager_dn <> '';

REVOKE EXECUTE ON FUNCTION create_request_as(text, text, text, text, text, date),
  web_logged_in_person(text), orders_for(text, text),
  web_create_request(text, text, text, text, date),
  web_request_theme(text, text, text, text), web_close_theme_request(text, bigint, text),
  web_store_identity_code(text, text, bytea, bytea, bytea, text) FROM PUBLIC;
REVOKE ALL ON theme_request FROM PUBLIC;
GRANT EXECUTE ON FUNCTION web_create_request(text, text, text, text, date),
  web_request_theme(text, text, text, text), web_close_theme_request(text, bigint, text),
  web_store_identity_code(text, text, bytea, bytea, bytea, text) TO valtuus_console;
GRANT SELECT ON theme_request TO valtuus_console, valtuus_reviewer, valtuus_security,
  valtuus_admin;
