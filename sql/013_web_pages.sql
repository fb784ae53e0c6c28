-- The web console reveals a personal identity code for a named person. As with valtuusctl
-- reveal (sql/003_identity_codes.sql) it takes two steps, so that nobody reads a code and rolls
-- the audit event back: web_reveal_identity_code() records the event in the person's name and
-- must be committed; web_revealed_identity_code() then returns the sealed code (the console
-- holds the key, the database never), only in a transaction that has written nothing, only for
-- the person and the database login that recorded the event, and only for a minute. The
-- console does both steps within one request and never shows the event's number, so a code is
-- shown once, in that one response.
--
-- Reviewers and administrators reveal (they execute grants, typing the code into Suomi.fi);
-- security and people without a role do not. Only an item still waiting for a person
-- (proposed, approved, applied) needs its person's code.

CREATE FUNCTION web_reveal_identity_code(p_person text, p_item bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_actor text := web_acting_person(p_person, ARRAY['reviewer', 'admin']);
  item change_item;
  event_id bigint;
BEGIN
  SELECT * INTO item FROM change_item WHERE id = p_item;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'item % does not exist', p_item USING ERRCODE = 'no_data_found';
  END IF;
  IF item.employee_key IS NULL THEN
    RAISE EXCEPTION 'item % is about the organisation, not a person', p_item
      USING ERRCODE = 'no_data_found';
  END IF;
  IF item.state NOT IN ('proposed', 'approved', 'applied') THEN
    RAISE EXCEPTION 'item % is %: only an open item needs its person''s identity code',
      p_item, item.state USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM identity_code c WHERE c.employee_key = item.employee_key) THEN
    RAISE EXCEPTION 'no identity code is recorded for the person of item %', p_item
      USING ERRCODE = 'no_data_found';
  END IF;
  INSERT INTO audit_event (actor, action, item_id, details)
    VALUES (v_actor, 'identity_code_revealed', p_item,
            audit_via(jsonb_build_object('employee_key', item.employee_key,
                                         'login', session_user::text), 'web'))
    RETURNING id INTO event_id;
  RETURN event_id;
END;
$$;

CREATE FUNCTION web_revealed_identity_code(p_person text, p_event bigint)
RETURNS TABLE (employee_key text, display_name text, account text, ciphertext bytea, nonce bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_actor text := web_acting_person(p_person, ARRAY['reviewer', 'admin']);
  event audit_event;
BEGIN
  IF txid_current_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'commit the reveal (web_reveal_identity_code) before reading the code'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT * INTO event FROM audit_event a
    WHERE a.id = p_event AND a.action = 'identity_code_revealed' AND a.actor = v_actor
      AND a.details->>'via' = 'web' AND a.details->>'login' = session_user::text
      AND a.at > now() - interval '1 minute';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit event % is not %''s recent reveal of an identity code', p_event, v_actor
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN QUERY
    SELECT e.key, e.display_name, e.account, c.ciphertext, c.nonce
    FROM identity_code c JOIN employee e ON e.key = c.employee_key
    WHERE c.employee_key = event.details->>'employee_key';
END;
$$;

REVOKE EXECUTE ON FUNCTION web_reveal_identity_code(text, bigint),
  web_revealed_identity_code(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION web_reveal_identity_code(text, bigint),
  web_revealed_identity_code(text, bigint) TO valtuus_console;
