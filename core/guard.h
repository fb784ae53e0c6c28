// The guard: the last check between a plan and the database (invariant 5). A run whose
// revocations are too many, by count or as a share of the grants in the ledger, or whose
// directory read was incomplete while it still revokes or supersedes, is stored as *held*: its
// items wait, invisible to decisions, until a person releases the run or discards it.
//
// Pure: no I/O, no clock. The caller counts the ledger's grants in the run's own transaction.
#pragma once

#include <string>

#include "core/change_item.h"

namespace valtuus {

// What the guard allows. Defaults are on: a deployment that wants no guard says so.
struct GuardOptions {
  bool enabled = true;  // guard.enabled: false stores every run as it is
  // guard.max_revokes: a run with more revocations than this is held (0: any revocation holds).
  int max_revokes = 50;
  // guard.max_revoke_percent: a run whose revocations are more than this share of the grants
  // in the ledger is held (100: never by share).
  int max_revoke_percent = 10;
  // guard.min_revokes_for_percent: the share applies only from this many revocations, so that
  // one leaver is never a mass change, however small the ledger (6 of 20 grants is 30%). A
  // person holds a handful of mandates (Porvoo: about 250 among 130 people).
  int min_revokes_for_percent = 10;
  // guard.hold_incomplete: a run after an incomplete read that still revokes or supersedes is
  // held. The reconcile itself never revokes on an incomplete read; this is the second lock.
  bool hold_incomplete = true;
  // guard.max_refused: a run whose read refused more entries than this (bad values, entries
  // without a usable key or account) is held. Those people are treated as not read and
  // revoked from nothing; many of them at once means a broken export or a hostile change,
  // which a person must hear about.
  int max_refused = 10;
};

struct GuardInput {
  const Plan& plan;
  // Grants recorded in the ledger and not revoked, before this run: the base of the share.
  // Grants rather than people, because a revocation ends one grant: the share then says how
  // much of what the organisation has given this run would take away.
  long long current_grants = 0;
  bool snapshot_complete = true;
  std::string incomplete_reason;  // the directory source's words, when not complete
  long long refused_entries = 0;  // entries with a refused value (refused_entry_count)
};

struct GuardVerdict {
  bool held = false;
  // Every limit the run exceeds, with its figures, joined by "; ", e.g.
  // "412 revocations exceed guard.max_revokes=50". Empty when not held.
  std::string reason;
};

GuardVerdict check_guard(const GuardInput& input, const GuardOptions& options);

}  // namespace valtuus
