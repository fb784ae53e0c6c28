#include "connectors/postgres/permission_hint.h"

#include <array>

namespace valtuus {

namespace {

constexpr std::string_view kPrefix = "permission denied for ";

// libpq's "ERROR:  " decoration and everything after the first line (DETAIL, CONTEXT).
std::string_view first_line(std::string_view message) {
  if (message.starts_with("ERROR:")) {
    message.remove_prefix(6);
    while (!message.empty() && message.front() == ' ') message.remove_prefix(1);
  }
  return message.substr(0, message.find('\n'));
}

// One query per kind; $1 is the object's name. Each returns (role, rights) rows for the
// product's group roles that hold some right, the object's owner left out (it holds all, and
// no one logs in as it).
std::string catalog_query(const std::string& kind) {
  const auto rights = [](std::string_view check, std::string_view oid,
                         std::initializer_list<const char*> privileges) {
    std::string list;
    for (const char* p : privileges) list += std::string(list.empty() ? "" : ",") + "'" + p + "'";
    return "array_to_string(ARRAY(SELECT p FROM unnest(ARRAY[" + list + "]) p WHERE " +
           std::string(check) + "(r.oid, " + std::string(oid) + ", p)), ', ')";
  };
  if (kind == "function" || kind == "procedure") {
    return "SELECT r.rolname, 'EXECUTE' FROM pg_proc o, pg_roles r WHERE o.proname = $1 AND "
           "pg_function_is_visible(o.oid) AND r.rolname LIKE 'valtuus\\_%' AND NOT r.rolcanlogin "
           "AND r.oid <> o.proowner AND has_function_privilege(r.oid, o.oid, 'EXECUTE') "
           "GROUP BY r.rolname ORDER BY r.rolname";
  }
  if (kind == "table" || kind == "view" || kind == "materialized view" || kind == "relation") {
    return "SELECT rolname, rights FROM (SELECT r.rolname, " +
           rights("has_table_privilege", "o.oid", {"SELECT", "INSERT", "UPDATE", "DELETE"}) +
           " AS rights FROM pg_class o, pg_roles r WHERE o.relname = $1 AND "
           "pg_table_is_visible(o.oid) AND r.rolname LIKE 'valtuus\\_%' AND NOT r.rolcanlogin "
           "AND r.oid <> o.relowner) x WHERE rights <> '' ORDER BY rolname";
  }
  if (kind == "sequence") {
    return "SELECT rolname, rights FROM (SELECT r.rolname, " +
           rights("has_sequence_privilege", "o.oid", {"USAGE", "SELECT", "UPDATE"}) +
           " AS rights FROM pg_class o, pg_roles r WHERE o.relname = $1 AND o.relkind = 'S' AND "
           "pg_table_is_visible(o.oid) AND r.rolname LIKE 'valtuus\\_%' AND NOT r.rolcanlogin "
           "AND r.oid <> o.relowner) x WHERE rights <> '' ORDER BY rolname";
  }
  if (kind == "schema") {
    return "SELECT rolname, rights FROM (SELECT r.rolname, " +
           rights("has_schema_privilege", "o.oid", {"USAGE", "CREATE"}) +
           " AS rights FROM pg_namespace o, pg_roles r WHERE o.nspname = $1 AND "
           "r.rolname LIKE 'valtuus\\_%' AND NOT r.rolcanlogin AND r.oid <> o.nspowner) x "
           "WHERE rights <> '' ORDER BY rolname";
  }
  return {};
}

}  // namespace

std::optional<DeniedObject> denied_object(std::string_view message) {
  const std::string_view line = first_line(message);
  if (!line.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = line.substr(kPrefix.size());
  // "materialized view" is the one kind of two words.
  static constexpr std::array<std::string_view, 7> kKinds = {
      "materialized view ", "function ", "procedure ", "table ", "view ", "sequence ", "schema "};
  for (std::string_view kind : kKinds) {
    if (!rest.starts_with(kind)) continue;
    std::string_view name = rest.substr(kind.size());
    // A qualified or quoted name: the catalog query looks the bare name up.
    if (const auto dot = name.rfind('.'); dot != std::string_view::npos)
      name.remove_prefix(dot + 1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    if (name.empty()) return std::nullopt;
    kind.remove_suffix(1);
    return DeniedObject{std::string(kind), std::string(name)};
  }
  return std::nullopt;
}

std::string roles_holding(pqxx::connection& connection, const DeniedObject& object) {
  const std::string query = catalog_query(object.kind);
  if (query.empty()) return {};
  pqxx::read_transaction txn(connection);
  std::string out;
  for (const auto& row : txn.exec_params(query, object.name)) {
    if (!out.empty()) out += ", ";
    out += row[0].as<std::string>() + " (" + row[1].as<std::string>() + ")";
  }
  return out;
}

std::string explain_permission_denied(std::string_view message, pqxx::connection* connection) {
  std::string line(first_line(message));
  const auto object = denied_object(message);
  if (!object || connection == nullptr) return line;
  try {
    const std::string holders = roles_holding(*connection, *object);
    pqxx::read_transaction txn(*connection);
    const std::string login = txn.exec1("SELECT session_user")[0].as<std::string>();
    if (holders.empty()) {
      return line + ": no role of the product holds a right on it (is the schema migrated?)";
    }
    // Which of them is meant (least privilege) depends on the program and the person: the
    // administrator chooses; the message names the candidates and the statement.
    return line + ": the login '" + login + "' needs a role that may: " + holders +
           "; an administrator grants one with GRANT <role> TO " + login;
  } catch (const std::exception&) {
    return line;  // the hint is a courtesy; the refusal itself is already known
  }
}

}  // namespace valtuus
