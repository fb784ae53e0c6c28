-- The bulk writes of a sync run and of `import grants` without per-row costs that grow with
-- the rows written.
--
-- 1. References checked once per statement. A foreign key checks each new row with a query of
--    its own: the first sync's 100,000 employee rows paid 200,000 lookups of their run, a run's
--    25,000 items 75,000 (run, person, theme), 150,000 imported grants 150,000 lookups of their
--    theme. The foreign keys that cost that are replaced by one check per statement over its
--    new rows (an AFTER ... FOR EACH STATEMENT trigger with the statement's transition table:
--    one anti-join per reference), raising what the foreign key raised (SQLSTATE 23503, the
--    same constraint name, "Key (column)=(value) is not present in table ..."). A change of a
--    checked column by UPDATE is checked too. What a foreign key also did, refuse deleting or
--    renumbering a referenced row, the referenced tables now refuse outright (no function
--    deletes a run, a person, a theme or an item, and no login may).
--    Foreign keys whose column is NULL in a bulk insert (change_item.request_id,
--    superseded_by_run; grant_ledger.item_id) cost next to nothing there and stay.
-- 2. The "grant proposed" notices built from plain columns: the person's name inline instead
--    of outbox_person_name() (an IMMUTABLE SQL function around the STABLE concat_ws, which
--    PostgreSQL will not inline: one function call per message), no whole-row values carried
--    through the sort. Same rows, same payloads, same order.
-- 3. `import grants` records its rows in grant_import_row instead of one JSON list of every
--    grant in the audit event (150,000 objects built, parsed, hashed and compressed in one
--    value). The audit event keeps the counts and gains the import's number and the SHA-256
--    of its rows (grant_import_digest()); the rows are append-only, and audit_verify() checks
--    each import's rows against the digest its event holds, so the hash chain still covers
--    what was imported.

-- ---------------------------------------------------------------------------------------------
-- 1. References checked per statement

-- The arguments name the references, four each: constraint name, column, referenced table,
-- referenced column. A statement-level trigger reads its new rows as `new_rows`; a row-level
-- one checks NEW. References to the same table, given one after another, are checked in one
-- pass over the rows. The first value that is not present is named, as a foreign key would.
-- SECURITY DEFINER, as a foreign key's check runs as the referenced table's owner: the check
-- does not depend on what the writer may read.
CREATE FUNCTION check_known_references() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  i integer := 0;
  j integer;
  columns text;
  bad_arg integer;
  bad_value text;
BEGIN
  WHILE i + 3 < TG_NARGS LOOP
    columns := '';
    j := i;
    WHILE j + 3 < TG_NARGS AND TG_ARGV[j + 2] = TG_ARGV[i + 2]
          AND TG_ARGV[j + 3] = TG_ARGV[i + 3] LOOP
      columns := columns || CASE WHEN j > i THEN ', ' ELSE '' END
                 || format('(%s, n.%I)', j, TG_ARGV[j + 1]);
      j := j + 4;
    END LOOP;
    -- Planned at each call: the planner then knows how many rows the statement wrote (a plan
    -- kept from a statement of one row would look its values up one at a time).
    EXECUTE format(
      'SELECT d.arg, d.v::text AS v FROM (SELECT DISTINCT x.arg, x.v FROM %s '
      'CROSS JOIN LATERAL (VALUES %s) AS x(arg, v) WHERE x.v IS NOT NULL) d '
      'WHERE NOT EXISTS (SELECT 1 FROM %I r WHERE r.%I = d.v) ORDER BY d.arg LIMIT 1',
      CASE WHEN TG_LEVEL = 'STATEMENT' THEN 'new_rows n' ELSE '(SELECT ($1).*) n' END,
      columns, TG_ARGV[i + 2], TG_ARGV[i + 3]) INTO bad_arg, bad_value USING NEW;
    IF bad_arg IS NOT NULL THEN
      RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"',
        TG_TABLE_NAME, TG_ARGV[bad_arg]
        USING ERRCODE = 'foreign_key_violation',
              DETAIL = format('Key (%s)=(%s) is not present in table "%s".', TG_ARGV[bad_arg + 1],
                              bad_value, TG_ARGV[bad_arg + 2]),
              SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[bad_arg + 1],
              CONSTRAINT = TG_ARGV[bad_arg];
    END IF;
    i := j;
  END LOOP;
  RETURN NULL;
