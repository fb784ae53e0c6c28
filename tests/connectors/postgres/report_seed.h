// A small, fully known database for the report tests, written directly with SQL so that each
// report's answer can be stated exactly. Times are relative to now(): ages are whole days.
//
// people (department, status)              ledger (in force unless said)
//   anna   Elinkeinoasiat/Omavalmentaja active  kela (until +400 d, recorded 100 d ago)
//   leo    Elinkeinoasiat  left 10 d (disabled)  kela (+200 d), te (+20 d)
//   gone   Elinkeinoasiat  left 30 d (absent)    kela (no end date)
//   exp    Talous          left 5 d (expired)    okm (+100 d); te (revoked: not in force)
//   mover  Talous/Controller active, moved 1 d   kela (+300 d, recorded 50 d ago)
// open items: revoke leo/kela proposed 3 d; renew anna/kela proposed today; org_apply okm 50 d
// done items: two path-1 grants, 2 and 6 days from proposal to done, 8 and 4 days ago; one
// done 200 days ago.
#pragma once

#include <pqxx/pqxx>

namespace valtuus::testing {

inline void seed_reports(pqxx::connection& admin) {
  pqxx::work txn(admin);
  txn.exec(
      "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, entries_read, "
      "  items_added, items_superseded) VALUES "
      "  (1, now() - interval '40 days', 'test', true, 5, 0, 0), "
      "  (2, now() - interval '1 hour', 'test', true, 4, 0, 0);"
      "SELECT setval('sync_run_id_seq', 2);"
      "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
      "  renewal_notice_days) VALUES ('kela', 'Kela-asiat', 'Kela', true, 730, 60), "
      "  ('te', 'TE-asiat', 'TE', true, 730, 60), ('okm', 'OKM-avustukset', 'OKM', false, 730, 60);"
      "INSERT INTO employee (key, account, given_name, surname, display_name, department, title, "
      "  status, disabled, account_expires, left_at, role_changed_at, last_seen_run, "
      "  absent_since_run) VALUES "
      "  ('k-anna', 'anna', 'Anna', 'Aalto', 'Anna Aalto', 'Elinkeinoasiat', 'Omavalmentaja', "
      "   'active', false, NULL, NULL, now() - interval '300 days', 2, NULL), "
      "  ('k-leo', 'leo', 'Leo', 'Lehto', 'Leo Lehto', 'elinkeinoasiat ', 'Yritysneuvoja', "
      "   'left', true, NULL, now() - interval '10 days 1 hour', now() - interval '300 days', 2, "
      "NULL), "
      "  ('k-gone', 'gone', 'Greta', 'Grön', 'Greta Grön', 'Elinkeinoasiat', 'Neuvoja', "
      "   'left', false, NULL, now() - interval '30 days 1 hour', now() - interval '300 days', 1, "
      "2), "
      "  ('k-exp', 'exp', 'Eero', 'Ek', 'Eero Ek', 'Talous', 'Kirjanpitäjä', 'left', false, "
      "   now() - interval '5 days', now() - interval '5 days 1 hour', "
      "   now() - interval '300 days', 2, NULL), "
      "  ('k-mover', 'mover', 'Mika', 'Mäki', 'Mika Mäki', 'Talous', 'Controller', 'active', "
      "   false, NULL, NULL, now() - interval '1 day', 2, NULL);"
      "INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked) VALUES "
      "  ('k-anna', '\\x00', '\\x00', '\\x00', '010190-****');"
      "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source, "
      "  revoked_at, recorded_at) VALUES "
      "  ('k-anna', 'kela', current_date - 100, current_date + 400, 'import', NULL, "
      "   now() - interval '100 days'), "
      "  ('k-leo', 'kela', current_date - 200, current_date + 200, 'import', NULL, "
      "   now() - interval '200 days'), "
      "  ('k-leo', 'te', current_date - 200, current_date + 20, 'import', NULL, "
      "   now() - interval '200 days'), "
      "  ('k-gone', 'kela', current_date - 200, NULL, 'import', NULL, now() - interval '200 "
      "days'), "
      "  ('k-exp', 'te', current_date - 200, current_date + 100, 'import', now(), "
      "   now() - interval '200 days'), "
      "  ('k-exp', 'okm', current_date - 200, current_date + 100, 'import', NULL, "
      "   now() - interval '200 days'), "
      "  ('k-mover', 'kela', current_date - 50, current_date + 300, 'import', NULL, "
      "   now() - interval '50 days');"
      "INSERT INTO change_item (run_id, kind, state, employee_key, mandate_id, reason, "
      "  fingerprint, created_at, executed_at, waits_for_org_apply) VALUES "
      "  (2, 'revoke', 'proposed', 'k-leo', 'kela', 'left', 'f1', "
      "   now() - interval '3 days 1 hour', NULL, false), "
      "  (2, 'renew', 'proposed', 'k-anna', 'kela', 'ends', 'f2', now(), NULL, false), "
      "  (1, 'org_apply', 'proposed', NULL, 'okm', 'apply', 'f3', "
      "   now() - interval '50 days 1 hour', NULL, false), "
      "  (1, 'grant', 'done', 'k-anna', 'okm', 'x', 'f4', now() - interval '10 days', "
      "   now() - interval '8 days', false), "
      "  (1, 'grant', 'done', 'k-mover', 'te', 'x', 'f5', now() - interval '10 days', "
      "   now() - interval '4 days', false), "
      "  (1, 'grant', 'done', 'k-mover', 'okm', 'x', 'f6', now() - interval '230 days', "
      "   now() - interval '200 days', false)");
  txn.commit();
}

}  // namespace valtuus::testing
