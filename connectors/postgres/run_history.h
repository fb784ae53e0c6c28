// What the daemon reads of the runs before its own: the size of the last complete read (so
// that the first read after a start is judged like any other), the base of an incremental read
// (the watermark of the last complete run and the employees as stored), and the age of the
// last complete full read (the schedule of full reads continues from it). Read-only; each call
// is its own read-only transaction. Errors as in sync_store.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "connectors/postgres/sync_store.h"
#include "core/employee.h"

namespace valtuus {

// Where the last complete read left off.
struct StoredBase {
  std::string watermark;  // as stored (encode(Watermark)); never empty
  Snapshot snapshot;      // the employees as the runs stored them (load_last_snapshot)
};

class RunHistory {
 public:
  // `store` must outlive the history.
  explicit RunHistory(SyncStore& store) : store_(store) {}

  // entries_read of the newest run whose read was complete; nullopt when there is none.
  std::optional<std::size_t> last_complete_read_size();

  // The newest complete run's watermark and the employees as stored; nullopt when there is no
  // complete run, or it has no watermark.
  std::optional<StoredBase> last_complete_base();

  // How long ago the last complete full read began, by the database's clock; nullopt when no
  // run read the whole directory completely yet.
  std::optional<std::chrono::seconds> last_full_read_age();

 private:
  SyncStore& store_;
};

}  // namespace valtuus
