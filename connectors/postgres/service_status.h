// What the daemon reports about the work waiting for people, beside its own run: items and held
// runs waiting (--check), the figures of the metrics file, and the audit trail's newest event
// (the anchor line logged after each run). Read-only; each call is its own read-only
// transaction. Errors as in sync_store.h.
#pragma once

#include <optional>

#include "connectors/postgres/store_metrics.h"
#include "connectors/postgres/sync_store.h"
#include "core/audit_anchor.h"

namespace valtuus {

class ServiceStatus {
 public:
  // `store` must outlive the status.
  explicit ServiceStatus(SyncStore& store) : store_(store) {}

  // Change items waiting for a person (in one of kOpenItemStates), plus held runs without
  // items (after an incomplete read), which still wait for a person to look.
  long long items_waiting();

  // Open items by state, kind and age; held runs; the last recorded run (metrics_queries.h).
  StoreMetrics store_metrics();

  // The audit trail's newest event; nullopt when the trail is empty.
  std::optional<AuditHead> audit_head();

 private:
  SyncStore& store_;
};

}  // namespace valtuus
