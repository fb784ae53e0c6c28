-- Version 7: the daemon's writes go through functions, and a sync writes only what changed.
--
-- Every write of a sync run (the run, the catalog, the employees, the identity codes, the items)
-- is a SECURITY DEFINER function that checks what it is given and writes its audit event in the
-- same transaction; the daemon's role keeps SELECT and loses INSERT and UPDATE on the tables.
-- Large sets travel the way COPY makes cheap: the daemon copies the changed rows into a
-- temporary table of its own session (pg_temp.*_stage, dropped at commit) and calls one
-- function that reads it, so a run of any size is a fixed number of statements.
--
-- The contract later migrations and the store rely on:
--   employee.row_digest        the daemon's digest of the row as it last wrote it (NULL: unknown);
--                              a read whose digest matches is not written again
--   employee.absent_since_run  the complete run that first found the person absent (NULL while
--                              present); last_seen_run is now the last run that wrote the row
--   sync_run.watermark         where the read of a complete run left the directory's change
--                              history (core/directory_changes.h encode()), '' when none
--   sync_run.full_read         the run read the whole directory (false: changes only)
--   sync_run_insert(...) RETURNS bigint           the run and its 'sync_run' audit event
--   sync_write_catalog(p_run, arrays...) RETURNS integer     themes written
--   sync_write_employees(p_run, p_absent text[]) RETURNS integer   rows written (reads
--       pg_temp.employee_stage)
--   sync_write_identity_codes(p_run) RETURNS integer   codes written (pg_temp.identity_stage)
--   sync_supersede_items(p_run, p_ids bigint[]) RETURNS integer   items superseded
--   sync_add_items(p_run, p_state text) RETURNS integer   items added (pg_temp.item_stage)

ALTER TABLE employee
  ADD COLUMN row_digest bigint,
  ADD COLUMN absent_since_run bigint REFERENCES sync_run(id);

ALTER TABLE sync_run
  ADD COLUMN watermark text NOT NULL DEFAULT '',
  ADD COLUMN full_read boolean NOT NULL DEFAULT true;
-- The daemon's start: the last complete run, and the last complete full read.
CREATE INDEX sync_run_complete_idx ON sync_run (id) WHERE snapshot_complete;

-- The run being written in the calling transaction, by the calling login; anything else is
-- refused, so no function here can touch another run.
CREATE FUNCTION sync_run_of_this_transaction(p_run bigint) RETURNS sync_run
LANGUAGE plpgsql AS $$
DECLARE
  run sync_run;
BEGIN
  SELECT * INTO run FROM sync_run
    WHERE id = p_run AND xmin = pg_current_xact_id()::xid AND run_by = session_user;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'run % was not started in this transaction by %', p_run, session_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN run;
END;
$$;

