// A little municipality in its own OU of the suite's slapd, its own database, and a
// configuration file pointing valtuusd and valtuusctl at both.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus::testing {

class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes the configuration file; `overrides` replace or add "section.key=value" settings,
  // an empty value removes the setting.
  std::string write_config(const std::vector<std::pair<std::string, std::string>>& overrides = {});

  // A configuration file whose database login is `login` (one of logins_, members of the roles
  // the README tells people to create); `overrides` as for write_config. The superuser's
  // configuration (config_) is for what the README runs as postgres: `db migrate`.
  std::string config_as(const std::string& login,
                        std::vector<std::pair<std::string, std::string>> overrides = {});

  ProcessResult valtuusd(const std::vector<std::string>& args);
  ProcessResult valtuusctl(const std::vector<std::string>& args);
  ProcessResult ldap_modify(const std::string& ldif);  // as the directory's admin
  long long count(const std::string& sql);
  // `valtuusctl db migrate` and one `valtuusd --once`, as most scenarios begin; asserts both.
  void migrate_and_sync();

  std::string dir_;     // scratch folder of this test
  std::string base_;    // this test's OU
  std::string config_;  // the default configuration file
  std::unique_ptr<TestDatabase> db_;
  TestLogins logins_;  // dropped after TearDown has dropped the database
};

}  // namespace valtuus::testing
