-- Set-based bodies for the writes whose cost grew faster than their input.
--
-- import_grants_staged(p_file) replaces the per-row loop of import_grants(): the rows arrive by
-- COPY in pg_temp.grant_import_stage (line, account, mandate, valid_from, valid_until,
-- granted_by, note), created by the caller's session, and are checked, resolved and written
-- with a handful of statements whatever their number. The loop built its arrays and the audit
-- event's JSON by appending one row at a time (each append copying what was there), so
-- 150,000 rows took minutes. Same rules, same actions, same audit event as import_grants();
-- the old function stays for a client of the previous version.

CREATE FUNCTION import_grants_staged(p_file text)
RETURNS TABLE (line integer, action text, employee_key text, ledger_id bigint, audit_event bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
-- The plans are simple joins over a few hundred thousand rows: compiling them (JIT) costs more
-- than it saves. Sorting them whole stays in memory.
SET jit = off SET work_mem = '64MB' AS $$
DECLARE
  bad record;
  n integer;
  added integer;
  held integer;
  stubs integer;
  v_event bigint;
BEGIN
  -- Two people importing the same file at once cannot both add a stub or a grant.
  PERFORM pg_advisory_xact_lock(6215332885840614147);  -- "VALTUUS" 03, as import_grants()
  IF NOT EXISTS (SELECT 1 FROM sync_run WHERE snapshot_complete) THEN
    RAISE EXCEPTION 'no complete sync run yet: run `valtuusd --once --bootstrap` first, so that accounts and the mandate catalog are known'
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;

  -- The rules that protect the ledger, checked again here (the client checked them first);
  -- the first offending row by line is named.
  SELECT s.line INTO bad FROM pg_temp.grant_import_stage s
    WHERE s.line IS NULL OR coalesce(btrim(s.account), '') = '' ORDER BY s.line LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '%:%: account: missing', p_file, bad.line USING ERRCODE = 'check_violation';
  END IF;
  SELECT s.line, s.mandate INTO bad FROM pg_temp.grant_import_stage s
    WHERE NOT EXISTS (SELECT 1 FROM mandate_issue m WHERE m.id = s.mandate)
    ORDER BY s.line LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '%:%: mandate: no mandate theme %', p_file, bad.line, bad.mandate
      USING ERRCODE = 'no_data_found';
  END IF;
  SELECT s.line INTO bad FROM pg_temp.grant_import_stage s
    WHERE s.valid_from IS NULL OR s.valid_until IS NULL OR s.valid_until <= s.valid_from
       OR s.valid_until - s.valid_from > 9131
    ORDER BY s.line LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '%:%: valid_until: a grant ends after it starts and at most 25 years later',
      p_file, bad.line USING ERRCODE = 'check_violation';
  END IF;
  SELECT s.line, s.valid_until INTO bad FROM pg_temp.grant_import_stage s
    WHERE s.valid_until < current_date ORDER BY s.line LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '%:%: valid_until: expired on %; an expired mandate is not held', p_file,
      bad.line, bad.valid_until USING ERRCODE = 'check_violation';
  END IF;
  -- Two rows of one grant (account and theme) cannot both be added: the ledger's unique index
  -- on active grants refuses the second (the client refuses such a file first, by line).

  -- Accounts resolved as create_request() does (ignoring case; one still in the directory
  -- wins over one that has left, then the newest), all before anything is written: an account
  -- absent from the directory gets the key of a stub employee that has left.
  CREATE TEMPORARY TABLE grant_import_plan ON COMMIT DROP AS
    WITH accounts AS (
      SELECT DISTINCT lower(s.account) AS folded FROM pg_temp.grant_import_stage s
    ), found AS (
      SELECT DISTINCT ON (lower(e.account)) lower(e.account) AS folded, e.key
      FROM employee e JOIN accounts a ON lower(e.account) = a.folded
      ORDER BY lower(e.account), (e.status = 'left'), e.updated_at DESC
    ), resolved AS (
      SELECT s.*, coalesce(f.key, 'import:' || lower(s.account)) AS key, f.key IS NOT NULL AS known
      FROM pg_temp.grant_import_stage s LEFT JOIN found f ON f.folded = lower(s.account)
    ), checked AS (
      SELECT r.*, EXISTS (SELECT 1 FROM grant_ledger g WHERE g.employee_key = r.key
                            AND g.mandate_id = r.mandate AND g.revoked_at IS NULL) AS held
      FROM resolved r
    )
    SELECT c.line, c.account, c.mandate, c.valid_from, c.valid_until, c.granted_by, c.note,
           c.key,
           CASE WHEN c.held THEN 'already held'
                WHEN c.known THEN 'add'
                -- The first row (by line) to add for an absent account creates its stub.
                WHEN row_number() OVER (PARTITION BY c.key, c.known, c.held ORDER BY c.line) = 1
                  THEN 'new stub'
                ELSE 'add for absent' END AS action
    FROM checked c;
  GET DIAGNOSTICS n = ROW_COUNT;

  -- Kept, not dropped: a grant held by someone no longer in the directory is exactly what the
  -- next sync must propose to revoke. The stub has left now.
  INSERT INTO employee (key, account, status, left_at)
    SELECT p.key, p.account, 'left', now() FROM pg_temp.grant_import_plan p
    WHERE p.action = 'new stub' ORDER BY p.line
    ON CONFLICT (key) DO NOTHING;
  INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source)
    SELECT p.key, p.mandate, p.valid_from, p.valid_until, 'import'
    FROM pg_temp.grant_import_plan p WHERE p.action <> 'already held' ORDER BY p.line;
  -- The ledger ids of the rows added are found again by the active-grant index's columns (one
  -- join; cheaper than numbering the rows from the sequence one call at a time).
  CREATE TEMPORARY VIEW grant_import_result AS
    SELECT p.*, g.id AS ledger_id FROM pg_temp.grant_import_plan p
    LEFT JOIN grant_ledger g ON p.action <> 'already held' AND g.employee_key = p.key
      AND g.mandate_id = p.mandate AND g.revoked_at IS NULL;

  SELECT count(*) FILTER (WHERE p.action <> 'already held'),
         count(*) FILTER (WHERE p.action = 'already held'),
         count(*) FILTER (WHERE p.action = 'new stub')
    INTO added, held, stubs FROM pg_temp.grant_import_plan p;
  INSERT INTO audit_event (action, details)
    SELECT 'grants_imported',
           jsonb_build_object(
             'file', p_file, 'rows', n, 'added', added, 'already_held', held, 'new_stubs', stubs,
             -- Built as json text and parsed once: granted_by and note only when given.
             'grants', coalesce(json_agg(
                 json_strip_nulls(json_build_object(
                   'line', p.line, 'ledger_id', p.ledger_id, 'account', p.account,
                   'mandate', p.mandate, 'granted_by', nullif(p.granted_by, ''),
                   'note', nullif(p.note, '')))
                 ORDER BY p.line) FILTER (WHERE p.action <> 'already held'), '[]')::jsonb,
             'skipped', coalesce(json_agg(
                 json_build_object('line', p.line, 'account', p.account, 'mandate', p.mandate)
                 ORDER BY p.line) FILTER (WHERE p.action = 'already held'), '[]')::jsonb)
    FROM pg_temp.grant_import_result p
    RETURNING id INTO v_event;
  RETURN QUERY SELECT p.line, p.action, p.key, p.ledger_id, v_event
    FROM pg_temp.grant_import_result p ORDER BY p.line;
  DROP VIEW pg_temp.grant_import_result;