END;
$$;
REVOKE EXECUTE ON FUNCTION check_known_references() FROM PUBLIC;

-- A referenced row stays: no delete, no truncate, no new key. TG_ARGV[0] names the key
-- column, the others the references, for the message.
CREATE FUNCTION refuse_losing_referenced_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'update on table "%" refused: its % never changes (% refer to it)',
      TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1]
      USING ERRCODE = 'foreign_key_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
            COLUMN = TG_ARGV[0];
  END IF;
  RAISE EXCEPTION '% on table "%" refused: its rows are never removed (% refer to them)',
    lower(TG_OP), TG_TABLE_NAME, TG_ARGV[1]
    USING ERRCODE = 'foreign_key_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
END;
$$;
REVOKE EXECUTE ON FUNCTION refuse_losing_referenced_rows() FROM PUBLIC;

-- employee: its run columns, written for every person by sync_write_employees.
ALTER TABLE employee DROP CONSTRAINT employee_first_seen_run_fkey,
  DROP CONSTRAINT employee_last_seen_run_fkey, DROP CONSTRAINT employee_absent_since_run_fkey;
-- Transition tables need one trigger per event.
CREATE TRIGGER employee_known_references AFTER INSERT ON employee
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION check_known_references(
    'employee_first_seen_run_fkey', 'first_seen_run', 'sync_run', 'id',
    'employee_last_seen_run_fkey', 'last_seen_run', 'sync_run', 'id',
    'employee_absent_since_run_fkey', 'absent_since_run', 'sync_run', 'id');
CREATE TRIGGER employee_known_references_updated AFTER UPDATE ON employee
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION check_known_references(
    'employee_first_seen_run_fkey', 'first_seen_run', 'sync_run', 'id',
    'employee_last_seen_run_fkey', 'last_seen_run', 'sync_run', 'id',
    'employee_absent_since_run_fkey', 'absent_since_run', 'sync_run', 'id');

-- change_item: its run, person and theme, written for every item by sync_add_items. The
-- AFTER statement triggers fire in name order: the born-open check, then this, then the
-- notices. An item's run, person and theme never change (change_item_guard), checked here
-- too should that ever be bypassed (a row trigger that fires only when one of them changed).
ALTER TABLE change_item DROP CONSTRAINT change_item_run_id_fkey,
  DROP CONSTRAINT change_item_employee_key_fkey, DROP CONSTRAINT change_item_mandate_id_fkey;
CREATE TRIGGER change_item_known_references AFTER INSERT ON change_item
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION check_known_references(
    'change_item_run_id_fkey', 'run_id', 'sync_run', 'id',
    'change_item_employee_key_fkey', 'employee_key', 'employee', 'key',
    'change_item_mandate_id_fkey', 'mandate_id', 'mandate_issue', 'id');
CREATE TRIGGER change_item_known_references_updated
  AFTER UPDATE OF run_id, employee_key, mandate_id ON change_item FOR EACH ROW
  WHEN ((OLD.run_id, OLD.employee_key, OLD.mandate_id)
        IS DISTINCT FROM (NEW.run_id, NEW.employee_key, NEW.mandate_id))
  EXECUTE FUNCTION check_known_references(
    'change_item_run_id_fkey', 'run_id', 'sync_run', 'id',
    'change_item_employee_key_fkey', 'employee_key', 'employee', 'key',
    'change_item_mandate_id_fkey', 'mandate_id', 'mandate_issue', 'id');

-- grant_ledger: the theme of every imported grant, and the item of a grant recorded done
-- (NULL in an import, but a foreign key still fires for every row).
ALTER TABLE grant_ledger DROP CONSTRAINT grant_ledger_mandate_id_fkey,
  DROP CONSTRAINT grant_ledger_item_id_fkey;
CREATE TRIGGER grant_ledger_known_references AFTER INSERT ON grant_ledger
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION check_known_references(
    'grant_ledger_mandate_id_fkey', 'mandate_id', 'mandate_issue', 'id',
    'grant_ledger_item_id_fkey', 'item_id', 'change_item', 'id');
