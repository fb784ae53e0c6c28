#include "tests/support/test_logins.h"

#include <unistd.h>

#include <atomic>
#include <pqxx/pqxx>

#include "tests/support/test_env.h"

namespace valtuus::testing {

namespace {
std::atomic<int> counter{0};  // one per process, so that roles of all tests differ
}  // namespace

TestLogins::TestLogins() : suffix_(std::to_string(::getpid()) + "_" + std::to_string(counter++)) {}

TestLogins::~TestLogins() {
  try {
    pqxx::connection admin(test_env().pg_conninfo());
    pqxx::nontransaction txn(admin);
    for (const auto& name : created_) txn.exec("DROP ROLE IF EXISTS " + txn.quote_name(name));
  } catch (...) {
    // a leftover role in the private test cluster is harmless
  }
}

std::string TestLogins::make(const std::string& person, const std::string& group) {
  const std::string name = person + "_" + suffix_;
  pqxx::connection admin(test_env().pg_conninfo());
  pqxx::nontransaction txn(admin);
  txn.exec("CREATE ROLE " + txn.quote_name(name) + " LOGIN IN ROLE " + txn.quote_name(group));
  created_.push_back(name);
  return name;
}

}  // namespace valtuus::testing
