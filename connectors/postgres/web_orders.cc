#include "connectors/postgres/web_orders.h"

#include "connectors/postgres/web_decisions.h"

namespace valtuus {

namespace {

constexpr const char* kPersonColumns =
    "e.key, e.account, e.display_name, e.department, e.title, e.status, e.dn, e.manager_dn, "
    "coalesce(c.masked, '') ";

OrderPerson read_person(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
          r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
          r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<std::string>()};
}

constexpr const char* kThemeColumns =
    "m.id, m.name_fi, m.name_sv, m.name_en, m.service, "
    "CASE WHEN m.organisation_holds OR h.mandate_id IS NOT NULL THEN 1 ELSE 2 END, "
    "m.max_validity_days ";

CatalogTheme read_theme(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
          r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<int>(),
          r[6].as<int>()};
}

// Runs one order in its own transaction and returns the id the function gave.
template <typename... Args>
long long order(pqxx::connection& connection, const std::string& sql, Args&&... args) {
  try {
    pqxx::work txn(connection);
    const auto id = txn.exec_params1(sql, std::forward<Args>(args)...)[0].template as<long long>();
    txn.commit();
    return id;
  } catch (const pqxx::failure&) {  // sql_error, and transaction_rollback in libpqxx 6.4
    throw_web_refusal();
  }
}

}  // namespace

std::optional<OrderPerson> WebOrders::person(const std::string& account) {
  pqxx::read_transaction txn(connection_);
  const auto rows = txn.exec_params(
      std::string("SELECT ") + kPersonColumns +
          "FROM employee e LEFT JOIN identity_code c ON c.employee_key = e.key "
          "WHERE lower(e.account) = lower($1) ORDER BY (e.status = 'left'), e.updated_at DESC "
          "LIMIT 1",
      account);
  if (rows.empty()) return std::nullopt;
  return read_person(rows[0]);
}

std::vector<OrderPerson> WebOrders::direct_reports(const OrderPerson& manager) {
  std::vector<OrderPerson> out;
  if (manager.dn.empty() || manager.status == "left") return out;
  pqxx::read_transaction txn(connection_);
  for (const auto& row :
       txn.exec_params(std::string("SELECT ") + kPersonColumns +
                           "FROM employee e LEFT JOIN identity_code c ON c.employee_key = e.key "
                           "WHERE e.manager_dn <> '' AND lower(e.manager_dn) = lower($1) "
                           "  AND e.status <> 'left' ORDER BY e.display_name, e.account",
                       manager.dn)) {
    out.push_back(read_person(row));
  }
  return out;
}

std::vector<CatalogTheme> WebOrders::search_catalog(const std::string& text,
                                                    const std::string& language, int limit) {
  pqxx::read_transaction txn(connection_);
  const std::string name = language == "sv"   ? "m.name_sv"
                           : language == "en" ? "m.name_en"
                                              : "m.name_fi";
  // The text is a parameter matched with strpos, never a LIKE pattern: % and _ are letters.
  auto rows = txn.exec_params(
      std::string("SELECT ") + kThemeColumns +
          "FROM mandate_issue m LEFT JOIN organisation_holding h ON h.mandate_id = m.id "
          "WHERE $1 = '' OR strpos(lower(" +
          name +
          "), lower($1)) > 0 "
          "  OR strpos(lower(m.id), lower($1)) > 0 OR strpos(lower(m.name_fi), lower($1)) > 0 "
          "  OR strpos(lower(m.name_sv), lower($1)) > 0 "
          "  OR strpos(lower(m.name_en), lower($1)) > 0 "
          "ORDER BY (strpos(lower(" +
          name + "), lower($1)) = 0), " + name + ", m.id LIMIT $2",
      text, limit);
  std::vector<CatalogTheme> out;
  for (const auto& row : rows) out.push_back(read_theme(row));
  return out;
}

std::optional<CatalogTheme> WebOrders::theme(const std::string& id) {
  pqxx::read_transaction txn(connection_);
  const auto rows = txn.exec_params(
      std::string("SELECT ") + kThemeColumns +
          "FROM mandate_issue m LEFT JOIN organisation_holding h ON h.mandate_id = m.id "
          "WHERE m.id = $1",
      id);
  if (rows.empty()) return std::nullopt;
  return read_theme(rows[0]);
}

ThemeStanding WebOrders::standing(const std::string& employee_key, const std::string& mandate) {
  pqxx::read_transaction txn(connection_);
  // The database's own rule, the one create_request_as refuses by.
  const std::string standing =
      txn.exec_params1("SELECT mandate_standing($1, $2)", employee_key, mandate)[0]
          .as<std::string>();
  if (standing == "held") return ThemeStanding::kHeld;
  if (standing == "coming") return ThemeStanding::kComing;
  if (standing == "ordered") return ThemeStanding::kOrdered;
  return ThemeStanding::kNone;
}

std::vector<OrderRow> WebOrders::orders_of(const std::string& employee_key) {
  pqxx::read_transaction txn(connection_);
  std::vector<OrderRow> out;
  for (const auto& r : txn.exec_params(
           "SELECT r.id, r.mandate_id, m.name_fi, m.name_sv, m.name_en, r.state, r.requested_by, "
           "  (r.requested_at AT TIME ZONE 'UTC')::date::text, coalesce(r.valid_until::text, '') "
           "FROM manual_request r JOIN mandate_issue m ON m.id = r.mandate_id "
           "WHERE r.employee_key = $1 ORDER BY r.requested_at DESC, r.id DESC LIMIT 100",
           employee_key)) {
    out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                   r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<std::string>()});
  }
  return out;
}

long long WebOrders::create_request(const std::string& person, const std::string& account,
                                    const std::string& mandate, const std::string& why,
                                    const std::optional<std::string>& until) {
  return order(connection_, "SELECT web_create_request($1, $2, $3, $4, $5::date)", person, account,
               mandate, why, until);
}

void WebOrders::store_identity_code(const std::string& person, const std::string& account,
                                    const std::vector<unsigned char>& ciphertext,
                                    const std::vector<unsigned char>& nonce,
                                    const std::vector<unsigned char>& match_hash,
                                    const std::string& masked) {
  auto bytes = [](const std::vector<unsigned char>& b) {
    return pqxx::binarystring(b.data(), b.size());
  };
  order(connection_, "SELECT web_store_identity_code($1, $2, $3, $4, $5, $6)", person, account,
        bytes(ciphertext), bytes(nonce), bytes(match_hash), masked);
}

long long WebOrders::request_theme(const std::string& person, const std::string& account,
                                   const std::string& description, const std::string& why) {
  return order(connection_, "SELECT web_request_theme($1, $2, $3, $4)", person, account,
               description, why);
}

std::vector<ThemeRequestRow> WebOrders::open_theme_requests() {
  pqxx::read_transaction txn(connection_);
  std::vector<ThemeRequestRow> out;
  for (const auto& r :
       txn.exec("SELECT t.id, e.account, e.display_name, e.department, t.description, t.why, "
                "  t.requested_by, (t.requested_at AT TIME ZONE 'UTC')::date::text "
                "FROM theme_request t JOIN employee e ON e.key = t.employee_key "
                "WHERE t.state = 'open' ORDER BY t.requested_at, t.id LIMIT 500")) {
    out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                   r[6].as<std::string>(), r[7].as<std::string>()});
  }
  return out;
}

void WebOrders::close_theme_request(const std::string& person, long long id,
                                    const std::string& note) {
  order(connection_, "SELECT web_close_theme_request($1, $2, $3)", person, id, note);
}

}  // namespace valtuus