CREATE TRIGGER grant_ledger_known_references_updated
  AFTER UPDATE OF mandate_id, item_id ON grant_ledger FOR EACH ROW
  WHEN ((OLD.mandate_id, OLD.item_id) IS DISTINCT FROM (NEW.mandate_id, NEW.item_id))
  EXECUTE FUNCTION check_known_references(
    'grant_ledger_mandate_id_fkey', 'mandate_id', 'mandate_issue', 'id',
    'grant_ledger_item_id_fkey', 'item_id', 'change_item', 'id');

-- outbox: the run and item of every "grant proposed" notice.
ALTER TABLE outbox DROP CONSTRAINT outbox_run_id_fkey, DROP CONSTRAINT outbox_item_id_fkey;
CREATE TRIGGER outbox_known_references AFTER INSERT ON outbox
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION check_known_references(
    'outbox_run_id_fkey', 'run_id', 'sync_run', 'id',
    'outbox_item_id_fkey', 'item_id', 'change_item', 'id');
CREATE TRIGGER outbox_known_references_updated
  AFTER UPDATE OF run_id, item_id ON outbox FOR EACH ROW
  WHEN ((OLD.run_id, OLD.item_id) IS DISTINCT FROM (NEW.run_id, NEW.item_id))
  EXECUTE FUNCTION check_known_references(
    'outbox_run_id_fkey', 'run_id', 'sync_run', 'id',
    'outbox_item_id_fkey', 'item_id', 'change_item', 'id');

-- The referenced tables keep their rows and keys (change_item refused deletes already).
CREATE TRIGGER sync_run_kept BEFORE DELETE OR TRUNCATE ON sync_run
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_losing_referenced_rows(
    'id', 'employee, change_item and outbox');
CREATE TRIGGER sync_run_key_kept BEFORE UPDATE OF id ON sync_run FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION refuse_losing_referenced_rows('id', 'employee, change_item and outbox');
CREATE TRIGGER employee_kept BEFORE DELETE OR TRUNCATE ON employee
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_losing_referenced_rows('key', 'change_item');
CREATE TRIGGER employee_key_kept BEFORE UPDATE OF key ON employee FOR EACH ROW
  WHEN (OLD.key IS DISTINCT FROM NEW.key)
  EXECUTE FUNCTION refuse_losing_referenced_rows('key', 'change_item');
CREATE TRIGGER mandate_issue_kept BEFORE DELETE OR TRUNCATE ON mandate_issue
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_losing_referenced_rows(
    'id', 'change_item and grant_ledger');
CREATE TRIGGER mandate_issue_key_kept BEFORE UPDATE OF id ON mandate_issue FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION refuse_losing_referenced_rows('id', 'change_item and grant_ledger');
CREATE TRIGGER change_item_key_kept BEFORE UPDATE OF id ON change_item FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION refuse_losing_referenced_rows('id', 'grant_ledger and outbox');

-- ---------------------------------------------------------------------------------------------
-- 2. The "grant proposed" notices (sql/012_scale_writes.sql), from plain columns

