// A fresh PostgreSQL database per test on the suite's private server, dropped afterwards.
#pragma once

#include <functional>
#include <pqxx/connection>
#include <string>

namespace valtuus::testing {

class TestDatabase {
 public:
  explicit TestDatabase(const std::string& hint);  // creates it empty; throws when it cannot
  // Creates it as a copy of the cluster's database `template_name`, which the first test
  // process to ask makes by calling `prepare` on a new empty database (the others wait for
  // it): a migrated schema copied instead of migrated again in every test.
  TestDatabase(const std::string& hint, const std::string& template_name,
               const std::function<void(pqxx::connection&)>& prepare);
  ~TestDatabase();  // drops it (errors ignored)
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  std::string conninfo() const;  // as the superuser

 private:
  std::string name_;
};

}  // namespace valtuus::testing
