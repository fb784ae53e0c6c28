#include "connectors/postgres/item_queries.h"

#include "connectors/postgres/pg_arrays.h"

#include <pqxx/pqxx>

namespace valtuus {

const char* const kItemRowColumns =
    "i.id, i.run_id, i.kind, i.state, i.version, coalesce(e.account, ''), "
    "  coalesce(e.display_name, ''), coalesce(e.department, ''), coalesce(e.title, ''), "
    "  i.mandate_id, m.name_fi, m.service, i.reason, i.map_id, "
    "  CASE WHEN i.policy_file = '' THEN '' ELSE i.policy_file || ':' || i.policy_line END, "
    "  i.waits_for_org_apply, "
    "  to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "  extract(day FROM now() - i.created_at)::int ";

ItemRow read_item_row(const pqxx::row& r, pqxx::row::size_type first) {
  auto at = [&](pqxx::row::size_type i) { return r[first + i]; };
  ItemRow row;
  row.id = at(0).as<long long>();
  row.run_id = at(1).as<long long>();
  row.kind = at(2).as<std::string>();
  row.state = at(3).as<std::string>();
  row.version = at(4).as<int>();
  row.account = at(5).as<std::string>();
  row.display_name = at(6).as<std::string>();
  row.department = at(7).as<std::string>();
  row.title = at(8).as<std::string>();
  row.mandate = at(9).as<std::string>();
  row.mandate_name_fi = at(10).as<std::string>();
  row.service = at(11).as<std::string>();
  row.reason = at(12).as<std::string>();
  row.map_id = at(13).as<std::string>();
  row.rule = at(14).as<std::string>();
  row.waits_for_org_apply = at(15).as<bool>();
  row.created_at = at(16).as<std::string>();
  row.age_days = at(17).as<int>();
  return row;
}

std::vector<ItemRow> list_items(pqxx::connection& connection, const ItemFilter& filter) {
  pqxx::read_transaction txn(connection);
  std::optional<std::string> kind = filter.kind;
  auto result = txn.exec_params(
      std::string("SELECT ") + kItemRowColumns +
          " "
          "FROM change_item i "
          "JOIN mandate_issue m ON m.id = i.mandate_id "
          "LEFT JOIN employee e ON e.key = i.employee_key "
          "WHERE i.state = ANY($1::text[]) AND ($2::text IS NULL OR i.kind = $2) "
          "  AND ($3::text IS NULL OR lower(btrim(e.department)) = lower(btrim($3))) "
          "  AND ($4::text IS NULL OR i.mandate_id = $4) "
          "  AND ($5::int IS NULL OR i.created_at <= now() - make_interval(days => $5)) "
          "ORDER BY CASE i.kind WHEN 'revoke' THEN 0 WHEN 'org_apply' THEN 1 ELSE 2 END, "
          "  coalesce(e.department, ''), coalesce(e.account, ''), i.mandate_id, i.id",
      text_array_literal(filter.states), kind, filter.department, filter.mandate,
      filter.older_than_days);
  std::vector<ItemRow> rows;
  rows.reserve(result.size());
  for (const auto& r : result) rows.push_back(read_item_row(r));
  return rows;
}

}  // namespace valtuus
