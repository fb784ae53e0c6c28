#include "tests/support/test_database.h"

#include <unistd.h>

#include <atomic>
#include <pqxx/pqxx>

#include "tests/support/test_env.h"

namespace valtuus::testing {

namespace {

std::string safe_name(const std::string& hint) {
  static std::atomic<int> counter{0};
  std::string name = "vt_";
  for (char c : hint)
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return name.substr(0, 40) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

}  // namespace

TestDatabase::TestDatabase(const std::string& hint) : name_(safe_name(hint)) {
  pqxx::connection admin(test_env().pg_conninfo());
  pqxx::nontransaction txn(admin);
  txn.exec("CREATE DATABASE " + txn.quote_name(name_));
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin(test_env().pg_conninfo());
    pqxx::nontransaction txn(admin);
    txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name_) + " WITH (FORCE)");
  } catch (...) {
    // A leftover database in the private test cluster is harmless.
  }
}

std::string TestDatabase::conninfo() const {
  return test_env().pg_conninfo(name_);
}

}  // namespace valtuus::testing