END;
$$;

REVOKE EXECUTE ON FUNCTION import_grants_staged(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION import_grants_staged(text) TO valtuus_admin;

-- The "grant proposed" notices of version 7 (sql/009_sync_writes.sql), with each item's theme
-- looked up by its key as the items are read. The planner takes a statement's transition table
-- for one row, so the theme was joined last, as the outer side of a nested loop over every
-- message (each theme rescanning all of them): at 21,000 grant items, 3.7 of the trigger's
-- 5.9 s. Each person is now looked up once (not once per audience). Same rows, same payloads,
-- same order.
CREATE OR REPLACE FUNCTION outbox_items_proposed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
-- The messages are sorted into item order whole (rows with their people and themes): in
-- memory, not in temporary files.
SET work_mem = '64MB' AS $$
BEGIN
  WITH cfg AS (SELECT * FROM outbox_setting LIMIT 1),
  items AS (
    SELECT i.*, CASE WHEN i.waits_for_org_apply THEN 2 ELSE 1 END AS path, th AS theme,
           p AS person
    FROM new_items i JOIN mandate_issue th ON th.id = i.mandate_id
    JOIN employee p ON p.key = i.employee_key
    WHERE i.state = 'proposed' AND i.kind IN ('grant', 'renew') AND i.employee_key IS NOT NULL
  ),
  targets AS (
    SELECT i.*, 'employee' AS audience, i.person AS target, 1 AS audience_order
    FROM items i
    WHERE (i.person).status <> 'left'
    UNION ALL
    SELECT i.*, 'manager', l.manager AS target, 2
    FROM items i
    CROSS JOIN LATERAL (
      SELECT e AS manager FROM employee e
      WHERE lower(e.dn) = lower((i.person).manager_dn) AND e.mail <> ''
      ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1) l
    WHERE (i.person).manager_dn <> ''
  ),
  messages AS (
    SELECT t.*, coalesce(nullif((t.target).preferred_language, ''), cfg.default_language) AS lang,
           cfg.instance, cfg.default_language
    FROM targets t CROSS JOIN cfg
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

-- An item is born undecided (sql/007_least_privilege.sql), checked once per statement over its
-- new rows instead of once per row: a run's 25,000 items paid 25,000 calls of a PL/pgSQL
-- trigger. Same rule, same exemption for a superuser, same error. The check fires before the
-- notices (AFTER statement triggers fire in name order).
CREATE FUNCTION change_item_born_open_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT n.state INTO bad FROM new_items n
    WHERE n.state NOT IN ('proposed', 'held') OR n.version <> 1
       OR (n.decided_by, n.decided_at, n.applied_by, n.applied_at, n.executed_by,
           n.executed_at, n.exception_until, n.superseded_by_run) IS DISTINCT FROM
          (NULL::text, NULL::timestamptz, NULL::text, NULL::timestamptz, NULL::text,
           NULL::timestamptz, NULL::timestamptz, NULL::bigint)
       OR n.decision_note <> '' OR n.execution_note <> ''
    LIMIT 1;
  IF FOUND AND NOT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) THEN
    RAISE EXCEPTION 'a new item is proposed or held, version 1, with no decision or execution recorded (% tried state %)',
      current_user, bad.state USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END;
$$;
DROP TRIGGER change_item_born_open ON change_item;
CREATE TRIGGER change_item_born_open AFTER INSERT ON change_item
  REFERENCING NEW TABLE AS new_items
  FOR EACH STATEMENT EXECUTE FUNCTION change_item_born_open_rows();
REVOKE EXECUTE ON FUNCTION change_item_born_open_rows() FROM PUBLIC;

-- A run's new items are inserted in plan order: sorted in memory, not in temporary files
-- (25,000 items spilled 5 MB to disk).
ALTER FUNCTION sync_add_items(bigint, text) SET work_mem = '64MB';
