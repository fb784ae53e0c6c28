-- Version 6: notifications through a transactional outbox (issue #8). A row is enqueued by a
-- trigger in the same transaction as the run or decision that caused it, so a rolled-back run
-- or decision enqueues nothing and a committed one never loses its message. `valtuus-notify`
-- claims rows (FOR UPDATE SKIP LOCKED), sends them and marks them sent or failed.
-- Payloads hold placeholder values for the templates (templates/README.md); never an identity
-- code (those live only in identity_code, which no function here reads).

-- Group role of the sender (cluster-wide, like the roles of version 2).
DO $$
BEGIN
  CREATE ROLE valtuus_notifier NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;  -- created before, or by a concurrent migration of another database
END
$$;

-- Who receives a message and in which language. `manager_dn` is the directory's `manager`
-- attribute (a DN); the manager's address is resolved at enqueue time by joining employee.dn.
-- `preferred_language` is the person's language when the directory says it (fi, sv or en),
-- '' when unknown: rows then take outbox_cfg.default_language.
ALTER TABLE employee
  ADD COLUMN manager_dn text NOT NULL DEFAULT '',
  ADD COLUMN preferred_language text NOT NULL DEFAULT ''
    CHECK (preferred_language IN ('', 'fi', 'sv', 'en'));
CREATE INDEX employee_dn_idx ON employee (lower(dn));

-- Settings of the outbox: one row. `default_language` is the language of messages to people
-- whose language is unknown and to reviewers and security; `instance` makes idempotency keys
-- unique across databases (two organisations' Message-IDs never collide).
CREATE TABLE outbox_setting (
  only_row         boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  default_language text NOT NULL DEFAULT 'fi' CHECK (default_language IN ('fi', 'sv', 'en')),
  instance         text NOT NULL DEFAULT substr(md5(random()::text || clock_timestamp()::text), 1, 12)
);
INSERT INTO outbox_setting DEFAULT VALUES;

CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  created_at      timestamptz NOT NULL DEFAULT now(),
  event           text NOT NULL
                  CHECK (event IN ('run_items', 'run_held', 'grant_proposed', 'grant_done',
                                   'revoke_done', 'items_overdue', 'leavers_digest')),
  channel         text NOT NULL CHECK (channel IN ('mail', 'webhook')),
  audience        text NOT NULL CHECK (audience IN ('reviewers', 'security', 'employee', 'manager')),
  -- A mail address for employee/manager; '' for reviewers/security (the sender resolves them
  -- from its configuration).
  recipient       text NOT NULL DEFAULT '',
  language        text NOT NULL DEFAULT 'fi' CHECK (language IN ('fi', 'sv', 'en')),
  -- true: `language` is the recipient's own (employee.preferred_language); false: it is
  -- outbox_cfg.default_language, and a sender may use its own configured default instead.
  language_from_person boolean NOT NULL DEFAULT false,
  payload         jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  idempotency_key text NOT NULL UNIQUE,  -- Message-ID / Idempotency-Key; stable for the row
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead', 'skipped')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text NOT NULL DEFAULT '',
  sent_at         timestamptz,
  -- What caused the row, for `valtuusctl outbox list` and tests; NULL for the daily messages.
  run_id          bigint REFERENCES sync_run(id),
  item_id         bigint REFERENCES change_item(id),
  CHECK ((audience IN ('employee', 'manager')) = (recipient <> ''))
);
-- The sender's claim: the oldest due pending row.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_dead_idx ON outbox (id) WHERE state = 'dead';

-- Messages go to the channels listed here for each audience; mail by default. A site that wants
-- reviewers' messages in a chat tool as well adds ('reviewers', 'webhook').
CREATE TABLE outbox_channel (
  audience text NOT NULL CHECK (audience IN ('reviewers', 'security', 'employee', 'manager')),
  channel  text NOT NULL CHECK (channel IN ('mail', 'webhook')),
  PRIMARY KEY (audience, channel),
  -- People are reached by mail only: a webhook has no per-person address.
  CHECK (channel = 'mail' OR audience IN ('reviewers', 'security'))
);
INSERT INTO outbox_channel VALUES ('reviewers', 'mail'), ('security', 'mail'),
  ('employee', 'mail'), ('manager', 'mail');

-- Enqueues one message on every channel configured for its audience; a key already present
-- enqueues nothing (a trigger firing twice, or a daily function called twice a day).
-- The key is "valtuus.<instance>.<key>[.webhook]"; it is safe as a Message-ID's left part.
CREATE FUNCTION outbox_put(p_event text, p_audience text, p_recipient text, p_language text,
                           p_from_person boolean, p_payload jsonb, p_key text, p_run bigint,
                           p_item bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  cfg outbox_setting;
  ch text;
  new_id bigint;
  first_id bigint;
BEGIN
  SELECT * INTO cfg FROM outbox_setting;
  FOR ch IN SELECT channel FROM outbox_channel WHERE audience = p_audience ORDER BY channel LOOP
    INSERT INTO outbox (event, channel, audience, recipient, language, language_from_person,
                        payload, idempotency_key, run_id, item_id)
      VALUES (p_event, ch, p_audience, coalesce(p_recipient, ''),
              coalesce(nullif(p_language, ''), cfg.default_language),
              p_from_person AND coalesce(p_language, '') <> '', p_payload,
              'valtuus.' || cfg.instance || '.' || p_key
                || CASE WHEN ch = 'mail' THEN '' ELSE '.' || ch END,
              p_run, p_item)
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id INTO new_id;
    first_id := coalesce(first_id, new_id);
  END LOOP;
  RETURN first_id;
END;
$$;

-- A person's display name: the directory's, else "first last", else the account.
CREATE FUNCTION outbox_person_name(e employee) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(nullif(btrim(e.display_name), ''),
                  nullif(btrim(concat_ws(' ', nullif(e.given_name, ''), nullif(e.surname, ''))), ''),
                  e.account)
$$;

-- The expected handling time of a grant, by path, in a language (DOMAIN.md: path 1 about
-- 3 days, path 2 four to six weeks for the organisation's right to grant, then path 1).
CREATE FUNCTION outbox_handling_time(p_path integer, p_language text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_language
    WHEN 'sv' THEN CASE WHEN p_path = 2 THEN '4–6 veckor' ELSE 'cirka 3 dagar' END
    WHEN 'en' THEN CASE WHEN p_path = 2 THEN '4–6 weeks' ELSE 'about 3 days' END
    ELSE CASE WHEN p_path = 2 THEN '4–6 viikkoa' ELSE 'noin 3 päivää' END
  END
$$;

-- The messages about one item to its person and their manager (if they have an address).
-- Each recipient gets the message in their own language. A leaver's own mailbox is not
-- written to (it is usually closed); their manager still hears of the revocation.
CREATE FUNCTION outbox_item_to_people(p_event text, p_item change_item) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  person employee;
  manager employee;
  theme mandate_issue;
  path integer := CASE WHEN p_item.waits_for_org_apply THEN 2 ELSE 1 END;
  audience text;
  target employee;
  lang text;
  cfg outbox_setting;
  until date;
BEGIN
  IF p_item.employee_key IS NULL THEN
    RETURN;  -- org_apply: about the organisation, no person to tell
  END IF;
  SELECT * INTO cfg FROM outbox_setting;
  SELECT * INTO person FROM employee WHERE key = p_item.employee_key;
  SELECT * INTO theme FROM mandate_issue WHERE id = p_item.mandate_id;
  IF person.manager_dn <> '' THEN
    SELECT * INTO manager FROM employee
      WHERE lower(dn) = lower(person.manager_dn) AND mail <> ''
      ORDER BY (status = 'left'), updated_at DESC LIMIT 1;
  END IF;
  IF p_event = 'grant_done' THEN
    SELECT valid_until INTO until FROM grant_ledger
      WHERE item_id = p_item.id ORDER BY id DESC LIMIT 1;
  END IF;
  FOREACH audience IN ARRAY ARRAY['employee', 'manager'] LOOP
    target := CASE WHEN audience = 'employee' THEN person ELSE manager END;
    CONTINUE WHEN target.key IS NULL OR coalesce(target.mail, '') = '';
    CONTINUE WHEN audience = 'employee' AND person.status = 'left';
    lang := coalesce(nullif(target.preferred_language, ''), cfg.default_language);
    PERFORM outbox_put(
      p_event, audience, target.mail, target.preferred_language, true,
      jsonb_build_object(
        'item_id', p_item.id,
        'kind', p_item.kind,
        'employee_name', outbox_person_name(person),
        'account', person.account,
        'recipient_name', outbox_person_name(target),
        'mandate_id', theme.id,
        'mandate_name', CASE lang WHEN 'sv' THEN coalesce(nullif(theme.name_sv, ''), theme.name_fi)
                                  WHEN 'en' THEN coalesce(nullif(theme.name_en, ''), theme.name_fi)
                                  ELSE theme.name_fi END,
        'service', theme.service,
        'reason', p_item.reason,
        'path', path,
        'handling_time', outbox_handling_time(path, lang),
        'valid_until', coalesce(until::text, ''),
        'executed_at', coalesce(to_char(p_item.executed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), '')),
      p_event || '.' || p_item.id || '.' || audience, p_item.run_id, p_item.id);
  END LOOP;
END;
$$;

-- A grant proposed (inserted as proposed, or released from a held run) or an item done.
CREATE FUNCTION outbox_item_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.state = 'proposed' AND NEW.kind IN ('grant', 'renew')
     AND (TG_OP = 'INSERT' OR OLD.state = 'held') THEN
    PERFORM outbox_item_to_people('grant_proposed', NEW);
  ELSIF TG_OP = 'UPDATE' AND NEW.state = 'done' AND OLD.state <> 'done' THEN
    IF NEW.kind IN ('grant', 'renew') THEN
      PERFORM outbox_item_to_people('grant_done', NEW);
    ELSIF NEW.kind = 'revoke' THEN
      PERFORM outbox_item_to_people('revoke_done', NEW);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER change_item_outbox_insert AFTER INSERT ON change_item
  FOR EACH ROW WHEN (NEW.state = 'proposed' AND NEW.kind IN ('grant', 'renew'))
  EXECUTE FUNCTION outbox_item_trigger();
-- Deferred: mark_item_done writes the ledger (the mandate's end date) after the item.
CREATE CONSTRAINT TRIGGER change_item_outbox_update AFTER UPDATE OF state ON change_item
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state
                     AND (NEW.state = 'done' OR (OLD.state = 'held' AND NEW.state = 'proposed')))
  EXECUTE FUNCTION outbox_item_trigger();

-- A run's message to reviewers, decided at commit (a deferred constraint trigger sees all of
-- the run's items and its final held state): a held run → run_held; otherwise a run with items
-- to decide → one run_items, counted by kind. A released run (held → released) → run_items
-- then. The held-run columns (version 4) are read through to_jsonb so that this works whatever
-- columns sync_run has.
CREATE FUNCTION outbox_run_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  run jsonb;
  counts record;
BEGIN
  SELECT to_jsonb(r) INTO run FROM sync_run r WHERE r.id = NEW.id;
  IF run IS NULL OR run->>'discarded_at' IS NOT NULL THEN
    RETURN NULL;
  END IF;
  IF run->>'held_reason' IS NOT NULL AND run->>'released_at' IS NULL THEN
    -- A directory that stays broken holds every run for the same reason: reviewers hear of it
    -- once, while an earlier run held for exactly that reason still waits for them.
    IF EXISTS (SELECT 1 FROM sync_run r
                WHERE r.id < NEW.id AND to_jsonb(r)->>'held_reason' = run->>'held_reason'
                  AND to_jsonb(r)->>'released_at' IS NULL
                  AND to_jsonb(r)->>'discarded_at' IS NULL) THEN
      RETURN NULL;
    END IF;
    SELECT count(*) AS total,
           count(*) FILTER (WHERE kind = 'revoke') AS revokes
      INTO counts FROM change_item WHERE run_id = NEW.id;
    PERFORM outbox_put('run_held', 'reviewers', '', NULL, false,
      jsonb_build_object('run_id', NEW.id, 'held_reason', run->>'held_reason',
                         'items', counts.total, 'revokes', counts.revokes,
                         'source', run->>'directory_source',
                         'command', 'valtuusctl runs show ' || NEW.id),
      'run_held.' || NEW.id, NEW.id, NULL);
    RETURN NULL;
  END IF;
  SELECT count(*) AS total,
         count(*) FILTER (WHERE kind = 'grant') AS grants,
         count(*) FILTER (WHERE kind = 'org_apply') AS org_applies,
         count(*) FILTER (WHERE kind = 'revoke') AS revokes,
         count(*) FILTER (WHERE kind = 'renew') AS renews
    INTO counts FROM change_item
    WHERE run_id = NEW.id AND state NOT IN ('held', 'discarded');
  IF counts.total > 0 THEN
    PERFORM outbox_put('run_items', 'reviewers', '', NULL, false,
      jsonb_build_object('run_id', NEW.id, 'items', counts.total, 'grants', counts.grants,
                         'org_applies', counts.org_applies, 'revokes', counts.revokes,
                         'renews', counts.renews, 'source', run->>'directory_source',
                         'command', 'valtuusctl changes list'),
      'run_items.' || NEW.id, NEW.id, NULL);
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER sync_run_outbox AFTER INSERT OR UPDATE ON sync_run
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION outbox_run_trigger();

-- Daily, called by the sender: items older than their path's target (path 1: grant, revoke,
-- renew; path 2: org_apply and grants waiting for one), counted for reviewers. Returns the
-- row's id, or NULL when nothing is overdue or the day's message was enqueued before.
CREATE FUNCTION outbox_enqueue_overdue(p_day date, p_path1_days integer, p_path2_days integer)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  counts record;
BEGIN
  IF p_day IS NULL OR p_path1_days IS NULL OR p_path2_days IS NULL
     OR p_path1_days < 0 OR p_path2_days < 0 THEN
    RAISE EXCEPTION 'outbox_enqueue_overdue: a day and non-negative targets are needed'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  WITH open_items AS (
    SELECT kind, (p_day - (created_at AT TIME ZONE 'UTC')::date) AS age,
           CASE WHEN kind = 'org_apply' OR waits_for_org_apply THEN 2 ELSE 1 END AS path
    FROM change_item WHERE state IN ('proposed', 'approved', 'applied')
  )
  SELECT count(*) FILTER (WHERE path = 1 AND age > p_path1_days) AS path1,
         count(*) FILTER (WHERE path = 2 AND age > p_path2_days) AS path2,
         coalesce(max(age) FILTER (WHERE (path = 1 AND age > p_path1_days)
                                      OR (path = 2 AND age > p_path2_days)), 0) AS oldest
    INTO counts FROM open_items;
  IF counts.path1 + counts.path2 = 0 THEN
    RETURN NULL;
  END IF;
  RETURN outbox_put('items_overdue', 'reviewers', '', NULL, false,
    jsonb_build_object('day', p_day::text, 'overdue', counts.path1 + counts.path2,
                       'overdue_path1', counts.path1, 'overdue_path2', counts.path2,
                       'oldest_days', counts.oldest, 'path1_days', p_path1_days,
                       'path2_days', p_path2_days,
                       'command', 'valtuusctl changes list --older-than ' || p_path1_days),
    'items_overdue.' || p_day::text, NULL, NULL);
END;
$$;

-- Called by the sender before each pass: a "grant proposed" notice whose item is no longer
-- open (rejected, superseded, discarded, or already done) would tell the person something
-- untrue, so it is skipped, not sent. This is also what keeps the first sync of a new
-- installation from mailing everyone: grants imported afterwards supersede the proposals,
-- and their notices are skipped. Returns how many were skipped.
CREATE FUNCTION outbox_skip_stale() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  skipped integer;
BEGIN
  UPDATE outbox o
     SET state = 'skipped', last_error = 'not sent: item ' || i.id || ' is ' || i.state
    FROM change_item i
   WHERE o.state = 'pending' AND o.event = 'grant_proposed' AND o.item_id = i.id
     AND i.state NOT IN ('proposed', 'approved', 'applied');
  GET DIAGNOSTICS skipped = ROW_COUNT;
  RETURN skipped;
END;
$$;

-- Daily, called by the sender: leavers who still hold mandates in the ledger, for security.
-- Returns the row's id, or NULL when there are none or the day's digest was enqueued before.
CREATE FUNCTION outbox_enqueue_leavers_digest(p_day date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  digest record;
BEGIN
  IF p_day IS NULL THEN
    RAISE EXCEPTION 'outbox_enqueue_leavers_digest: a day is needed'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  WITH held AS (
    SELECT e.key, outbox_person_name(e) AS name, e.account, e.department,
           (e.left_at AT TIME ZONE 'UTC')::date AS left_on,
           count(*) AS mandates,
           string_agg(g.mandate_id, ', ' ORDER BY g.mandate_id) AS themes
    FROM employee e JOIN grant_ledger g ON g.employee_key = e.key AND g.revoked_at IS NULL
    WHERE e.status = 'left'
    GROUP BY e.key
  )
  SELECT count(*) AS leavers, coalesce(sum(mandates), 0) AS mandates,
         coalesce(string_agg(format('- %s (%s), %s, %s: %s days, %s', name, account,
                                    coalesce(nullif(department, ''), '-'), left_on, p_day - left_on, themes),
                             E'\n' ORDER BY left_on, name), '') AS lines
    INTO digest FROM held;
  IF digest.leavers = 0 THEN
    RETURN NULL;
  END IF;
  RETURN outbox_put('leavers_digest', 'security', '', NULL, false,
    jsonb_build_object('day', p_day::text, 'leavers', digest.leavers,
                       'mandates', digest.mandates, 'list', digest.lines,
                       'command', 'valtuusctl report leavers'),
    'leavers_digest.' || p_day::text, NULL, NULL);
END;
$$;

-- An administrator sends a dead row again (valtuusctl outbox retry), recorded in the audit
-- trail. Returns false when the row is not dead.
CREATE FUNCTION outbox_retry(p_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r outbox;
BEGIN
  SELECT * INTO r FROM outbox WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'outbox row % does not exist', p_id USING ERRCODE = 'no_data_found';
  END IF;
  IF r.state <> 'dead' THEN
    RETURN false;
  END IF;
  UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = now() WHERE id = p_id;
  INSERT INTO audit_event (action, run_id, item_id, details)
    VALUES ('outbox_retry', r.run_id, r.item_id,
            jsonb_build_object('outbox_id', p_id, 'event', r.event, 'audience', r.audience,
                               'attempts', r.attempts, 'last_error', r.last_error));
  RETURN true;
END;
$$;

-- Least privilege. New functions are executable by PUBLIC until revoked.
REVOKE ALL ON outbox, outbox_setting, outbox_channel FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION
  outbox_put(text, text, text, text, boolean, jsonb, text, bigint, bigint),
  outbox_person_name(employee), outbox_handling_time(integer, text),
  outbox_item_to_people(text, change_item), outbox_item_trigger(), outbox_run_trigger(),
  outbox_enqueue_overdue(date, integer, integer), outbox_enqueue_leavers_digest(date),
  outbox_retry(bigint), outbox_skip_stale()
  FROM PUBLIC;

-- The sender: reads and claims rows (SELECT ... FOR UPDATE needs UPDATE), marks them sent or
-- failed (only the delivery columns), and enqueues the daily messages through the functions.
-- Nothing else: no employee, item or identity table.
GRANT USAGE ON SCHEMA public TO valtuus_notifier;
GRANT SELECT, UPDATE (state, attempts, next_attempt_at, last_error, sent_at) ON outbox
  TO valtuus_notifier;
GRANT SELECT ON outbox_setting TO valtuus_notifier;
GRANT EXECUTE ON FUNCTION outbox_enqueue_overdue(date, integer, integer),
  outbox_enqueue_leavers_digest(date), outbox_skip_stale() TO valtuus_notifier;
-- People may look at the outbox (valtuusctl outbox list/show); only administrators retry and
-- change the settings and channels.
GRANT SELECT ON outbox, outbox_setting, outbox_channel TO valtuus_reviewer, valtuus_security;
GRANT ALL ON outbox, outbox_setting, outbox_channel TO valtuus_admin;
GRANT ALL ON SEQUENCE outbox_id_seq TO valtuus_admin;
GRANT EXECUTE ON FUNCTION outbox_retry(bigint) TO valtuus_admin;
