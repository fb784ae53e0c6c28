-- The "grant proposed" notices of a statement's new items are written by the notifier, not by
-- the sync. At 100,000 people a first sync's 25,058 items bring 21,558 notices, and building
-- them was about 0.41 s of the 0.7 s of CPU the statement that inserts the items spent, inside
-- the sync's transaction. The sync's job is to propose; announcing is the notifier's.
--
-- The outbox invariant stays: no notice lost, none for a change that rolled back. The
-- statement that inserts the items records ONE announcement row (outbox_announcement) with the
-- ids of its new items that are to be announced, in the same transaction: a rolled-back run
-- leaves none, a committed one cannot lose it. valtuus-notify calls outbox_announce_pending()
-- at the start of each pass, which turns the pending announcements into the notices, exactly
-- as sql/021_notice_rows.sql wrote them (recipients, languages, keys, payloads, order), and
-- deletes the announcements in the same transaction: a notifier that fails halfway leaves them
-- pending for the next pass.
--
-- What changes for people: the notice is written when the notifier next runs (within its
-- interval) rather than at the sync's commit, and from the item, person and manager as they
-- are then. An item already decided by then (approved, rejected, superseded) gets no "proposed"
-- notice: the person is told of the outcome instead (grant_done), or of nothing that is no
-- longer true. Items of a held run are inserted 'held' and are not announced here; their
-- release still writes their notices at once (outbox_item_trigger, sql/006).

-- Pending announcements. item_ids: the ids of one statement's new items (ids drawn by one
-- statement need not be contiguous: concurrent inserts share the sequence), so a list, not a
-- range. No login reads or writes it: only the trigger and the functions below (SECURITY
-- DEFINER, run as the owner).
CREATE TABLE outbox_announcement (
  id         bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  item_ids   bigint[] NOT NULL CHECK (cardinality(item_ids) > 0)
);
REVOKE ALL ON outbox_announcement FROM PUBLIC, valtuus_daemon, valtuus_reviewer,
  valtuus_security, valtuus_admin, valtuus_notifier, valtuus_console;
REVOKE ALL ON SEQUENCE outbox_announcement_id_seq FROM PUBLIC, valtuus_daemon,
  valtuus_reviewer, valtuus_security, valtuus_admin, valtuus_notifier, valtuus_console;

-- The statement trigger (change_item_outbox_insert, sql/009): the items sql/021 wrote notices
-- for (proposed grants and renewals of a person), one row for the statement; none when there
-- are none (an unchanged sync, a held run), so such a statement writes nothing here.
CREATE OR REPLACE FUNCTION outbox_items_proposed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO outbox_announcement (item_ids)
    SELECT array_agg(i.id) FROM new_items i
    WHERE i.state = 'proposed' AND i.kind IN ('grant', 'renew') AND i.employee_key IS NOT NULL
    HAVING count(*) > 0;
  RETURN NULL;
END;
$$;

-- The notifier's call: the pending announcements become "grant proposed" notices; returns how
-- many notices it wrote. The announcements are taken in id order FOR UPDATE SKIP LOCKED, so two
-- notifiers never take the same one (the second skips what the first holds, and finds it gone
-- once the first commits); they are deleted in the transaction that wrote their notices.
--
-- The notices are sql/021's: same recipients (the manager row: by DN without regard to case,
-- with an address, one still present before one who left, the newest), languages,
-- language_from_person, idempotency keys, payload (grant_proposed_payload: the same keys and
-- JSON types), ids in the same order (item, employee before manager, channel), run_id and
-- item_id. Only items still 'proposed' are announced.
--
-- ON CONFLICT (idempotency_key) DO NOTHING, unlike sql/021. There a taken key failed the run,
-- which then rolled back and was tried again whole. Here a failing announcement would fail
-- every later call too (they are taken in id order, all of them at once), and the notifier
-- would never write another "grant proposed" notice. A key names its event, item, audience and
-- channel, so a key already taken means that message is already in the outbox: skipping it
-- loses nothing. The speculative insertion it costs is paid by the notifier, not by the sync.
--
-- jit = off: the cost estimates of a large batch can pass the JIT threshold, and compiling
-- this statement cost far more than running it (a rewrite of the notices once took 2.4 s).
CREATE FUNCTION outbox_announce_pending() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET work_mem = '64MB' SET jit = off AS $$
DECLARE
  taken bigint[];
  ids bigint[];
  written integer;
