// Access to the private test servers started by scripts/test-servers (through the CTest
// fixture "servers"). Integration tests call require_test_env(): it fails the test, never
// skips it, when the servers are not there.
#pragma once

#include <map>
#include <string>

namespace valtuus::testing {

struct TestEnv {
  std::map<std::string, std::string> values;  // the KEY=VALUE lines of the env file

  // The value of KEY; throws std::runtime_error naming the key when it is missing.
  const std::string& get(const std::string& key) const;

  // A libpq conninfo for the superuser, for database `dbname`.
  std::string pg_conninfo(const std::string& dbname = "postgres") const;
};

// Reads the file named by $VALTUUS_TEST_ENV; throws std::runtime_error saying why not.
const TestEnv& test_env();

// A fresh, uniquely named directory under the build tree's test scratch folder.
std::string scratch_dir(const std::string& hint);

// Writes `content` to `path` (mode 0600), creating parent folders.
void write_file(const std::string& path, const std::string& content);

// Source and build directories (from $VALTUUS_SOURCE_DIR / $VALTUUS_BUILD_DIR).
std::string source_dir();
std::string build_dir();

}  // namespace valtuus::testing
