// PostgreSQL login roles for one test, members of the project's group roles (valtuus_daemon,
// valtuus_reviewer, ...), so that a test connects as a named person would; dropped afterwards.
#pragma once

#include <exception>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

namespace valtuus::testing {

class TestLogins {
 public:
  TestLogins();
  ~TestLogins();  // drops the roles (errors ignored: a leftover role is harmless)
  TestLogins(const TestLogins&) = delete;
  TestLogins& operator=(const TestLogins&) = delete;

  // Creates "<person>_<unique suffix>" as a login in `group`; returns its name.
  std::string make(const std::string& person, const std::string& group);

 private:
  std::string suffix_;
  std::vector<std::string> created_;
};

// Runs `sql` with the parameters in one committed transaction over `conninfo` (e.g. a test
// database as one login); returns the refusal's text, or "" when it succeeded.
template <typename... Args>
std::string try_sql(const std::string& conninfo, const std::string& sql, Args&&... args) {
  try {
    pqxx::connection c(conninfo);
    pqxx::work txn(c);
    txn.exec_params(sql, std::forward<Args>(args)...);
    txn.commit();
    return "";
  } catch (const std::exception& e) {  // every refusal: sql_error and its relatives
    return e.what();
  }
}

}  // namespace valtuus::testing
