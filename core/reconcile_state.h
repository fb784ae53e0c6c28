// What the reconcile needs besides the directory and the policy: the state kept in the
// database (ledger, open items, exceptions, approved requests, history) and the organisation's
// rules for leavers. Plain values, filled by the store, consumed by reconcile().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/change_item.h"
#include "core/compact_text.h"
#include "core/employee.h"

namespace valtuus {

// When the store last saw changes that start grace periods. Absent: not known yet (then the
// grace period starts now).
struct EmployeeHistory {
  std::optional<TimePoint> left_at;          // first seen as a leaver
  std::optional<TimePoint> role_changed_at;  // department, title or OU last changed
  // As last stored, to see a change in this read (compared folded). Shared between the people
  // who have the same value: kept for everyone, they would be most of the state's memory.
  SharedText department, title, ou;
  // As last stored, compared folded only: whom a refused entry without a key is.
  FoldedDigest dn{}, account{};
  // Stored as absent from an earlier complete read (already counted as having left then).
  bool absent = false;
  // The store's digest of the row as last written (0: unknown), so that it rewrites only the
  // rows whose values changed. The reconcile does not look at it.
  std::uint64_t stored_digest = 0;
};

// The history's hash: CountedText's, not declared noexcept on purpose. libstdc++ keeps a node's
// hash code in the node only for a hash it does not take for a cheap one, and it takes any
// noexcept hash but std::hash<std::string> for cheap; without the codes, every insert and
// look-up hashes again and compares the keys of the nodes it passes (at 100,000 people about a
// third of building the history).
struct HistoryKeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return CountedText::Hash{}(text); }
};

// The stored history by employee key. The key is shared with the ledger's and the open items'
// of the same person (the store loads them so), found by any text.
using HistoryMap =
    std::unordered_map<CountedText, EmployeeHistory, HistoryKeyHash, std::equal_to<>>;

// A rejected item: the same change is not proposed again while the values it came from (its
// fingerprint) stay the same and the exception has not expired.
struct ExceptionRecord {
  ChangeKind kind = ChangeKind::kGrant;
  std::string employee_key;  // empty for org_apply
  std::string mandate;
  std::string fingerprint;
  std::optional<TimePoint> until;  // absent: until the values change
};

// An approved order form (tilauslomake): a theme outside the person's maps, required until
// its end date.
struct ManualRequest {
  long long id = 0;
  std::string employee_key;
  std::string mandate;
  std::string why;
  std::optional<std::chrono::sys_days> until;  // absent: until revoked by a person
};

struct ReconcileState {
  std::vector<LedgerGrant> ledger;
  // The ledger is sorted by employee key (sort_ledger_by_employee, core/reconcile.h): a
  // reconcile restricted to a few people finds their grants by key, not by a pass over all.
  bool ledger_by_employee = false;
  std::vector<OpenItem> open_items;
  std::vector<ExceptionRecord> exceptions;
  std::vector<ManualRequest> requests;
  std::set<std::string> organisation_rights;  // themes granted to the organisation (path 2 done)
  HistoryMap history;                         // by employee key
};

// How the organisation tells leavers and people on long leave apart.
struct LeaverRules {
  // Values of the long-leave attribute that mean "on long leave" (compared folded); when empty,
  // any non-empty value does.
  std::vector<std::string> long_leave_values;
  // DNs of OUs (core/dn.h): an entry in one of them, or anywhere under it, is on long leave /
  // has left. Never bare names: "OU=Leavers" elsewhere in the tree is another OU.
  std::vector<std::string> long_leave_ous;
  std::vector<std::string> leavers_ous;
  std::chrono::days leaver_grace{0};  // wait this long after leaving before revoking
  std::chrono::days mover_grace{0};   // wait this long after a role change
};

}  // namespace valtuus
