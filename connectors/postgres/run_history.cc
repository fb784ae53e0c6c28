#include "connectors/postgres/run_history.h"

#include <pqxx/pqxx>

#include "connectors/postgres/state_queries.h"
#include "connectors/postgres/sync_store_native.h"

namespace valtuus {

std::optional<std::size_t> RunHistory::last_complete_read_size() {
  return translate_sync_errors([&]() -> std::optional<std::size_t> {
    // One statement: outside a transaction it is one round trip instead of three, before
    // every full read.
    pqxx::nontransaction txn(*store_.native().connection);
    const pqxx::result rows = txn.exec(
        "SELECT entries_read FROM sync_run WHERE snapshot_complete ORDER BY id DESC LIMIT 1");
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::size_t>();
  });
}

std::optional<StoredBase> RunHistory::last_complete_base() {
  return translate_sync_errors([&]() -> std::optional<StoredBase> {
    pqxx::read_transaction txn(*store_.native().connection);
    const pqxx::result last =
        txn.exec("SELECT watermark FROM sync_run WHERE snapshot_complete ORDER BY id DESC LIMIT 1");
    if (last.empty()) return std::nullopt;
    StoredBase base;
    base.watermark = last[0][0].as<std::string>();
    if (base.watermark.empty()) return std::nullopt;
    base.snapshot = load_last_snapshot(txn);
    return base;
  });
}

std::optional<std::chrono::seconds> RunHistory::last_full_read_age() {
  return translate_sync_errors([&] {
    pqxx::read_transaction txn(*store_.native().connection);
    return valtuus::last_full_read_age(txn);
  });
}

}  // namespace valtuus
