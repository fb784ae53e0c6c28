// The audit events about one item, oldest first: its own (decided, executed, superseded, an
// identity code revealed), a bulk approval that named it, and what happened to its sync run
// (items added, the run released or discarded). Read from the append-only audit trail.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace valtuus {

struct AuditEventRow {
  long long id = 0;
  std::string at;      // "2026-11-24 21:40 UTC"
  std::string actor;   // the person (or database login) who acted
  std::string action;  // item_approved, item_done, run_released, ...
  std::string via;     // "web", or empty for a direct login (valtuusctl, the daemon)
  std::string note;    // the reason, note or comment the person gave, if any
};

std::vector<AuditEventRow> item_audit_events(pqxx::transaction_base& txn, long long item);

}  // namespace valtuus