BEGIN
  SELECT array_agg(a.id ORDER BY a.id) INTO taken
    FROM (SELECT id FROM outbox_announcement ORDER BY id FOR UPDATE SKIP LOCKED) a;
  IF taken IS NULL THEN
    RETURN 0;
  END IF;
  SELECT array_agg(u.id) INTO ids
    FROM outbox_announcement a CROSS JOIN LATERAL unnest(a.item_ids) AS u(id)
    WHERE a.id = ANY (taken);
  -- The items are picked by `id = ANY ($1)`, planned for this call with the ids as a constant
  -- (EXECUTE): a hashed filter or index probes, whatever the planner thinks of change_item. A
  -- join with unnest() instead, planned while change_item's statistics still describe the
  -- empty table of a first sync, became a nested loop that unnested every id for every item:
  -- 15 s for 21,558 items.
  EXECUTE $sql$
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
    FROM change_item i
    JOIN mandate_issue th ON th.id = i.mandate_id
    JOIN employee p ON p.key = i.employee_key
    -- Still undecided: a notice that a grant was proposed, for a grant already decided, would
    -- tell the person something no longer true.
    WHERE i.id = ANY ($1)
      AND i.state = 'proposed' AND i.kind IN ('grant', 'renew') AND i.employee_key IS NOT NULL
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
         to_jsonb(ROW(
           m.id,
           m.kind,
           m.name,
           m.account,
           m.target_name,
           m.theme_id,
           CASE m.lang
             WHEN 'sv' THEN coalesce(nullif(m.name_sv, ''), m.name_fi)
             WHEN 'en' THEN coalesce(nullif(m.name_en, ''), m.name_fi)
             ELSE m.name_fi END,
           m.service,
           m.reason,
           m.path,
           outbox_handling_time(m.path, m.lang),
           '',
           coalesce(to_char(m.executed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), '')
         )::grant_proposed_payload),
         'valtuus.' || m.instance || '.grant_proposed.' || m.id || '.' || m.audience
           || CASE WHEN ch.channel = 'mail' THEN '' ELSE '.' || ch.channel END,
         m.run_id, m.id
  FROM messages m JOIN outbox_channel ch ON ch.audience = m.audience
  ORDER BY m.id, m.audience_order, ch.channel
  ON CONFLICT (idempotency_key) DO NOTHING
  $sql$ USING ids;
  GET DIAGNOSTICS written = ROW_COUNT;
  DELETE FROM outbox_announcement WHERE id = ANY (taken);
  RETURN written;
END;
$$;

-- For `valtuusctl outbox list`: how many proposed items wait for the notifier to announce them
-- (their notices are not in the outbox yet). A count only; the announcements stay unreadable.
-- The items picked as in outbox_announce_pending, for the same reason.
CREATE FUNCTION outbox_unannounced_items() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET jit = off AS $$
DECLARE
  ids bigint[];
  waiting bigint;
BEGIN
  SELECT array_agg(u.id) INTO ids
    FROM outbox_announcement a CROSS JOIN LATERAL unnest(a.item_ids) AS u(id);
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  EXECUTE 'SELECT count(*) FROM change_item WHERE id = ANY ($1) AND state = ''proposed'''
    INTO waiting USING ids;
  RETURN waiting;
END;
$$;

REVOKE EXECUTE ON FUNCTION outbox_announce_pending(), outbox_unannounced_items() FROM PUBLIC;
-- The notifier announces; administrators may too (a notifier that is down: `SELECT
-- outbox_announce_pending()` as an administrator's login writes the same notices).
GRANT EXECUTE ON FUNCTION outbox_announce_pending() TO valtuus_notifier, valtuus_admin;
-- Everyone who may list the outbox.
GRANT EXECUTE ON FUNCTION outbox_unannounced_items()
  TO valtuus_reviewer, valtuus_security, valtuus_admin;
