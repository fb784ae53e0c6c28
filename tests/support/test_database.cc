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

TestDatabase::TestDatabase(const std::string& hint, const std::string& template_name,
                           const std::function<void(pqxx::connection&)>& prepare)
    : name_(safe_name(hint)) {
  pqxx::connection admin(test_env().pg_conninfo());
  pqxx::nontransaction txn(admin);
  // Test processes run side by side on one cluster: one makes the template, the others wait.
  // The lock is the session's, so a process that fails here releases it with its connection.
  constexpr long long kTemplateLock = 0x76745f74706cLL;  // "vt_tpl"
  txn.exec_params("SELECT pg_advisory_lock($1)", kTemplateLock);
  const bool made =
      txn.exec_params1("SELECT count(*) FROM pg_database WHERE datname = $1", template_name)[0]
          .as<int>() > 0;
  if (!made) {
    // Made under another name and renamed when complete, so that a process that died while
    // making it leaves no template that looks ready.
    const std::string making = template_name + "_making";
    txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(making) + " WITH (FORCE)");
    txn.exec("CREATE DATABASE " + txn.quote_name(making));
    {
      pqxx::connection fresh(test_env().pg_conninfo(making));
      prepare(fresh);
    }
    txn.exec("ALTER DATABASE " + txn.quote_name(making) + " RENAME TO " +
             txn.quote_name(template_name));
  }
  txn.exec_params("SELECT pg_advisory_unlock($1)", kTemplateLock);
  txn.exec("CREATE DATABASE " + txn.quote_name(name_) + " TEMPLATE " +
           txn.quote_name(template_name));
}

std::string TestDatabase::conninfo() const {
  return test_env().pg_conninfo(name_);
}

}  // namespace valtuus::testing