-- The run row and its audit event. `started_at` is the cycle's own start: the employee
-- writes take left_at and role_changed_at from it.
CREATE FUNCTION sync_run_insert(p_started_at timestamptz, p_source text, p_complete boolean,
                                p_incomplete_reason text, p_entries_read integer,
                                p_items_added integer, p_items_superseded integer,
                                p_held_reason text, p_watermark text, p_full_read boolean,
                                p_details jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT p_complete AND coalesce(p_watermark, '') <> '' THEN
    RAISE EXCEPTION 'an incomplete read leaves no watermark' USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO sync_run (started_at, directory_source, snapshot_complete, incomplete_reason,
                        entries_read, items_added, items_superseded, held_reason, held_at,
                        watermark, full_read)
    VALUES (p_started_at, p_source, p_complete, coalesce(p_incomplete_reason, ''),
            p_entries_read, p_items_added, p_items_superseded, p_held_reason,
            CASE WHEN p_held_reason IS NULL THEN NULL ELSE now() END,
            coalesce(p_watermark, ''), p_full_read)
    RETURNING id INTO new_id;
  INSERT INTO audit_event (action, run_id, details)
    VALUES ('sync_run', new_id, coalesce(p_details, '{}'::jsonb));
  RETURN new_id;
END;
$$;

-- The catalog from the policy files: only themes that are new or differ are written, so an
-- unchanged policy writes nothing (not even a row lock).
CREATE FUNCTION sync_write_catalog(p_run bigint, p_id text[], p_suomifi_code text[],
                                   p_name_fi text[], p_name_sv text[], p_name_en text[],
                                   p_service text[], p_mandate_type text[],
                                   p_organisation_holds boolean[], p_max_validity_days integer[],
                                   p_renewal_notice_days integer[], p_policy_location text[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := sync_run_of_this_transaction(p_run);
  written text[];
BEGIN
  WITH incoming AS (
    SELECT * FROM unnest(p_id, p_suomifi_code, p_name_fi, p_name_sv, p_name_en, p_service,
                         p_mandate_type, p_organisation_holds, p_max_validity_days,
                         p_renewal_notice_days, p_policy_location)
      AS i(id, suomifi_code, name_fi, name_sv, name_en, service, mandate_type,
           organisation_holds, max_validity_days, renewal_notice_days, policy_location)
  ), changed AS (
    SELECT i.* FROM incoming i LEFT JOIN mandate_issue m ON m.id = i.id
    WHERE m.id IS NULL
       OR (m.suomifi_code, m.name_fi, m.name_sv, m.name_en, m.service, m.mandate_type,
           m.organisation_holds, m.max_validity_days, m.renewal_notice_days, m.policy_location)
          IS DISTINCT FROM
          (i.suomifi_code, i.name_fi, i.name_sv, i.name_en, i.service, i.mandate_type,
           i.organisation_holds, i.max_validity_days, i.renewal_notice_days, i.policy_location)
  ), upserted AS (
    INSERT INTO mandate_issue (id, suomifi_code, name_fi, name_sv, name_en, service,
                               mandate_type, organisation_holds, max_validity_days,
                               renewal_notice_days, policy_location)
      SELECT * FROM changed
    ON CONFLICT (id) DO UPDATE SET suomifi_code = EXCLUDED.suomifi_code,
      name_fi = EXCLUDED.name_fi, name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en,
      service = EXCLUDED.service, mandate_type = EXCLUDED.mandate_type,
      organisation_holds = EXCLUDED.organisation_holds,
      max_validity_days = EXCLUDED.max_validity_days,
      renewal_notice_days = EXCLUDED.renewal_notice_days,
      policy_location = EXCLUDED.policy_location, updated_at = now()
    RETURNING id
  )
  SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO written FROM upserted;
  IF cardinality(written) > 0 THEN
    INSERT INTO audit_event (action, run_id, details)
      VALUES ('catalog_written', run.id, jsonb_build_object('themes', to_jsonb(written)));
  END IF;
  RETURN cardinality(written);
END;
$$;

-- The employees whose values changed since the daemon last wrote them (pg_temp.employee_stage:
-- key, account, dn, given_name, surname, display_name, mail, department, title, ou, groups
-- (a text[] literal), disabled, account_expires (text, '' for never), long_leave_marker, status, moved, manager_dn,
-- preferred_language, digest), and the plan's leavers absent from a complete read (p_absent).
-- left_at and role_changed_at are the run's start, never the clock of the write.
CREATE FUNCTION sync_write_employees(p_run bigint, p_absent text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := sync_run_of_this_transaction(p_run);
  updated integer;
  inserted integer;
  absent integer;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_temp.employee_stage s
              WHERE s.status NOT IN ('active', 'long_leave', 'left') OR s.key IS NULL) THEN
    RAISE EXCEPTION 'employee_stage: a row without a key or with an unknown status'
      USING ERRCODE = 'check_violation';
  END IF;
  UPDATE employee e SET account = s.account, dn = s.dn, given_name = s.given_name,
    surname = s.surname, display_name = s.display_name, mail = s.mail,
    department = s.department, title = s.title, ou = s.ou, groups = s.groups::text[],
    disabled = s.disabled, account_expires = nullif(s.account_expires, '')::timestamptz,
    long_leave_marker = s.long_leave_marker, status = s.status,
    left_at = CASE WHEN s.status = 'left' THEN coalesce(e.left_at, run.started_at) END,
    role_changed_at = CASE WHEN s.moved THEN run.started_at ELSE e.role_changed_at END,
    manager_dn = s.manager_dn,
    preferred_language = CASE WHEN s.preferred_language IN ('fi', 'sv', 'en')
                              THEN s.preferred_language ELSE '' END,
    absent_since_run = NULL, last_seen_run = run.id, row_digest = s.digest, updated_at = now()
  FROM pg_temp.employee_stage s WHERE e.key = s.key;
  GET DIAGNOSTICS updated = ROW_COUNT;
  INSERT INTO employee (key, account, dn, given_name, surname, display_name, mail, department,
                        title, ou, groups, disabled, account_expires, long_leave_marker, status,
                        left_at, role_changed_at, first_seen_run, last_seen_run, manager_dn,
                        preferred_language, row_digest)
    SELECT s.key, s.account, s.dn, s.given_name, s.surname, s.display_name, s.mail,
           s.department, s.title, s.ou, s.groups::text[], s.disabled,
           nullif(s.account_expires, '')::timestamptz,
           s.long_leave_marker, s.status,
           CASE WHEN s.status = 'left' THEN run.started_at END, run.started_at, run.id, run.id,
           s.manager_dn,
           CASE WHEN s.preferred_language IN ('fi', 'sv', 'en') THEN s.preferred_language
                ELSE '' END, s.digest
    FROM pg_temp.employee_stage s
    WHERE NOT EXISTS (SELECT 1 FROM employee e WHERE e.key = s.key);
  GET DIAGNOSTICS inserted = ROW_COUNT;
  absent := 0;
  IF cardinality(p_absent) > 0 THEN
    IF NOT run.snapshot_complete THEN
      RAISE EXCEPTION 'run %: an incomplete read marks nobody absent', run.id
        USING ERRCODE = 'check_violation';
    END IF;
    UPDATE employee SET status = 'left', left_at = coalesce(left_at, run.started_at),
      absent_since_run = run.id, row_digest = NULL, updated_at = now()
      WHERE key = ANY (p_absent) AND absent_since_run IS NULL
        AND NOT EXISTS (SELECT 1 FROM pg_temp.employee_stage s WHERE s.key = employee.key);
    GET DIAGNOSTICS absent = ROW_COUNT;
  END IF;
  IF updated + inserted + absent > 0 THEN
    INSERT INTO audit_event (action, run_id, details)
      VALUES ('employees_written', run.id,
              jsonb_build_object('inserted', inserted, 'updated', updated, 'absent', absent));
  END IF;
  RETURN updated + inserted + absent;
END;
$$;

-- Identity codes that are new or changed (pg_temp.identity_stage: employee_key, ciphertext,
-- nonce, match_hash, masked), sealed by the daemon. The audit event counts them; it never
-- names a code.
CREATE FUNCTION sync_write_identity_codes(p_run bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := sync_run_of_this_transaction(p_run);
  written integer;
BEGIN
  INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked)
    SELECT DISTINCT ON (s.employee_key) s.employee_key, s.ciphertext, s.nonce, s.match_hash,
           s.masked
    FROM pg_temp.identity_stage s ORDER BY s.employee_key
  ON CONFLICT (employee_key) DO UPDATE SET ciphertext = EXCLUDED.ciphertext,
    nonce = EXCLUDED.nonce, match_hash = EXCLUDED.match_hash, masked = EXCLUDED.masked,
    updated_at = now()
    WHERE identity_code.match_hash IS DISTINCT FROM EXCLUDED.match_hash;
  GET DIAGNOSTICS written = ROW_COUNT;
  IF written > 0 THEN
    INSERT INTO audit_event (action, run_id, details)
      VALUES ('identity_codes_written', run.id, jsonb_build_object('codes', written));
  END IF;
  RETURN written;
END;
$$;

-- Open items the run no longer wants, each through supersede_item (its own audit event).
CREATE FUNCTION sync_supersede_items(p_run bigint, p_ids bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := sync_run_of_this_transaction(p_run);
  item_id bigint;
  superseded integer := 0;
BEGIN
  FOREACH item_id IN ARRAY coalesce(p_ids, '{}') LOOP
    IF supersede_item(item_id, run.id) THEN
      superseded := superseded + 1;
    END IF;
  END LOOP;
  RETURN superseded;
END;
$$;

-- The run's new items (pg_temp.item_stage, the columns of change_item the daemon decides), in
-- state 'proposed', or 'held' when the guard held the run: never a decided state.
CREATE FUNCTION sync_add_items(p_run bigint, p_state text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run sync_run := sync_run_of_this_transaction(p_run);
  added integer;
BEGIN
  IF p_state NOT IN ('proposed', 'held') THEN
    RAISE EXCEPTION 'a run adds items as proposed or held, not %', p_state
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (p_state = 'held') <> (run.held_reason IS NOT NULL) THEN
    RAISE EXCEPTION 'run %: items are held exactly when the run is', run.id
      USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO change_item (run_id, kind, mandate_id, reason, map_id, policy_file, policy_line,
                           matched, fingerprint, waits_for_org_apply, employee_key, request_id,
                           state)
    SELECT run.id, s.kind, s.mandate_id, s.reason, s.map_id, s.policy_file, s.policy_line,
           s.matched::jsonb, s.fingerprint, s.waits_for_org_apply, s.employee_key, s.request_id,
           p_state
    FROM pg_temp.item_stage s ORDER BY s.ord;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF added > 0 THEN
    INSERT INTO audit_event (action, run_id, details)
      VALUES ('items_added', run.id, jsonb_build_object('items', added, 'state', p_state));
  END IF;
  RETURN added;
END;
$$;

-- Least privilege: the daemon reads, and writes only through the functions above (and
-- supersede_item, granted in version 2).
REVOKE EXECUTE ON FUNCTION sync_run_of_this_transaction(bigint),
  sync_run_insert(timestamptz, text, boolean, text, integer, integer, integer, text, text,
                  boolean, jsonb),
  sync_write_catalog(bigint, text[], text[], text[], text[], text[], text[], text[], boolean[],
                     integer[], integer[], text[]),
  sync_write_employees(bigint, text[]), sync_write_identity_codes(bigint),
  sync_supersede_items(bigint, bigint[]), sync_add_items(bigint, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  sync_run_insert(timestamptz, text, boolean, text, integer, integer, integer, text, text,
                  boolean, jsonb),
  sync_write_catalog(bigint, text[], text[], text[], text[], text[], text[], text[], boolean[],
                     integer[], integer[], text[]),
  sync_write_employees(bigint, text[]), sync_write_identity_codes(bigint),
  sync_supersede_items(bigint, bigint[]), sync_add_items(bigint, text)
  TO valtuus_daemon;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON sync_run, employee, mandate_issue, change_item,
  audit_event, identity_code FROM valtuus_daemon;
REVOKE USAGE ON ALL SEQUENCES IN SCHEMA public FROM valtuus_daemon;

-- "Grant proposed" notices for a statement's new items in one set-based insert: the same rows
-- outbox_item_to_people() writes for each item (same recipients, languages, payloads and keys,
-- in item order), without three nested function calls per item. At 25,000 new items the
-- row-level trigger of version 6 cost tens of seconds of the run.
CREATE FUNCTION outbox_items_proposed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  WITH cfg AS (SELECT * FROM outbox_setting LIMIT 1),
  items AS (
    SELECT i.*, CASE WHEN i.waits_for_org_apply THEN 2 ELSE 1 END AS path
    FROM new_items i
    WHERE i.state = 'proposed' AND i.kind IN ('grant', 'renew') AND i.employee_key IS NOT NULL
  ),
  targets AS (
    SELECT i.*, p AS person, 'employee' AS audience, p AS target, 1 AS audience_order
    FROM items i JOIN employee p ON p.key = i.employee_key
    WHERE p.status <> 'left'
    UNION ALL
    SELECT i.*, p AS person, 'manager', l.manager AS target, 2
    FROM items i JOIN employee p ON p.key = i.employee_key
    CROSS JOIN LATERAL (
      SELECT e AS manager FROM employee e
      WHERE p.manager_dn <> '' AND lower(e.dn) = lower(p.manager_dn) AND e.mail <> ''
      ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1) l
  ),
  messages AS (
    SELECT t.*, coalesce(nullif((t.target).preferred_language, ''), cfg.default_language) AS lang,
           cfg.instance, cfg.default_language, th AS theme
    FROM targets t CROSS JOIN cfg JOIN mandate_issue th ON th.id = t.mandate_id
    WHERE coalesce((t.target).mail, '') <> ''
  )
  INSERT INTO outbox (event, channel, audience, recipient, language, language_from_person,
                      payload, idempotency_key, run_id, item_id)
  SELECT 'grant_proposed', ch.channel, m.audience, (m.target).mail,
         coalesce(nullif((m.target).preferred_language, ''), m.default_language),
         coalesce((m.target).preferred_language, '') <> '',
         jsonb_build_object(
           'item_id', m.id,
           'kind', m.kind,
           'employee_name', outbox_person_name(m.person),
           'account', (m.person).account,
           'recipient_name', outbox_person_name(m.target),
           'mandate_id', (m.theme).id,
           'mandate_name', CASE m.lang
                             WHEN 'sv' THEN coalesce(nullif((m.theme).name_sv, ''), (m.theme).name_fi)
                             WHEN 'en' THEN coalesce(nullif((m.theme).name_en, ''), (m.theme).name_fi)
                             ELSE (m.theme).name_fi END,
           'service', (m.theme).service,
           'reason', m.reason,
           'path', m.path,
           'handling_time', outbox_handling_time(m.path, m.lang),
           'valid_until', '',
           'executed_at', coalesce(to_char(m.executed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), '')),
         'valtuus.' || m.instance || '.grant_proposed.' || m.id || '.' || m.audience
           || CASE WHEN ch.channel = 'mail' THEN '' ELSE '.' || ch.channel END,
         m.run_id, m.id
  FROM messages m JOIN outbox_channel ch ON ch.audience = m.audience
  ORDER BY m.id, m.audience_order, ch.channel
  ON CONFLICT (idempotency_key) DO NOTHING;
  RETURN NULL;
END;
$$;
DROP TRIGGER change_item_outbox_insert ON change_item;
CREATE TRIGGER change_item_outbox_insert AFTER INSERT ON change_item
  REFERENCING NEW TABLE AS new_items
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_items_proposed();
REVOKE EXECUTE ON FUNCTION outbox_items_proposed() FROM PUBLIC;
