-- The "grant proposed" notices of a statement's new items (sql/017_bulk_references.sql), with
-- less work per notice. At 100,000 people a first sync's 25,000 items bring 21,558 notices,
-- about 60% of the CPU time of the statement that inserts the items. Two costs go, measured
-- as the CPU time of that statement's backend at 100,000 people (the same 25,058 items each
-- time, the change rolled back, the tables vacuumed between tries; `bench/e2e/db-writes
-- --replay`): 0.78-0.80 s to 0.69-0.73 s at a load of 7, medians 0.82 s to 0.77 s at a load
-- of 10 (eight tries each, old and new alternating).
--
-- 1. The payload is one typed row turned into JSON, not jsonb_build_object() of 13 pairs:
--    jsonb_build_object() works out how to convert each of its 26 arguments from its type for
--    every message; a row of a known type is converted by its column types. The same keys, the
--    same values and the same JSON types (item_id and path numbers, the rest strings), so the
--    same jsonb: the notifier reads the same payload.
-- 2. No ON CONFLICT (idempotency_key) DO NOTHING. A notice's key holds its item's id; these
--    items were inserted by this very statement, their ids drawn from the sequence just now,
--    and one statement writes one message per item, audience and channel (outbox_channel's
--    key), so no key can already exist. The speculative insertion ON CONFLICT needs (a look in
--    the unique index before each row and a token on it) was paid for nothing. The unique index
--    stays: should a key ever be taken all the same, the statement fails and the run rolls
--    back, rather than the notice being dropped in silence.
-- Same recipients, languages, keys, order and payloads as before; still written by the
-- statement that inserts the items, so in the same transaction (the outbox invariant).

-- The payload of a "grant proposed" notice, in the order jsonb_build_object() listed it (jsonb
-- orders keys its own way, so the order changes nothing). The names are the JSON keys.
CREATE TYPE grant_proposed_payload AS (
  item_id        bigint,
  kind           text,
  employee_name  text,
  account        text,
  recipient_name text,
  mandate_id     text,
  mandate_name   text,
  service        text,
  reason         text,
  path           integer,
  handling_time  text,
  valid_until    text,
  executed_at    text
);

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
  ORDER BY m.id, m.audience_order, ch.channel;
  RETURN NULL;
END;
$$;
