-- The world of the reports benchmark (bench/reports/run), written by psql into a migrated
-- database: 100,000 employees in 120 departments (5% have left, spread over 400 days; one in
-- ten leavers is absent from the last complete read), 50 themes, 150,000 grants in force,
-- one done grant item per grant, and a revoke item (proposed) for every other leaver's grant.
INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, entries_read,
                      items_added, items_superseded)
  VALUES (1, now() - interval '2 days', 'bench', true, 100000, 0, 0),
         (2, now() - interval '1 hour', 'bench', true, 99500, 0, 0);
SELECT setval('sync_run_id_seq', 2);

INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days,
                           renewal_notice_days)
  SELECT 'theme-' || t, 'Valtuusasia ' || t, 'Palvelu ' || (t % 7), true, 730, 60
  FROM generate_series(0, 49) t;

INSERT INTO employee (key, account, given_name, surname, display_name, department, title,
                      status, disabled, left_at, last_seen_run, absent_since_run)
  SELECT 'emp-' || n, 'user' || n, 'Etu' || n, 'Suku' || n, 'Etu' || n || ' Suku' || n,
         'Toimiala ' || (n % 120), 'Nimike ' || (n % 400),
         CASE WHEN n % 20 = 0 THEN 'left' ELSE 'active' END, n % 20 = 0,
         CASE WHEN n % 20 = 0 THEN now() - make_interval(days => n % 400) END,
         CASE WHEN n % 200 = 0 THEN 1 ELSE 2 END, CASE WHEN n % 200 = 0 THEN 2 END
  FROM generate_series(0, 99999) n;

-- Grant g: employee g mod 100000; the second 50,000 get a theme 25 away from their first.
INSERT INTO change_item (run_id, kind, state, employee_key, mandate_id, reason, fingerprint,
                         created_at, executed_at, state_changed_at)
  SELECT 1, 'grant', 'done', 'emp-' || (g % 100000),
         'theme-' || CASE WHEN g < 100000 THEN g % 50 ELSE (g % 50 + 25) % 50 END,
         'The work needs it', 'fp-' || g, now() - interval '500 days', now() - interval '498 days',
         now() - interval '498 days'
  FROM generate_series(0, 149999) g;
INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source, item_id,
                          recorded_at)
  SELECT employee_key, mandate_id, current_date - 498, current_date + (id % 700)::int, 'item', id,
         now() - interval '498 days'
  FROM change_item;

INSERT INTO change_item (run_id, kind, state, employee_key, mandate_id, reason, fingerprint,
                         created_at)
  SELECT 2, 'revoke', 'proposed', g.employee_key, g.mandate_id, 'The person has left',
         'rv-' || g.id, now() - make_interval(days => g.id::int % 30)
  FROM grant_ledger g JOIN employee e ON e.key = g.employee_key
  WHERE e.status = 'left' AND g.id % 4 < 2;

ANALYZE;
