// Change items: what a mandate administrator reviews, approves and executes by hand in
// Suomi.fi. A proposed item is a value; its printed form is what a reviewer reads.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/compact_text.h"
#include "core/employee.h"
#include "core/policy.h"

namespace valtuus {

enum class ChangeKind {
  kGrant,     // path 1: the organisation can grant the theme to the employee
  kOrgApply,  // path 2: the organisation must first obtain the right to grant the theme
  kRevoke,    // leaver, mover, or theme no longer required
  kRenew,     // the grant's end date is near and the theme is still required
};

// kHeld: written by a run the guard held (core/guard.h); no one may decide it until a person
// releases the run (then kProposed) or discards it (then kDiscarded, final).
enum class ItemState {
  kProposed,
  kApproved,
  kApplied,
  kRejected,
  kSuperseded,
  kDone,
  kFailed,
  kHeld,
  kDiscarded,
};

std::string to_string(ChangeKind kind);
std::string to_string(ItemState state);
std::optional<ChangeKind> change_kind_from_string(const std::string& text);
std::optional<ItemState> item_state_from_string(const std::string& text);
// Open states: an item in one of these still waits for a person. A held item is open, so that
// the next run neither proposes it again nor duplicates it. The one list of them; every query
// and check that needs it uses this.
inline constexpr std::array<std::string_view, 4> kOpenItemStates = {"proposed", "approved",
                                                                    "applied", "held"};
const std::vector<ItemState>& open_item_states();  // kOpenItemStates as values
bool is_open(ItemState state);
// The open states a person can act on now: the open ones but held (whose run must be released
// first). What `changes list` shows by default.
std::vector<std::string> actionable_item_state_names();

// Why an item exists: the rule and the directory values that caused it.
struct Provenance {
  std::string map_id;   // the map that requires the theme (grant/renew), empty otherwise
  SourceLocation rule;  // the grant line of that map
  std::vector<std::pair<std::string, std::string>> matched;  // attribute → value that matched
};

struct ProposedItem {
  ChangeKind kind = ChangeKind::kGrant;
  std::string employee_key;  // empty for org_apply (it concerns the organisation)
  std::string mandate;       // catalog id
  std::string reason;        // human sentence: why this change
  Provenance provenance;
  std::string fingerprint;  // of the source values; a change of them supersedes exactly this item
  bool waits_for_org_apply = false;  // a grant that can be executed only after path 2 is done
};

// A grant recorded in the ledger: the employee holds the theme in Suomi.fi. Kept for every
// grant (150,000 at 100,000 people) between runs, so the key is shared with the history's
// (the store loads it so) and the theme with everyone's: 32 bytes a grant where two strings
// made it 80, and the key another 48 on the heap.
struct LedgerGrant {
  CountedText employee_key;
  SharedText mandate;
  std::optional<std::chrono::sys_days> valid_until;  // absent: no end date recorded
};

// An item still open in the store, as the reconcile needs to see it. The key and theme are
// shared as the ledger's are.
struct OpenItem {
  long long id = 0;
  ChangeKind kind = ChangeKind::kGrant;
  ItemState state = ItemState::kProposed;
  CountedText employee_key;
  SharedText mandate;
  std::string fingerprint;
};

struct PlanStats {
  int employees_read = 0;
  int leavers = 0;
  int on_long_leave = 0;
  int grants = 0;
  int org_applies = 0;
  int revokes = 0;
  int renews = 0;
  int superseded = 0;
  int unchanged = 0;         // open items still wanted as they are
  int revokes_in_grace = 0;  // revocations waiting for their grace period
  int suppressed = 0;        // changes a reviewer rejected (exceptions still in force)
  int refused_people = 0;    // people treated as not read because a deciding value was refused
};

// The result of one reconcile: items to add and open items to supersede.
struct Plan {
  std::vector<ProposedItem> add;
  std::vector<long long> supersede;  // ids of open items no longer wanted as they are
  // Employee keys seen as leavers in this snapshot, and, after a complete read, the stored
  // people it did not find (not yet recorded as absent). The store marks exactly these left.
  std::vector<std::string> leavers;
  // Those of `leavers` who are absent: stored people this complete read did not find.
  std::vector<std::string> absent{};
  std::vector<std::string> on_long_leave;  // employee keys on long leave
  std::vector<std::string> role_changed;   // keys whose department, title or OU changed now
  // Keys of people whose entry or a deciding value was refused in this read (refuses_person):
  // treated as not read: never leavers or movers, their items kept, their stored row unchanged.
  std::vector<std::string> refused{};
  // Keys of people with a revocation waiting for its grace period: time alone will change
  // their plan (the daemon reconciles them again in every cycle until it has).
  std::vector<std::string> in_grace{};
  PlanStats stats;

  bool empty() const { return add.empty() && supersede.empty(); }
};

// One line a reviewer can read, e.g. "+ grant kela-etuustiedot to aastrom: <reason>".
std::string describe(const ProposedItem& item);
std::string summary_line(const PlanStats& stats);

}  // namespace valtuus
