#include "connectors/postgres/item_states.h"

#include "core/change_item.h"

namespace valtuus {

std::vector<std::string> open_state_names() {
  std::vector<std::string> names;
  for (ItemState state : open_item_states()) names.push_back(to_string(state));
  return names;
}

const std::string& open_states_sql() {
  static const std::string list = [] {
    std::string sql = "(";
    for (const std::string& name : open_state_names())
      sql += (sql.size() > 1 ? ", '" : "'") + name + "'";
    return sql + ")";
  }();
  return list;
}

}  // namespace valtuus
