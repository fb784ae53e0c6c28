#include "connectors/postgres/web_store.h"
#include "connectors/postgres/item_states.h"

#include <mutex>
#include <pqxx/pqxx>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/report_policy.h"
#include "core/errors.h"

namespace valtuus {

struct WebStore::Pool {
  DatabaseOptions options;
  std::mutex mutex;
  std::vector<std::unique_ptr<pqxx::connection>> idle;

  std::unique_ptr<pqxx::connection> take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto connection = std::move(idle.back());
        idle.pop_back();
        return connection;
      }
    }
    return connect_database(options);
  }
  void give_back(std::unique_ptr<pqxx::connection> connection) {
    if (!connection->is_open()) return;
    std::lock_guard lock(mutex);
    idle.push_back(std::move(connection));
  }
};

namespace {

// Runs `work` on a pooled connection; a connection that broke is not returned to the pool.
template <typename Work>
auto with_connection(WebStore::Pool& pool, Work&& work) {
  auto connection = pool.take();
  try {
    auto result = work(*connection);
    pool.give_back(std::move(connection));
    return result;
  } catch (const pqxx::broken_connection& e) {
    throw TransientError(std::string("database connection lost: ") + e.what());
  } catch (...) {
    pool.give_back(std::move(connection));
    throw;
  }
}

}  // namespace

WebStore::WebStore(DatabaseOptions options) : pool_(std::make_unique<Pool>()) {
  pool_->options = std::move(options);
}

WebStore::~WebStore() = default;

void WebStore::require_current_schema() {
  with_connection(*pool_, [](pqxx::connection& connection) {
    valtuus::require_current_schema(connection);
    return 0;
  });
}

QueuePage WebStore::queue(const QueueFilter& filter) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    const std::vector<std::string> open = open_state_names();
    const std::vector<std::string> states = filter.state ? std::vector{*filter.state} : open;
    const int page = std::max(filter.page, 1);
    pqxx::read_transaction txn(connection);
    // One row more than the page, to know whether there is a next page.
    auto result = txn.exec_params(
        std::string("SELECT ") + kItemRowColumns +
            "FROM change_item i JOIN mandate_issue m ON m.id = i.mandate_id "
            "LEFT JOIN employee e ON e.key = i.employee_key "
            "WHERE i.state = ANY($1::text[]) AND i.state = ANY($2::text[]) "
            "  AND ($3::text IS NULL OR i.kind = $3) "
            "  AND ($4::text IS NULL OR lower(btrim(e.department)) = lower(btrim($4))) "
            "  AND ($5::text IS NULL OR i.mandate_id = $5) "
            "  AND ($6::int IS NULL OR i.created_at <= now() - make_interval(days => $6)) "
            "  AND ($9::int IS NULL OR $9 = CASE WHEN i.kind = 'org_apply' "
            "       OR i.waits_for_org_apply THEN 2 ELSE 1 END) "
            "ORDER BY CASE i.kind WHEN 'revoke' THEN 0 WHEN 'org_apply' THEN 1 ELSE 2 END, "
            "  coalesce(e.department, ''), coalesce(e.account, ''), i.mandate_id, i.id "
            "LIMIT $7 OFFSET $8",
        text_array_literal(states), text_array_literal(open), filter.kind, filter.department,
        filter.mandate, filter.older_than_days, filter.page_size + 1,
        static_cast<long long>(page - 1) * filter.page_size, filter.path);
    QueuePage out;
    for (const auto& row : result) {
      if (static_cast<int>(out.items.size()) == filter.page_size) {
        out.has_next = true;
        break;
      }
      out.items.push_back(read_item_row(row));
    }
    return out;
  });
}

std::optional<ItemDetail> WebStore::item(long long id) {
  return with_connection(*pool_, [&](pqxx::connection& connection) -> std::optional<ItemDetail> {
    try {
      return load_item_detail(connection, id);
    } catch (const DataError&) {
      return std::nullopt;
    }
  });
}

