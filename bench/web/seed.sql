-- The world of the console benchmark (bench/web/run), written by psql into a migrated
-- database: 2,000 employees in 40 departments, 50 themes, and 10,000 proposed grants (five
-- per employee, ids 1 to 10,000), created over the last 60 days.
INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, entries_read,
                      items_added, items_superseded)
  VALUES (1, now() - interval '1 hour', 'bench', true, 2000, 10000, 0);
SELECT setval('sync_run_id_seq', 1);

INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days,
                           renewal_notice_days)
  SELECT 'theme-' || t, 'Valtuusasia ' || t, 'Palvelu ' || (t % 7), true, 730, 60
  FROM generate_series(0, 49) t;

INSERT INTO employee (key, account, given_name, surname, display_name, department, title,
                      last_seen_run)
  SELECT 'emp-' || n, 'user' || n, 'Etu' || n, 'Suku' || n, 'Etu' || n || ' Suku' || n,
         'Toimiala ' || (n % 40), 'Nimike ' || (n % 100), 1
  FROM generate_series(0, 1999) n;

INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, fingerprint,
                         created_at)
  SELECT i, 1, 'grant', 'proposed', 'emp-' || ((i - 1) / 5),
         'theme-' || (((i - 1) / 5) % 50 + ((i - 1) % 5) * 10) % 50,
         'The work needs it', 'fp-' || i, now() - make_interval(days => i % 60)
  FROM generate_series(1, 10000) i;
SELECT setval('change_item_id_seq', 10000);

ANALYZE;
