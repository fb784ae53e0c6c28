// What the web console asks of the database: record a person's login and their roles, and
// decide on items for that person (sql/010_web.sql). The database checks the roles, the
// version seen, four eyes and held runs; this layer turns its refusals into WebRefusal, so
// that the console can answer each kind in words and never sees SQL or pqxx.
#pragma once

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/identity_crypto.h"

namespace valtuus {

class WebRefusal : public std::runtime_error {
 public:
  enum class Kind {
    kStale,       // the item changed since the person's page showed it
    kNotAllowed,  // the person's roles, four eyes, or no current login
    kNotFound,    // no such item
    kInvalid,     // the state machine or a value (a reason missing, a date out of range)
  };
  WebRefusal(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// Inside a catch block of a pqxx::failure raised by a web_* function: throws the WebRefusal of
// its kind, or rethrows what is no refusal (a lost connection).
[[noreturn]] void throw_web_refusal();

struct WebLogin {
  std::string account;  // sAMAccountName
  std::string display_name;
  std::vector<std::string> roles;                   // of "reviewer", "security", "admin"
  std::chrono::seconds session_lifetime{8 * 3600};  // at most a day
};

// An identity code as the database gives it: sealed, for the console to open with its key.
struct RevealedIdentityCode {
  std::string employee_key, display_name, account;
  SealedIdentityCode sealed;
};

// A login as the database recorded it. `roles` adds "employee" to the directory groups' roles
// when the account is an active employee in the last read (sql/014_staff.sql); empty roles:
// the console opens no session.
struct RecordedLogin {
  std::string account;             // as stored (lower case)
  std::vector<std::string> roles;  // sorted
  std::string employee_key;        // empty: not an active employee
  std::string employee_ref;        // employee.web_ref, the key of their pages' addresses
};

// Each call is one committed transaction on `connection`, a login in valtuus_console.
class WebDecisions {
 public:
  explicit WebDecisions(pqxx::connection& connection) : connection_(connection) {}

  RecordedLogin record_login(const WebLogin& login);

  // Each returns the item's new version. Throws WebRefusal.
  int approve(const std::string& person, long long item, int version);
  int reject(const std::string& person, long long item, int version, const std::string& reason,
             const std::optional<std::string>& exception_until);  // ISO date or timestamp
  int applied(const std::string& person, long long item, int version, const std::string& note);
  int done(const std::string& person, long long item, int version,
           const std::optional<std::string>& executed_at,  // ISO timestamp; absent: now
           const std::optional<std::string>& valid_until,  // ISO date; absent: the theme's
           const std::string& note);
  int failed(const std::string& person, long long item, int version, const std::string& reason);

  // Approves every (item, version) of `items` with one comment, all or nothing: the refusal of
  // any one (stale, four eyes, held) approves none and names that item. Returns the count.
  int approve_all(const std::string& person, const std::vector<std::pair<long long, int>>& items,
                  const std::string& comment);

  // A held run (sql/011_web_runs.sql): release needs the admin role, discard a reviewer or an
  // admin and a reason. Each returns how many held items moved. Throws WebRefusal.
  int release_run(const std::string& person, long long run, const std::string& note);
  int discard_run(const std::string& person, long long run, const std::string& reason);

  // The sealed identity code of an open item's person, for a reviewer or an administrator
  // (sql/013_web_pages.sql); the audit event naming the person is committed first. Throws
  // WebRefusal.
  RevealedIdentityCode reveal_identity_code(const std::string& person, long long item);

 private:
  pqxx::connection& connection_;
};

}  // namespace valtuus