std::vector<RunRow> WebStore::held_runs() {
  return with_connection(
      *pool_, [&](pqxx::connection& connection) { return list_runs(connection, true, 200); });
}

std::optional<RunDetail> WebStore::run(long long id) {
  return with_connection(*pool_, [&](pqxx::connection& connection) -> std::optional<RunDetail> {
    try {
      return load_run(connection, id);
    } catch (const DataError&) {
      return std::nullopt;
    }
  });
}

std::vector<LeaverRow> WebStore::leavers(const ReportFilter& filter,
                                         const std::vector<std::string>& leavers_ous) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    ReportSnapshot txn(connection);
    return leavers_report(txn, filter, std::nullopt, leavers_ous);
  });
}

SlaReport WebStore::sla(const ReportFilter& filter, int path1_days, int path2_days,
                        int period_days) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    ReportSnapshot txn(connection);
    return sla_report(txn, filter, path1_days, path2_days, period_days);
  });
}

std::vector<ExpiringRow> WebStore::expiring(const ReportFilter& filter, int within_days) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    ReportSnapshot txn(connection);
    return expiring_report(txn, filter, within_days);
  });
}

OversightView WebStore::oversight_view(TimePoint now) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    ReportSnapshot txn(connection);
    return load_oversight_view(txn, now);
  });
}

std::vector<AuditEventRow> WebStore::item_audit(long long item) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    pqxx::read_transaction txn(connection);
    return item_audit_events(txn, item);
  });
}

std::optional<StaffView> WebStore::staff_view(const std::string& ref) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    ReportSnapshot txn(connection);
    return load_staff_view(txn, ref);
  });
}

std::set<std::string> WebStore::organisation_rights() {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    pqxx::read_transaction txn(connection);
    return load_organisation_rights(txn);
  });
}

RecordedLogin WebStore::record_login(const WebLogin& login) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).record_login(login);
  });
}

int WebStore::approve(const std::string& person, long long item, int version) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).approve(person, item, version);
  });
}

int WebStore::reject(const std::string& person, long long item, int version,
                     const std::string& reason, const std::optional<std::string>& exception_until) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).reject(person, item, version, reason, exception_until);
  });
}

int WebStore::applied(const std::string& person, long long item, int version,
                      const std::string& note) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).applied(person, item, version, note);
  });
}

int WebStore::failed(const std::string& person, long long item, int version,
                     const std::string& reason) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).failed(person, item, version, reason);
  });
}

int WebStore::done(const std::string& person, long long item, int version,
                   const std::optional<std::string>& executed_at,
                   const std::optional<std::string>& valid_until, const std::string& note) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).done(person, item, version, executed_at, valid_until, note);
  });
}

int WebStore::approve_all(const std::string& person,
                          const std::vector<std::pair<long long, int>>& items,
                          const std::string& comment) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).approve_all(person, items, comment);
  });
}

int WebStore::release_run(const std::string& person, long long run, const std::string& note) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).release_run(person, run, note);
  });
}

int WebStore::discard_run(const std::string& person, long long run, const std::string& reason) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).discard_run(person, run, reason);
  });
}

RevealedIdentityCode WebStore::reveal_identity_code(const std::string& person, long long item) {
  return with_connection(*pool_, [&](pqxx::connection& connection) {
    return WebDecisions(connection).reveal_identity_code(person, item);
  });
}

std::optional<std::string> WebStore::employee_ref_of(const std::string& account) {
  return with_connection(*pool_, [&](pqxx::connection& connection) -> std::optional<std::string> {
    pqxx::read_transaction txn(connection);
    const pqxx::result rows = txn.exec_params(
        "SELECT web_ref::text FROM employee WHERE lower(account) = lower($1) "
        "  AND status <> 'left' ORDER BY key LIMIT 1",
        account);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
  });
}

void WebStore::with_orders(const std::function<void(WebOrders&)>& work) {
  with_connection(*pool_, [&](pqxx::connection& connection) {
    WebOrders orders(connection);
    work(orders);
    return 0;
  });
}

}  // namespace valtuus
