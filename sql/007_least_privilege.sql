-- Version 7: only functions change state. A NOLOGIN role, valtuus_owner, owns every table,
-- sequence and function; no login but a superuser acting as it writes a table directly.
-- People (reviewers, security, administrators) and the notifier keep SELECT where they had it
-- and change state only through SECURITY DEFINER functions (owned by valtuus_owner), each of
-- which checks its rules and writes its audit event in the same transaction.
--
-- `valtuusctl db migrate` runs as a superuser (`sudo -u postgres valtuusctl db migrate`): the
-- migrations create cluster roles and grant on the schema. After this migration and every later
-- one, migrate() (connectors/postgres/migrations.cc) gives every object of the schema that is
-- not valtuus_owner's to valtuus_owner, in the same transaction; so later migrations need not
-- say ALTER ... OWNER themselves, and their SECURITY DEFINER functions run as valtuus_owner.
--
-- Not here: the daemon's own writes (sync_run, employee, mandate_issue, change_item,
-- identity_code, audit_event), which move into functions separately.

DO $$
BEGIN
  CREATE ROLE valtuus_owner NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;  -- created before, or by a concurrent migration of another database
END
$$;
-- Whatever a site did to the role before: it never logs in and has no special powers, so it
-- cannot be used except by SET ROLE of a superuser.
-- Only when something differs: ALTER ROLE writes a cluster-wide catalog row, and two databases
-- migrated at once (advisory locks are per database) would fail with "tuple concurrently updated".
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'valtuus_owner'
             AND (rolcanlogin OR rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication
                  OR rolbypassrls)) THEN
    ALTER ROLE valtuus_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
END
$$;
-- PostgreSQL 15 lets only the database owner create in schema public; the owner of the
-- schema's objects must be able to create them.
GRANT USAGE, CREATE ON SCHEMA public TO valtuus_owner;

-- No direct writes for people or the notifier. (Revoking a table's privilege revokes the same
-- privilege on its columns: the notifier's UPDATE of outbox columns goes too.) SELECT stays.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public
  FROM PUBLIC, valtuus_admin, valtuus_reviewer, valtuus_security, valtuus_notifier;
REVOKE USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public
  FROM PUBLIC, valtuus_admin, valtuus_reviewer, valtuus_security, valtuus_notifier;
-- The daemon never writes these (its writes are runs, employees, the catalog, items, codes and
-- its audit events); what it held here came with 002's GRANT ... ON ALL TABLES.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
  ON schema_version, grant_ledger, manual_request, organisation_holding, attestation,
     attestation_difference, outbox, outbox_setting, outbox_channel
  FROM valtuus_daemon;

-- The state machine of version 4, and: a change of an item comes only from a decision
-- function (SECURITY DEFINER, so current_user is valtuus_owner inside it). A login that was
-- given UPDATE on change_item by mistake still cannot forge a decision. A superuser can disable
-- the trigger anyway, so refusing them would protect nothing and break repairs.
CREATE OR REPLACE FUNCTION change_item_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Nested, so that the catalog is read only for a change from outside the functions.
  IF current_user <> 'valtuus_owner' THEN
    IF NOT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) THEN
      RAISE EXCEPTION 'item %: % may not change an item directly; decisions go through approve_item, reject_item, mark_item_done and the other functions',
        OLD.id, current_user USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
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

-- An item is born undecided: the daemon (which may insert items) cannot insert one already
-- approved or done in someone's name. Only a superuser (test data, repairs) is exempt.
CREATE FUNCTION change_item_born_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The catalog is read only for an item that is not born open (a bulk COPY of a run's items
  -- pays nothing for the superuser's exemption).
  IF (NEW.state NOT IN ('proposed', 'held') OR NEW.version <> 1
      OR (NEW.decided_by, NEW.decided_at, NEW.applied_by, NEW.applied_at, NEW.executed_by,
          NEW.executed_at, NEW.exception_until, NEW.superseded_by_run) IS DISTINCT FROM
         (NULL::text, NULL::timestamptz, NULL::text, NULL::timestamptz, NULL::text,
          NULL::timestamptz, NULL::timestamptz, NULL::bigint)
      OR NEW.decision_note <> '' OR NEW.execution_note <> '')
     AND NOT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) THEN
    RAISE EXCEPTION 'a new item is proposed or held, version 1, with no decision or execution recorded (% tried state %)',
      current_user, NEW.state USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER change_item_born_open BEFORE INSERT ON change_item
  FOR EACH ROW EXECUTE FUNCTION change_item_born_open();
REVOKE EXECUTE ON FUNCTION change_item_born_open() FROM PUBLIC;

-- Import of the grants already held (valtuusctl import grants --apply), formerly direct
-- INSERTs by the administrator's login. The rows arrive as parallel arrays, already validated
-- by core/grant_import; the rules that protect the ledger are checked again here. Accounts are
-- resolved as create_request() does, all before anything is written: an account absent from
-- the directory gets one stub employee that has left (the next sync proposes revoking its
-- grants). A grant already active in the ledger is skipped, never duplicated. Returns one row
-- per input row (action: 'add', 'new stub', 'add for absent', 'already held') and, in every
-- row, the id of the one audit event 'grants_imported'.
CREATE FUNCTION import_grants(p_file text, p_lines integer[], p_accounts text[],
                              p_mandates text[], p_from date[], p_until date[],
                              p_granted_by text[], p_notes text[])
