// A test database that starts with the whole schema, copied from a template the cluster keeps
// (one per set of migrations), instead of migrated again for every test: about a quarter of a
// second each, in some 260 tests. For tests whose fixture migrates before it starts; a test of
// the migrations themselves, or of a first start, takes an empty TestDatabase.
#pragma once

#include <fmt/core.h>

#include <functional>
#include <string>

#include "connectors/postgres/migrations.h"
#include "tests/support/test_database.h"

namespace valtuus::testing {

// The template's name says which migrations it holds: a changed migration makes another one.
inline std::string migrated_template_name() {
  std::string all;
  for (const Migration& m : known_migrations()) all += m.name + '\n' + m.sql + '\n';
  return fmt::format("vt_migrated_{:016x}", std::hash<std::string>{}(all));
}

class MigratedDatabase : public TestDatabase {
 public:
  explicit MigratedDatabase(const std::string& hint)
      : TestDatabase(hint, migrated_template_name(), [](pqxx::connection& c) { migrate(c); }) {}
};

}  // namespace valtuus::testing
