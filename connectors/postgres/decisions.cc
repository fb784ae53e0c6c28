#include "connectors/postgres/decisions.h"

#include <string>

namespace valtuus {

std::vector<std::pair<long long, int>> approve_items(pqxx::work& txn,
                                                     const std::vector<ItemVersion>& items) {
  // Two parallel array literals; the versions may hold NULL.
  std::string ids = "{", versions = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) {
      ids += ',';
      versions += ',';
    }
    ids += std::to_string(items[i].id);
    versions += items[i].version ? std::to_string(*items[i].version) : "NULL";
  }
  ids += '}';
  versions += '}';
  std::vector<std::pair<long long, int>> approved;
  approved.reserve(items.size());
  for (const auto& row : txn.exec_params(
           "SELECT u.id, approve_item(u.id, u.version) FROM unnest($1::bigint[], $2::int[]) "
           "WITH ORDINALITY AS u(id, version, position) ORDER BY u.position",
           ids, versions)) {
    approved.emplace_back(row[0].as<long long>(), row[1].as<int>());
  }
  return approved;
}

}  // namespace valtuus
