#include "connectors/postgres/employee_writer.h"

#include <set>
#include <tuple>

#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_time.h"

namespace valtuus {

void write_employees(pqxx::work& txn, long long run_id, const Snapshot& snapshot,
                     const Plan& plan) {
  const std::set<std::string> leavers(plan.leavers.begin(), plan.leavers.end());
  const std::set<std::string> on_leave(plan.on_long_leave.begin(), plan.on_long_leave.end());
  const std::set<std::string> moved(plan.role_changed.begin(), plan.role_changed.end());
  // People whose entry was refused were not read: their row keeps what the last good read saw.
  const std::set<std::string> refused(plan.refused.begin(), plan.refused.end());
  txn.exec(
      "CREATE TEMPORARY TABLE employee_stage (key text, account text, dn text, given_name text, "
      "  surname text, display_name text, mail text, department text, title text, ou text, "
      "  groups text, disabled boolean, account_expires text, long_leave_marker text, "
      "  status text, moved boolean, manager_dn text, preferred_language text) ON COMMIT DROP");
  {
    pqxx::stream_to stream(txn, "employee_stage");
    for (const Employee& e : snapshot.employees) {
      if (refused.count(e.key)) continue;
      const char* status = leavers.count(e.key)    ? "left"
                           : on_leave.count(e.key) ? "long_leave"
                                                   : "active";
      // An empty text stands for "never expires" (NULL in the table).
      stream << std::make_tuple(
          e.key, e.account, e.dn, e.given_name, e.surname, e.display_name, e.mail, e.department,
          e.title, e.ou, text_array_literal(e.groups), e.disabled,
          e.account_expires ? pg_timestamp(*e.account_expires) : std::string(), e.long_leave_marker,
          std::string(status), moved.count(e.key) > 0, e.manager, e.preferred_language);
    }
    stream.complete();
  }
  txn.exec_params(
      "INSERT INTO employee (key, account, dn, given_name, surname, display_name, mail, "
      "  department, title, ou, groups, disabled, account_expires, long_leave_marker, status, "
      "  left_at, first_seen_run, last_seen_run, manager_dn, preferred_language) "
      "SELECT DISTINCT ON (key) key, account, dn, given_name, surname, display_name, mail, "
      "  department, title, ou, groups::text[], disabled, "
      "  nullif(account_expires, '')::timestamptz, long_leave_marker, status, "
      "  CASE WHEN status = 'left' THEN now() END, $1, $1, manager_dn, "
      "  CASE WHEN preferred_language IN ('fi', 'sv', 'en') THEN preferred_language ELSE '' END "
      "FROM employee_stage "
      "ON CONFLICT (key) DO UPDATE SET account = EXCLUDED.account, dn = EXCLUDED.dn, "
      "  given_name = EXCLUDED.given_name, surname = EXCLUDED.surname, "
      "  display_name = EXCLUDED.display_name, mail = EXCLUDED.mail, "
      "  department = EXCLUDED.department, title = EXCLUDED.title, ou = EXCLUDED.ou, "
      "  groups = EXCLUDED.groups, disabled = EXCLUDED.disabled, "
      "  account_expires = EXCLUDED.account_expires, "
      "  long_leave_marker = EXCLUDED.long_leave_marker, status = EXCLUDED.status, "
      "  left_at = CASE WHEN EXCLUDED.status = 'left' THEN coalesce(employee.left_at, now()) END, "
      "  role_changed_at = CASE WHEN (SELECT s.moved FROM employee_stage s "
      "    WHERE s.key = EXCLUDED.key LIMIT 1) THEN now() ELSE employee.role_changed_at END, "
      "  last_seen_run = EXCLUDED.last_seen_run, manager_dn = EXCLUDED.manager_dn, "
      "  preferred_language = EXCLUDED.preferred_language, updated_at = now()",
      run_id);
  if (snapshot.complete) {
    // Absent from a complete read: the person has left the directory. Not so a refused one.
    txn.exec_params(
        "UPDATE employee SET status = 'left', left_at = coalesce(left_at, now()), "
        "  updated_at = now() WHERE last_seen_run IS DISTINCT FROM $1 AND status <> 'left' "
        "  AND key <> ALL($2::text[])",
        run_id, text_array_literal(plan.refused));
  }
}

}  // namespace valtuus
