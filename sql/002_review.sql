-- Version 2: the review workflow the law asks for. Roles with least privilege, the item state
-- machine enforced by the database, decisions only through functions that stamp the session
-- user, four eyes on order forms, a hash-chained audit trail, exceptions and order forms.

-- Group roles (cluster-wide; created once, shared by databases of the cluster). People and
-- the daemon log in with their own roles, members of these.
DO $$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY ARRAY['valtuus_daemon', 'valtuus_reviewer', 'valtuus_security',
                              'valtuus_admin'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN', name);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;  -- created before, or by a concurrent migration of another database
    END;
  END LOOP;
END
$$;

-- Order forms (tilauslomake): a theme outside the person's maps, asked for by a named person.
CREATE TABLE manual_request (
  id           bigserial PRIMARY KEY,
  employee_key text NOT NULL REFERENCES employee(key),
  mandate_id   text NOT NULL REFERENCES mandate_issue(id),
  why          text NOT NULL CHECK (length(btrim(why)) > 0),
  valid_until  date,
  state        text NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn')),
  requested_by text NOT NULL DEFAULT session_user,
  requested_at timestamptz NOT NULL DEFAULT now()
);

-- Themes the organisation obtained the right to grant through path 2 (org_apply done).
CREATE TABLE organisation_holding (
  mandate_id  text PRIMARY KEY REFERENCES mandate_issue(id),
  obtained_at timestamptz NOT NULL,
  item_id     bigint REFERENCES change_item(id),
  recorded_by text NOT NULL DEFAULT session_user
);

ALTER TABLE change_item
  ADD COLUMN request_id      bigint REFERENCES manual_request(id),
  ADD COLUMN decided_by      text,
  ADD COLUMN decided_at      timestamptz,
  ADD COLUMN decision_note   text NOT NULL DEFAULT '',
  ADD COLUMN exception_until timestamptz,
  ADD COLUMN applied_by      text,
  ADD COLUMN applied_at      timestamptz,
  ADD COLUMN executed_by     text,
  ADD COLUMN executed_at     timestamptz,
  ADD COLUMN execution_note  text NOT NULL DEFAULT '';

ALTER TABLE grant_ledger ADD COLUMN end_note text NOT NULL DEFAULT '';

-- The state machine. Every update of an item must move it along an allowed edge, raise its
-- version by one, and leave what the item is about untouched.
CREATE FUNCTION change_item_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
  IF NOT ((OLD.state = 'proposed' AND NEW.state IN ('approved', 'rejected', 'superseded'))
       OR (OLD.state = 'approved' AND NEW.state IN ('done', 'failed', 'superseded'))
       OR (OLD.state = 'approved' AND NEW.state = 'applied' AND OLD.kind = 'org_apply')
       OR (OLD.state = 'applied' AND NEW.state IN ('done', 'failed'))) THEN
    RAISE EXCEPTION 'item %: % → % is not allowed', OLD.id, OLD.state, NEW.state
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.state_changed_at := now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER change_item_state_machine BEFORE UPDATE ON change_item
  FOR EACH ROW EXECUTE FUNCTION change_item_guard();
CREATE TRIGGER change_item_never_deleted BEFORE DELETE OR TRUNCATE ON change_item
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();

-- The audit trail is hash-chained: each event's hash covers its content and the previous
-- event's hash, so an edited or removed event breaks the chain (valtuusctl audit verify).
ALTER TABLE audit_event
  ADD COLUMN prev_hash bytea,
  ADD COLUMN hash bytea;

CREATE FUNCTION audit_event_content(e audit_event) RETURNS bytea LANGUAGE sql STABLE AS $$
  SELECT convert_to(concat_ws('|', e.id, to_char(e.at AT TIME ZONE 'UTC',
                                                  'YYYY-MM-DD"T"HH24:MI:SS.US'),
                              e.actor, e.action, coalesce(e.run_id::text, ''),
                              coalesce(e.item_id::text, ''), e.details::text), 'UTF8')
$$;

CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One writer at a time extends the chain.
  PERFORM pg_advisory_xact_lock(6225031101);
  SELECT hash INTO NEW.prev_hash FROM audit_event ORDER BY id DESC LIMIT 1;
  NEW.prev_hash := coalesce(NEW.prev_hash, '\x'::bytea);
  NEW.hash := sha256(NEW.prev_hash || audit_event_content(NEW));
  RETURN NEW;
END;
$$;
CREATE TRIGGER audit_event_hash_chain BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- Events of the migration's own past (sync runs before version 2) join the chain in order.
DO $$
DECLARE
  previous bytea := '\x'::bytea;
  event audit_event;
BEGIN
  ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only;
  FOR event IN SELECT * FROM audit_event ORDER BY id LOOP
    UPDATE audit_event SET prev_hash = previous, hash = sha256(previous || audit_event_content(event))
      WHERE id = event.id;
    SELECT hash INTO previous FROM audit_event WHERE id = event.id;
  END LOOP;
  ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only;
END
$$;

-- The first event whose chain is broken, or nothing when the trail is intact.
CREATE FUNCTION audit_verify() RETURNS TABLE (event_id bigint, problem text)
LANGUAGE sql STABLE AS $$
  WITH ordered AS (
    SELECT e.id, e.prev_hash, e.hash, sha256(e.prev_hash || audit_event_content(e)) AS expected,
           lag(e.hash, 1, '\x'::bytea) OVER (ORDER BY e.id) AS previous
    FROM audit_event e
  )
  SELECT id, CASE WHEN hash IS DISTINCT FROM expected THEN 'content changed'
                  ELSE 'previous event removed or changed' END
  FROM ordered
  WHERE hash IS DISTINCT FROM expected OR prev_hash IS DISTINCT FROM previous
  ORDER BY id
$$;

-- Decisions. SECURITY DEFINER so that people need no write privilege on the tables; each
-- checks the version the person saw and stamps session_user, the login of the named person.
CREATE FUNCTION item_for_decision(p_id bigint, p_version integer) RETURNS change_item
LANGUAGE plpgsql AS $$
DECLARE
  item change_item;
BEGIN
  SELECT * INTO item FROM change_item WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'item % does not exist', p_id USING ERRCODE = 'no_data_found';
  END IF;
  IF p_version IS NOT NULL AND item.version <> p_version THEN
    RAISE EXCEPTION 'item % changed since you saw it (version % now, you saw %): list it again',
      p_id, item.version, p_version USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN item;
END;
$$;

CREATE FUNCTION approve_item(p_id bigint, p_version integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
  requester text;
BEGIN
  IF item.request_id IS NOT NULL THEN
    SELECT requested_by INTO requester FROM manual_request WHERE id = item.request_id;
    IF requester = session_user THEN
      RAISE EXCEPTION 'item %: you asked for this mandate (order form %); another person must approve it',
        p_id, item.request_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE manual_request SET state = 'approved' WHERE id = item.request_id;
  END IF;
  UPDATE change_item SET state = 'approved', version = version + 1, decided_by = session_user,
    decided_at = now() WHERE id = p_id;
  INSERT INTO audit_event (action, item_id, details)
    VALUES ('item_approved', p_id, jsonb_build_object('version', item.version + 1));
  RETURN item.version + 1;
END;
$$;

CREATE FUNCTION reject_item(p_id bigint, p_version integer, p_reason text,
                            p_exception_until timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
BEGIN
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'item %: a rejection needs a reason', p_id USING ERRCODE = 'check_violation';
  END IF;
  UPDATE change_item SET state = 'rejected', version = version + 1, decided_by = session_user,
    decided_at = now(), decision_note = p_reason, exception_until = p_exception_until
    WHERE id = p_id;
  IF item.request_id IS NOT NULL THEN
    UPDATE manual_request SET state = 'rejected' WHERE id = item.request_id;
  END IF;
  INSERT INTO audit_event (action, item_id, details)
    VALUES ('item_rejected', p_id, jsonb_build_object('version', item.version + 1, 'reason',
            p_reason, 'exception_until', p_exception_until));
  RETURN item.version + 1;
END;
$$;

CREATE FUNCTION mark_item_applied(p_id bigint, p_version integer, p_note text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
BEGIN
  UPDATE change_item SET state = 'applied', version = version + 1, applied_by = session_user,
    applied_at = now(), execution_note = coalesce(p_note, '') WHERE id = p_id;
  INSERT INTO audit_event (action, item_id, details)
    VALUES ('item_applied', p_id, jsonb_build_object('version', item.version + 1, 'note', p_note));
  RETURN item.version + 1;
END;
$$;

-- Done: executed in Suomi.fi by the session user. Only here does the ledger change.
CREATE FUNCTION mark_item_done(p_id bigint, p_version integer, p_executed_at timestamptz,
                               p_valid_until date, p_note text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
  UPDATE change_item SET state = 'done', version = version + 1, executed_by = session_user,
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
    INSERT INTO organisation_holding (mandate_id, obtained_at, item_id)
      VALUES (item.mandate_id, executed, p_id)
      ON CONFLICT (mandate_id) DO UPDATE SET obtained_at = EXCLUDED.obtained_at,
        item_id = EXCLUDED.item_id, recorded_by = session_user;
  END IF;
  INSERT INTO audit_event (action, item_id, details)
    VALUES ('item_done', p_id, jsonb_build_object('version', item.version + 1, 'executed_at',
            executed, 'valid_until', until, 'note', p_note));
  RETURN item.version + 1;
END;
$$;

CREATE FUNCTION mark_item_failed(p_id bigint, p_version integer, p_reason text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  item change_item := item_for_decision(p_id, p_version);
BEGIN
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'item %: say why it failed', p_id USING ERRCODE = 'check_violation';
  END IF;
  UPDATE change_item SET state = 'failed', version = version + 1, executed_by = session_user,
    executed_at = now(), execution_note = p_reason WHERE id = p_id;
  INSERT INTO audit_event (action, item_id, details)
    VALUES ('item_failed', p_id, jsonb_build_object('version', item.version + 1, 'reason', p_reason));
  RETURN item.version + 1;
END;
$$;

-- The daemon supersedes items a newer run no longer wants; nothing else.
CREATE FUNCTION supersede_item(p_id bigint, p_run bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE change_item SET state = 'superseded', version = version + 1, superseded_by_run = p_run
    WHERE id = p_id AND state IN ('proposed', 'approved');
  IF NOT FOUND THEN
    RETURN false;  -- decided or executed meanwhile: a person's work is never undone
  END IF;
  INSERT INTO audit_event (action, run_id, item_id) VALUES ('item_superseded', p_run, p_id);
  RETURN true;
END;
$$;

-- The order form: a person asks for a theme outside someone's maps.
CREATE FUNCTION create_request(p_account text, p_mandate text, p_why text, p_until date)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
  IF p_until IS NOT NULL AND p_until < current_date THEN
    RAISE EXCEPTION 'the end date % is in the past', p_until USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO manual_request (employee_key, mandate_id, why, valid_until)
    VALUES (key, p_mandate, p_why, p_until) RETURNING id INTO new_id;
  INSERT INTO audit_event (action, details)
    VALUES ('request_created', jsonb_build_object('request', new_id, 'account', p_account,
            'mandate', p_mandate, 'until', p_until));
  RETURN new_id;
END;
$$;

-- Least privilege. Functions are not executable by PUBLIC.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;

GRANT USAGE ON SCHEMA public TO valtuus_daemon, valtuus_reviewer, valtuus_security;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO valtuus_daemon, valtuus_reviewer, valtuus_security;
GRANT INSERT ON sync_run, change_item, audit_event TO valtuus_daemon;
GRANT INSERT, UPDATE ON employee, mandate_issue TO valtuus_daemon;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO valtuus_daemon, valtuus_reviewer;
GRANT EXECUTE ON FUNCTION supersede_item(bigint, bigint) TO valtuus_daemon;
GRANT EXECUTE ON FUNCTION approve_item(bigint, integer), reject_item(bigint, integer, text, timestamptz),
  mark_item_applied(bigint, integer, text), mark_item_done(bigint, integer, timestamptz, date, text),
  mark_item_failed(bigint, integer, text), create_request(text, text, text, date)
  TO valtuus_reviewer;
GRANT EXECUTE ON FUNCTION audit_verify(), audit_event_content(audit_event)
  TO valtuus_reviewer, valtuus_security, valtuus_daemon;
GRANT ALL ON ALL TABLES IN SCHEMA public TO valtuus_admin;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO valtuus_admin;