RETURNS TABLE (line integer, action text, employee_key text, ledger_id bigint, audit_event bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer := coalesce(cardinality(p_accounts), 0);
  keys text[] := '{}';
  known boolean[] := '{}';
  actions text[] := '{}';
  ledger_ids bigint[] := '{}';
  stubs text[] := '{}';
  grants jsonb := '[]';
  skipped jsonb := '[]';
  added integer := 0;
  held integer := 0;
  v_key text;
  v_ledger bigint;
  v_event bigint;
  grant_row jsonb;
  i integer;
BEGIN
  -- Two people importing the same file at once cannot both add a stub or a grant.
  PERFORM pg_advisory_xact_lock(6215332885840614147);  -- "VALTUUS" 03
  IF coalesce(cardinality(p_lines), 0) <> n OR coalesce(cardinality(p_mandates), 0) <> n
     OR coalesce(cardinality(p_from), 0) <> n OR coalesce(cardinality(p_until), 0) <> n
     OR coalesce(cardinality(p_granted_by), 0) <> n OR coalesce(cardinality(p_notes), 0) <> n THEN
    RAISE EXCEPTION 'import_grants: every array needs one element per row (% accounts)', n
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM sync_run WHERE snapshot_complete) THEN
    RAISE EXCEPTION 'no complete sync run yet: run `valtuusd --once --bootstrap` first, so that accounts and the mandate catalog are known'
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  FOR i IN 1 .. n LOOP
    IF coalesce(btrim(p_accounts[i]), '') = '' THEN
      RAISE EXCEPTION '%:%: account: missing', p_file, p_lines[i] USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM mandate_issue WHERE id = p_mandates[i]) THEN
      RAISE EXCEPTION '%:%: mandate: no mandate theme %', p_file, p_lines[i], p_mandates[i]
        USING ERRCODE = 'no_data_found';
    END IF;
    IF p_from[i] IS NULL OR p_until[i] IS NULL OR p_until[i] <= p_from[i]
       OR p_until[i] - p_from[i] > 9131 THEN
      RAISE EXCEPTION '%:%: valid_until: a grant ends after it starts and at most 25 years later',
        p_file, p_lines[i] USING ERRCODE = 'check_violation';
    END IF;
    IF p_until[i] < current_date THEN
      RAISE EXCEPTION '%:%: valid_until: expired on %; an expired mandate is not held', p_file,
        p_lines[i], p_until[i] USING ERRCODE = 'check_violation';
    END IF;
    SELECT e.key INTO v_key FROM employee e WHERE lower(e.account) = lower(p_accounts[i])
      ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1;
    known := known || (v_key IS NOT NULL);
    keys := keys || coalesce(v_key, 'import:' || lower(p_accounts[i]));
  END LOOP;
  FOR i IN 1 .. n LOOP
    v_ledger := NULL;
    IF EXISTS (SELECT 1 FROM grant_ledger g WHERE g.employee_key = keys[i]
                 AND g.mandate_id = p_mandates[i] AND g.revoked_at IS NULL) THEN
      actions := actions || 'already held'::text;
    ELSE
      IF NOT known[i] THEN
        IF keys[i] = ANY (stubs) THEN
          actions := actions || 'add for absent'::text;
        ELSE
          stubs := stubs || keys[i];
          actions := actions || 'new stub'::text;
          -- Kept, not dropped: a grant held by someone no longer in the directory is exactly
          -- what the next sync must propose to revoke. The stub has left now.
          INSERT INTO employee (key, account, status, left_at)
            VALUES (keys[i], p_accounts[i], 'left', now()) ON CONFLICT (key) DO NOTHING;
        END IF;
      ELSE
        actions := actions || 'add'::text;
      END IF;
      INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source)
        VALUES (keys[i], p_mandates[i], p_from[i], p_until[i], 'import')
        RETURNING id INTO v_ledger;
    END IF;
    ledger_ids := ledger_ids || v_ledger;
    IF v_ledger IS NULL THEN
      held := held + 1;
      skipped := skipped || jsonb_build_object('line', p_lines[i], 'account', p_accounts[i],
                                               'mandate', p_mandates[i]);
    ELSE
      added := added + 1;
      grant_row := jsonb_build_object('line', p_lines[i], 'ledger_id', v_ledger,
                                      'account', p_accounts[i], 'mandate', p_mandates[i]);
      IF coalesce(p_granted_by[i], '') <> '' THEN
        grant_row := grant_row || jsonb_build_object('granted_by', p_granted_by[i]);
      END IF;
      IF coalesce(p_notes[i], '') <> '' THEN
        grant_row := grant_row || jsonb_build_object('note', p_notes[i]);
      END IF;
      grants := grants || grant_row;
    END IF;
  END LOOP;
  INSERT INTO audit_event (action, details)
    VALUES ('grants_imported',
            jsonb_build_object('file', p_file, 'rows', n, 'added', added, 'already_held', held,
                               'new_stubs', cardinality(stubs), 'grants', grants,
                               'skipped', skipped))
    RETURNING id INTO v_event;
  RETURN QUERY SELECT u.line, u.action, u.key, u.ledger, v_event
    FROM unnest(p_lines, actions, keys, ledger_ids) AS u(line, action, key, ledger);
