#include "connectors/postgres/staff_queries.h"

#include <cctype>

#include "connectors/postgres/pg_arrays.h"
#include "core/calendar.h"
#include "core/errors.h"
#include "core/grant_import.h"

namespace valtuus {

namespace {

std::optional<std::chrono::sys_days> optional_day(const pqxx::field& field, const char* what) {
  if (field.is_null()) return std::nullopt;
  const std::string text = field.as<std::string>();
  const auto day = parse_iso_date(text);
  if (!day) throw DataError(std::string(what) + ": '" + text + "' is not a date");
  return std::chrono::sys_days{*day};
}

}  // namespace

bool is_employee_ref(const std::string& ref) {
  if (ref.size() != 36) return false;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? ref[i] != '-' : !std::isxdigit(static_cast<unsigned char>(ref[i]))) return false;
  }
  return true;
}

std::optional<StaffView> load_staff_view(pqxx::transaction_base& txn, const std::string& ref) {
  if (!is_employee_ref(ref)) return std::nullopt;
  const auto people = txn.exec_params(
      "SELECT key, web_ref::text, account, display_name, department, title, ou, dn, manager_dn, "
      "  status, groups, extract(epoch FROM role_changed_at)::bigint, "
      "  extract(epoch FROM left_at)::bigint FROM employee WHERE web_ref = $1::uuid",
      ref);
  if (people.empty()) return std::nullopt;
  StaffView view;
  const auto& p = people[0];
  view.person = {p[0].as<std::string>(),
                 p[1].as<std::string>(),
                 p[2].as<std::string>(),
                 p[3].as<std::string>(),
                 p[4].as<std::string>(),
                 p[5].as<std::string>(),
                 p[6].as<std::string>(),
                 p[7].as<std::string>(),
                 p[8].as<std::string>(),
                 p[9].as<std::string>(),
                 parse_text_array(p[10].as<std::string>()),
                 TimePoint{std::chrono::seconds{p[11].as<long long>()}},
                 std::nullopt};
  if (!p[12].is_null())
    view.person.left_at = TimePoint{std::chrono::seconds{p[12].as<long long>()}};
  const std::string& key = view.person.key;
  for (const auto& r :
       txn.exec_params("SELECT mandate_id, valid_from::text, valid_until::text FROM grant_ledger "
                       "WHERE employee_key = $1 AND revoked_at IS NULL ORDER BY mandate_id",
                       key)) {
    view.held.push_back({r[0].as<std::string>(), r[1].as<std::string>(),
                         optional_day(r[2], "grant_ledger.valid_until")});
  }
  for (const auto& r : txn.exec_params(
           "SELECT id, kind, state, mandate_id, (created_at AT TIME ZONE 'UTC')::date::text, "
           "  waits_for_org_apply FROM change_item WHERE employee_key = $1 "
           "  AND state IN ('proposed', 'approved', 'applied', 'held') ORDER BY id",
           key)) {
    view.items.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(),
                          r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<bool>()});
  }
  for (const auto& r : txn.exec_params(
           "SELECT r.id, r.mandate_id, r.why, r.state, r.requested_by, "
           "  (r.requested_at AT TIME ZONE 'UTC')::date::text, r.valid_until::text, "
           "  i.id, coalesce(i.state, ''), coalesce(i.decision_note, '') "
           "FROM manual_request r LEFT JOIN LATERAL (SELECT id, state, decision_note "
           "  FROM change_item WHERE request_id = r.id ORDER BY id DESC LIMIT 1) i ON true "
           "WHERE r.employee_key = $1 ORDER BY r.id DESC",
           key)) {
    StaffOrder order{r[0].as<long long>(),
                     r[1].as<std::string>(),
                     r[2].as<std::string>(),
                     r[3].as<std::string>(),
                     r[4].as<std::string>(),
                     r[5].as<std::string>(),
                     r[6].is_null() ? "" : r[6].as<std::string>(),
                     std::nullopt,
                     r[8].as<std::string>(),
                     r[9].as<std::string>()};
    if (!r[7].is_null()) order.item = r[7].as<long long>();
    if (order.state == "pending" || order.state == "approved") {
      ManualRequest request;
      request.id = order.id;
      request.employee_key = key;
      request.mandate = order.mandate;
      request.why = order.why;
      request.until = optional_day(r[6], "manual_request.valid_until");
      view.requests.push_back(std::move(request));
    }
    view.orders.push_back(std::move(order));
  }
  for (const auto& r : txn.exec("SELECT mandate_id FROM organisation_holding"))
    view.organisation_rights.insert(r[0].as<std::string>());
  for (const auto& r : txn.exec("SELECT id, name_fi, name_sv, name_en, service FROM mandate_issue"))
    view.themes[r[0].as<std::string>()] = {r[1].as<std::string>(), r[2].as<std::string>(),
                                           r[3].as<std::string>(), r[4].as<std::string>()};
  return view;
}

std::set<std::string> load_organisation_rights(pqxx::transaction_base& txn) {
  std::set<std::string> rights;
  for (const auto& r : txn.exec("SELECT mandate_id FROM organisation_holding"))
    rights.insert(r[0].as<std::string>());
  return rights;
}

}  // namespace valtuus
