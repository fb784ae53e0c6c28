// What the console's order form asks of the database (sql/015_orders.sql): the person and
// their direct reports, the catalog searched by name, what a person already holds, has coming
// or has ordered, and the orders themselves, made for the logged-in person by web_* functions
// that apply the rules (who may order for whom, no duplicate, the end date) whatever the page
// checked. Each call is one transaction on `connection`, a login in valtuus_console. Refusals
// come as WebRefusal (web_decisions.h).
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace valtuus {

// An employee as the order form shows them.
struct OrderPerson {
  std::string key;
  std::string account;
  std::string display_name;
  std::string department;
  std::string title;
  std::string status;  // active, long_leave, left
  std::string dn;
  std::string manager_dn;
  std::string identity_code_masked;  // "" when none is stored
};

// One theme of the catalog. Path 1: the organisation can grant it (it holds the right to
// grant, from the catalog or a done org_apply); path 2: it must apply to DVV first.
struct CatalogTheme {
  std::string id;
  std::string name_fi, name_sv, name_en;
  std::string service;
  int path = 1;
  int max_validity_days = 0;
};

// Why an order of a theme for a person would be refused, or kNone.
enum class ThemeStanding { kNone, kHeld, kComing, kOrdered };

// An order form (manual_request) of a person, as the person's page lists it.
struct OrderRow {
  long long id = 0;
  std::string mandate;
  std::string mandate_name_fi, mandate_name_sv, mandate_name_en;
  std::string state;  // pending, approved, rejected, withdrawn
  std::string requested_by;
  std::string requested_at;  // ISO date
  std::string valid_until;   // ISO date or ""
};

// A theme missing from the catalog, asked for in free text.
struct ThemeRequestRow {
  long long id = 0;
  std::string account;
  std::string display_name;
  std::string department;
  std::string description;
  std::string why;
  std::string requested_by;
  std::string requested_at;  // ISO date
};

class WebOrders {
 public:
  explicit WebOrders(pqxx::connection& connection) : connection_(connection) {}

  // The person of `account` (not a leaver when another row has the same account); nullopt
  // when the directory read never listed them.
  std::optional<OrderPerson> person(const std::string& account);
  // The people whose `manager` names `manager`'s DN, leavers left out, by name.
  std::vector<OrderPerson> direct_reports(const OrderPerson& manager);

  // Themes whose id or name in any language contains `text` (ignoring case), those whose name
  // in `language` matches first; at most `limit`. Empty `text`: the whole catalog.
  std::vector<CatalogTheme> search_catalog(const std::string& text, const std::string& language,
                                           int limit);
  std::optional<CatalogTheme> theme(const std::string& id);

  ThemeStanding standing(const std::string& employee_key, const std::string& mandate);
  std::vector<OrderRow> orders_of(const std::string& employee_key);

  // Returns the order's id. Throws WebRefusal.
  long long create_request(const std::string& person, const std::string& account,
                           const std::string& mandate, const std::string& why,
                           const std::optional<std::string>& until);  // ISO date
  // The employee's identity code as they typed it on the form, sealed by the caller
  // (common/identity_crypto.h); refused when one is stored already. Throws WebRefusal.
  void store_identity_code(const std::string& person, const std::string& account,
                           const std::vector<unsigned char>& ciphertext,
                           const std::vector<unsigned char>& nonce,
                           const std::vector<unsigned char>& match_hash, const std::string& masked);
  long long request_theme(const std::string& person, const std::string& account,
                          const std::string& description, const std::string& why);

  std::vector<ThemeRequestRow> open_theme_requests();
  void close_theme_request(const std::string& person, long long id, const std::string& note);

 private:
  pqxx::connection& connection_;
};

}  // namespace valtuus