END;
$$;

-- The notifier's delivery bookkeeping, formerly direct UPDATEs of outbox columns. The claim
-- locks the row for the caller's transaction (FOR UPDATE SKIP LOCKED), as before. Delivery is
-- recorded in the row itself (state, attempts, last_error), not in the audit trail: the outbox
-- is the record of what was sent, and an audit event per message would only bury decisions.
CREATE FUNCTION outbox_claim() RETURNS SETOF outbox
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
$$;

CREATE FUNCTION outbox_mark_sent(p_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE outbox SET state = 'sent', sent_at = now(), last_error = ''
    WHERE id = p_id AND state = 'pending';
  RETURN FOUND;
END;
$$;

-- A failed attempt: counted, the error kept (cut by the caller), the next attempt after the
-- backoff; dead after p_max_attempts. Returns the row's state afterwards, NULL when the row was
-- not pending.
CREATE FUNCTION outbox_mark_failed(p_id bigint, p_error text, p_backoff_seconds double precision,
                                   p_max_attempts integer) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_state text;
BEGIN
  IF p_backoff_seconds IS NULL OR p_backoff_seconds < 0 OR p_max_attempts IS NULL
     OR p_max_attempts < 1 THEN
    RAISE EXCEPTION 'outbox_mark_failed: a non-negative backoff and at least one attempt'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE outbox SET attempts = attempts + 1, last_error = left(coalesce(p_error, ''), 2000),
      state = CASE WHEN attempts + 1 >= p_max_attempts THEN 'dead' ELSE 'pending' END,
      next_attempt_at = now() + make_interval(secs => p_backoff_seconds)
    WHERE id = p_id AND state = 'pending'
    RETURNING state INTO new_state;
  RETURN new_state;
END;
$$;

-- An administrator adds or removes a channel of an audience (e.g. reviewers' messages to a
-- webhook too), audited. Returns whether anything changed.
CREATE FUNCTION outbox_channel_set(p_audience text, p_channel text, p_enabled boolean)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  changed integer;
BEGIN
  IF p_enabled THEN
    INSERT INTO outbox_channel VALUES (p_audience, p_channel) ON CONFLICT DO NOTHING;
  ELSE
    DELETE FROM outbox_channel WHERE audience = p_audience AND channel = p_channel;
  END IF;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed > 0 THEN
    INSERT INTO audit_event (action, details)
      VALUES (CASE WHEN p_enabled THEN 'outbox_channel_added' ELSE 'outbox_channel_removed' END,
              jsonb_build_object('audience', p_audience, 'channel', p_channel));
  END IF;
  RETURN changed > 0;
END;
$$;

-- An administrator sets the language of messages whose recipient's language is unknown,
-- audited. Returns the language it replaced.
CREATE FUNCTION outbox_set_default_language(p_language text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  before text;
BEGIN
  SELECT default_language INTO before FROM outbox_setting FOR UPDATE;
  UPDATE outbox_setting SET default_language = p_language;
  IF before IS DISTINCT FROM p_language THEN
    INSERT INTO audit_event (action, details)
      VALUES ('outbox_default_language_set',
              jsonb_build_object('language', p_language, 'before', before));
  END IF;
  RETURN before;
END;
$$;

-- An administrator erases a person's identity code (a data subject's request, the end of a
-- leaver's retention), audited with the reason. Returns whether there was one.
CREATE FUNCTION erase_identity_code(p_employee_key text, p_reason text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'erasing an identity code needs a reason' USING ERRCODE = 'check_violation';
  END IF;
  DELETE FROM identity_code WHERE employee_key = p_employee_key;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO audit_event (action, details)
    VALUES ('identity_code_erased',
            jsonb_build_object('employee_key', p_employee_key, 'reason', p_reason));
  RETURN true;
END;
$$;

REVOKE EXECUTE ON FUNCTION
  import_grants(text, integer[], text[], text[], date[], date[], text[], text[]),
  outbox_claim(), outbox_mark_sent(bigint), outbox_mark_failed(bigint, text, double precision, integer),
  outbox_channel_set(text, text, boolean), outbox_set_default_language(text),
  erase_identity_code(text, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  import_grants(text, integer[], text[], text[], date[], date[], text[], text[]),
  outbox_channel_set(text, text, boolean), outbox_set_default_language(text),
  erase_identity_code(text, text)
  TO valtuus_admin;
GRANT EXECUTE ON FUNCTION outbox_claim(), outbox_mark_sent(bigint),
  outbox_mark_failed(bigint, text, double precision, integer) TO valtuus_notifier;
-- Everyone who reads the audit trail may check it.
GRANT EXECUTE ON FUNCTION audit_verify(), audit_event_content(audit_event) TO valtuus_admin;
