// A fresh PostgreSQL database per test on the suite's private server, dropped afterwards.
#pragma once

#include <string>

namespace valtuus::testing {

class TestDatabase {
 public:
  explicit TestDatabase(const std::string& hint);  // creates it; throws when it cannot
  ~TestDatabase();                                 // drops it (errors ignored)
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  std::string conninfo() const;  // as the superuser

 private:
  std::string name_;
};

}  // namespace valtuus::testing
