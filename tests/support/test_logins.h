// PostgreSQL login roles for one test, members of the project's group roles (valtuus_daemon,
// valtuus_reviewer, ...), so that a test connects as a named person would; dropped afterwards.
#pragma once

#include <string>
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

}  // namespace valtuus::testing
