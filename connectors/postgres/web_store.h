// The web console's application layer over PostgreSQL: the reviewer's queue, one item, and
// the decisions (WebDecisions). Owns a small pool of connections (one per request at a time,
// as many as the console's threads), so web/ never handles a connection or SQL. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connectors/postgres/item_audit.h"
#include "connectors/postgres/item_detail.h"
#include "connectors/postgres/item_queries.h"
#include "connectors/postgres/postgres_options.h"
#include "connectors/postgres/report_queries.h"
#include "connectors/postgres/run_queries.h"
#include "connectors/postgres/staff_queries.h"
#include "connectors/postgres/web_decisions.h"
#include "connectors/postgres/web_orders.h"
#include "core/oversight.h"

namespace valtuus {

struct QueueFilter {
  std::optional<std::string> kind;
  std::optional<std::string> state;  // one of the open states; absent: all open
  std::optional<std::string> department;
  std::optional<std::string> mandate;
  std::optional<int> path;  // 1, or 2: an org_apply or a grant waiting for one
  std::optional<int> older_than_days;
  int page = 1;  // from 1
  int page_size = 50;
};

struct QueuePage {
  std::vector<ItemRow> items;
  bool has_next = false;
};

class WebStore {
 public:
  explicit WebStore(DatabaseOptions options);
  ~WebStore();
  WebStore(const WebStore&) = delete;
  WebStore& operator=(const WebStore&) = delete;

  // Connects once and throws ConfigError unless the database is at the schema version this
  // program knows (as valtuusd does at start); TransientError when the server cannot be reached.
  void require_current_schema();

  // Open items (proposed, approved, applied, held), leavers' revokes first, grouped by
  // department and person, `page_size` at a time.
  QueuePage queue(const QueueFilter& filter);
  // nullopt when there is no such item.
  std::optional<ItemDetail> item(long long id);

  // Sync runs held by the guard and not yet resolved, newest first (valtuusctl runs list --held).
  std::vector<RunRow> held_runs();
  // One run with its items and refused entries; nullopt when there is no such run.
  std::optional<RunDetail> run(long long id);

  // The oversight reports of valtuusctl report leavers | sla | expiring, each read from one
  // snapshot by the same queries (report_queries.h).
  std::vector<LeaverRow> leavers(const ReportFilter& filter,
                                 const std::vector<std::string>& leavers_ous);
  SlaReport sla(const ReportFilter& filter, int path1_days, int path2_days, int period_days);
  std::vector<ExpiringRow> expiring(const ReportFilter& filter, int within_days);
  // What valtuusctl report capability compares with the catalog, as at `now`.
  OversightView oversight_view(TimePoint now);
  // The audit events about one item, oldest first (item_audit.h).
  std::vector<AuditEventRow> item_audit(long long item);

  // One employee's pages (staff_queries.h), read in one snapshot; nullopt when no employee
  // has the reference. The caller decides whether the person asking may see it.
  std::optional<StaffView> staff_view(const std::string& ref);
  // The page reference (employee.web_ref) of the employee with this account, not a leaver.
  std::optional<std::string> employee_ref_of(const std::string& account);
  // The themes the organisation obtained the right to grant through path 2.
  std::set<std::string> organisation_rights();

  RecordedLogin record_login(const WebLogin& login);
  int approve(const std::string& person, long long item, int version);
  // `exception_until`: an ISO date until which the rejection stands as an accepted exception.
  int reject(const std::string& person, long long item, int version, const std::string& reason,
             const std::optional<std::string>& exception_until = std::nullopt);
  int applied(const std::string& person, long long item, int version, const std::string& note);
  int done(const std::string& person, long long item, int version,
           const std::optional<std::string>& executed_at,
           const std::optional<std::string>& valid_until, const std::string& note);
  int failed(const std::string& person, long long item, int version, const std::string& reason);
  int approve_all(const std::string& person, const std::vector<std::pair<long long, int>>& items,
                  const std::string& comment);
  int release_run(const std::string& person, long long run, const std::string& note);
  int discard_run(const std::string& person, long long run, const std::string& reason);
  RevealedIdentityCode reveal_identity_code(const std::string& person, long long item);

  // The order form's reads and orders (web_orders.h), on a pooled connection.
  void with_orders(const std::function<void(WebOrders&)>& work);

  struct Pool;  // connections not in use (web_store.cc)

 private:
  std::unique_ptr<Pool> pool_;
};

}  // namespace valtuus
