-- Version 3: personal identity codes (henkilötunnus), which the person granting a mandate types
-- into Suomi.fi. Stored only encrypted (libsodium secretbox; the key is a file on the daemon's
-- and the reviewers' machines, never in the database), with a keyed hash to detect a change
-- and a masked form for display. Revealing one is recorded in the audit trail first.

CREATE TABLE identity_code (
  employee_key text PRIMARY KEY REFERENCES employee(key),
  ciphertext   bytea NOT NULL,
  nonce        bytea NOT NULL,
  match_hash   bytea NOT NULL,
  masked       text NOT NULL,  -- "131052-****": the date and century sign only
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Revealing takes two steps, so that no one can read a code and roll the audit event back:
-- reveal_identity_code() records the event and must be committed; revealed_identity_code()
-- then returns the sealed code, but only in a transaction that has written nothing (so the
-- event it names was committed before, not written in the same transaction or a savepoint of
-- it), only to the person who recorded it, and only for a few minutes.
CREATE FUNCTION reveal_identity_code(p_item_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  person text;
  event_id bigint;
BEGIN
  SELECT i.employee_key INTO person FROM change_item i WHERE i.id = p_item_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'item % does not exist', p_item_id USING ERRCODE = 'no_data_found';
  END IF;
  IF person IS NULL THEN
    RAISE EXCEPTION 'item % is about the organisation, not a person', p_item_id
      USING ERRCODE = 'no_data_found';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM identity_code c WHERE c.employee_key = person) THEN
    RAISE EXCEPTION 'no identity code is recorded for the person of item %', p_item_id
      USING ERRCODE = 'no_data_found';
  END IF;
  INSERT INTO audit_event (action, item_id, details)
    VALUES ('identity_code_revealed', p_item_id, jsonb_build_object('employee_key', person))
    RETURNING id INTO event_id;
  RETURN event_id;
END;
$$;

CREATE FUNCTION revealed_identity_code(p_event_id bigint)
RETURNS TABLE (employee_key text, display_name text, account text, ciphertext bytea, nonce bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  event audit_event;
BEGIN
  IF txid_current_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'commit the reveal (reveal_identity_code) before reading the code'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT * INTO event FROM audit_event a
    WHERE a.id = p_event_id AND a.action = 'identity_code_revealed' AND a.actor = session_user
      AND a.at > now() - interval '5 minutes';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit event % is not your recent reveal of an identity code', p_event_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN QUERY
    SELECT e.key, e.display_name, e.account, c.ciphertext, c.nonce
    FROM identity_code c JOIN employee e ON e.key = c.employee_key
    WHERE c.employee_key = event.details->>'employee_key';
END;
$$;

-- Least privilege. GRANT ... ON ALL TABLES in 002 covered only the tables that existed then,
-- so nobody holds anything on this table yet; the REVOKEs say so explicitly, and guard against
-- default privileges a site may have added. A new function is executable by PUBLIC until
-- revoked.
REVOKE ALL ON identity_code FROM PUBLIC, valtuus_daemon, valtuus_reviewer, valtuus_security,
  valtuus_admin;
REVOKE EXECUTE ON FUNCTION reveal_identity_code(bigint), revealed_identity_code(bigint) FROM PUBLIC;

-- The daemon writes codes; it reads back only the hash, to skip unchanged ones (INSERT ... ON
-- CONFLICT DO UPDATE ... WHERE needs SELECT on the columns it compares).
GRANT SELECT (employee_key, match_hash), INSERT, UPDATE ON identity_code TO valtuus_daemon;
-- Reviewers and security see the masked form on the item card (valtuusctl show joins it for
-- every reader). Security gets the masked form rather than nothing so that show keeps working
-- for them; the mask shows no more than the design allows in default output. Neither may read
-- the ciphertext: reviewers reveal through the audited function, security not at all.
GRANT SELECT (employee_key, masked) ON identity_code TO valtuus_reviewer, valtuus_security;
GRANT EXECUTE ON FUNCTION reveal_identity_code(bigint), revealed_identity_code(bigint)
  TO valtuus_reviewer;
-- Administrators may erase a code (a data subject's request, a leaver's retention ending) and
-- see when it changed, but reveal like everyone else: only by being a reviewer too.
GRANT SELECT (employee_key, masked, updated_at), DELETE ON identity_code TO valtuus_admin;