CREATE OR REPLACE FUNCTION outbox_items_proposed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET work_mem = '64MB' AS $$
BEGIN
  INSERT INTO outbox (event, channel, audience, recipient, language, language_from_person,
                      payload, idempotency_key, run_id, item_id)
  WITH cfg AS (SELECT s.default_language, s.instance FROM outbox_setting s LIMIT 1),
  items AS (
    SELECT i.id, i.kind, i.reason, i.run_id, i.executed_at,
           CASE WHEN i.waits_for_org_apply THEN 2 ELSE 1 END AS path,
           th.id AS theme_id, th.name_fi, th.name_sv, th.name_en, th.service,
           p.account, p.status, p.manager_dn, p.mail, p.preferred_language,
           -- outbox_person_name(p)
           coalesce(nullif(btrim(p.display_name), ''),
                    nullif(btrim(concat_ws(' ', nullif(p.given_name, ''), nullif(p.surname, ''))), ''),
                    p.account) AS name
    FROM new_items i JOIN mandate_issue th ON th.id = i.mandate_id
    JOIN employee p ON p.key = i.employee_key
    WHERE i.state = 'proposed' AND i.kind IN ('grant', 'renew') AND i.employee_key IS NOT NULL
  ),
  targets AS (
    SELECT i.*, 'employee' AS audience, 1 AS audience_order, i.mail AS target_mail,
           i.preferred_language AS target_language, i.name AS target_name
    FROM items i
    WHERE i.status <> 'left'
    UNION ALL
    SELECT i.*, 'manager', 2, l.mail, l.preferred_language, l.name
    FROM items i
    CROSS JOIN LATERAL (
      SELECT e.mail, e.preferred_language,
             coalesce(nullif(btrim(e.display_name), ''),
                      nullif(btrim(concat_ws(' ', nullif(e.given_name, ''), nullif(e.surname, ''))), ''),
                      e.account) AS name
      FROM employee e
      WHERE lower(e.dn) = lower(i.manager_dn) AND e.mail <> ''
      ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1) l
    WHERE i.manager_dn <> ''
  ),
  messages AS (
    SELECT t.*, coalesce(nullif(t.target_language, ''), cfg.default_language) AS lang,
           cfg.instance
    FROM targets t CROSS JOIN cfg
    WHERE coalesce(t.target_mail, '') <> ''
  )
  SELECT 'grant_proposed', ch.channel, m.audience, m.target_mail, m.lang,
         coalesce(m.target_language, '') <> '',
         jsonb_build_object(
           'item_id', m.id,
           'kind', m.kind,
           'employee_name', m.name,
           'account', m.account,
           'recipient_name', m.target_name,
           'mandate_id', m.theme_id,
           'mandate_name', CASE m.lang
                             WHEN 'sv' THEN coalesce(nullif(m.name_sv, ''), m.name_fi)
                             WHEN 'en' THEN coalesce(nullif(m.name_en, ''), m.name_fi)
                             ELSE m.name_fi END,
           'service', m.service,
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

-- ---------------------------------------------------------------------------------------------
-- 3. Imported rows in a table of their own, digested into the audit event

-- Every row of every `import grants --apply` since this version, as the import resolved it:
-- the employee it went to (a stub key 'import:...' for an account absent from the directory),
-- what it did and the ledger row it added (NULL when already held). Append-only, like the
-- audit trail that holds its digest.
CREATE SEQUENCE grant_import_seq;
CREATE TABLE grant_import_row (
  import_id    bigint NOT NULL,  -- the audit event's details->>'import'
  line         integer NOT NULL,
  action       text NOT NULL CHECK (action IN ('add', 'new stub', 'add for absent', 'already held')),
  employee_key text NOT NULL,
  ledger_id    bigint,
  account      text NOT NULL,
  mandate      text NOT NULL,
  granted_by   text NOT NULL DEFAULT '',
  note         text NOT NULL DEFAULT '',
  PRIMARY KEY (import_id, line),
  CHECK ((action = 'already held') = (ledger_id IS NULL))
);
CREATE TRIGGER grant_import_row_append_only BEFORE UPDATE OR DELETE ON grant_import_row
  FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
CREATE TRIGGER grant_import_row_no_truncate BEFORE TRUNCATE ON grant_import_row
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
REVOKE ALL ON grant_import_row FROM PUBLIC;
GRANT SELECT ON grant_import_row
  TO valtuus_daemon, valtuus_reviewer, valtuus_security, valtuus_admin, valtuus_console;

-- SHA-256 (hex) of one import's rows in line order, each row in PostgreSQL's text form of a
-- row value ("(2,add,key,17,account,th01,\"Päivi P\",\"\")": values quoted where they need
-- it, so no value can pass for two). The import writes it into its audit event; audit_verify()
-- computes it again.
CREATE FUNCTION grant_import_digest(p_import bigint) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT encode(sha256(convert_to(coalesce(string_agg(
           (r.line, r.action, r.employee_key, r.ledger_id, r.account, r.mandate, r.granted_by,
            r.note)::text, E'\n' ORDER BY r.line), ''), 'UTF8')), 'hex')
  FROM grant_import_row r WHERE r.import_id = p_import
$$;
REVOKE EXECUTE ON FUNCTION grant_import_digest(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION grant_import_digest(bigint)
  TO valtuus_daemon, valtuus_reviewer, valtuus_security, valtuus_admin;

-- Same checks, same actions and the same rows returned as sql/012_scale_writes.sql; the audit
-- event 'grants_imported' holds file, rows, added, already_held, new_stubs, import (the
-- import_id of its rows in grant_import_row) and rows_sha256 (grant_import_digest()).
CREATE OR REPLACE FUNCTION import_grants_staged(p_file text)
RETURNS TABLE (line integer, action text, employee_key text, ledger_id bigint, audit_event bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET jit = off SET work_mem = '64MB' AS $$
DECLARE
  bad record;
  n integer;
  added integer;
  held integer;
  stubs integer;
  v_import bigint;
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
    ), planned AS (
      SELECT c.line, c.account, c.mandate, c.valid_from, c.valid_until, c.granted_by, c.note,
             c.key,
             CASE WHEN c.held THEN 'already held'
                  WHEN c.known THEN 'add'
                  -- The first row (by line) to add for an absent account creates its stub.
                  WHEN row_number() OVER (PARTITION BY c.key, c.known, c.held ORDER BY c.line) = 1
                    THEN 'new stub'
                  ELSE 'add for absent' END AS action
      FROM checked c ORDER BY c.line
    )
    -- Each row to add takes its ledger id now, in line order: the ledger row and the import's
    -- row are then written from the plan alone (no second look-up of what was inserted).
    SELECT p.*, CASE WHEN p.action <> 'already held' THEN nextval('grant_ledger_id_seq') END
             AS ledger_id
    FROM planned p;
  GET DIAGNOSTICS n = ROW_COUNT;

  -- Kept, not dropped: a grant held by someone no longer in the directory is exactly what the
  -- next sync must propose to revoke. The stub has left now.
  INSERT INTO employee (key, account, status, left_at)
    SELECT p.key, p.account, 'left', now() FROM pg_temp.grant_import_plan p
    WHERE p.action = 'new stub' ORDER BY p.line
    ON CONFLICT (key) DO NOTHING;
  INSERT INTO grant_ledger (id, employee_key, mandate_id, valid_from, valid_until, source)
    SELECT p.ledger_id, p.key, p.mandate, p.valid_from, p.valid_until, 'import'
    FROM pg_temp.grant_import_plan p WHERE p.ledger_id IS NOT NULL;
  v_import := nextval('grant_import_seq');
  INSERT INTO grant_import_row (import_id, line, action, employee_key, ledger_id, account,
                                mandate, granted_by, note)
    SELECT v_import, p.line, p.action, p.key, p.ledger_id, p.account, p.mandate,
           coalesce(p.granted_by, ''), coalesce(p.note, '')
    FROM pg_temp.grant_import_plan p;

  SELECT count(*) FILTER (WHERE p.action <> 'already held'),
         count(*) FILTER (WHERE p.action = 'already held'),
         count(*) FILTER (WHERE p.action = 'new stub')
    INTO added, held, stubs FROM pg_temp.grant_import_plan p;
  INSERT INTO audit_event (action, details)
    VALUES ('grants_imported',
            jsonb_build_object('file', p_file, 'rows', n, 'added', added, 'already_held', held,
                               'new_stubs', stubs, 'import', v_import,
                               'rows_sha256', grant_import_digest(v_import)))
    RETURNING id INTO v_event;
  RETURN QUERY SELECT r.line, r.action, r.employee_key, r.ledger_id, v_event
    FROM grant_import_row r WHERE r.import_id = v_import ORDER BY r.line;
END;
$$;

-- The chain as before, and each import's rows against the digest its event holds (events
-- written before this version list their rows in the event itself, covered by the chain).
CREATE OR REPLACE FUNCTION audit_verify() RETURNS TABLE (event_id bigint, problem text)
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
  UNION ALL
  SELECT e.id, 'imported rows changed (grant_import_row, import ' || (e.details->>'import') || ')'
  FROM audit_event e
  WHERE e.action = 'grants_imported' AND e.details ? 'rows_sha256'
    AND grant_import_digest((e.details->>'import')::bigint) IS DISTINCT FROM e.details->>'rows_sha256'
  ORDER BY 1
$$;
