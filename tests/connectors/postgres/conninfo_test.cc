#include <gtest/gtest.h>

#include "connectors/postgres/postgres_options.h"
#include "core/errors.h"

namespace valtuus {
namespace {

namespace po = boost::program_options;

po::variables_map parse(const std::vector<std::string>& args) {
  po::variables_map vm;
  std::vector<const char*> argv{"test"};
  for (const auto& a : args) argv.push_back(a.c_str());
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(),
                                   database_options_description()),
            vm);
  return vm;
}

TEST(Conninfo, RedactsPasswords) {
  EXPECT_EQ(redact_conninfo("host=db password=s3cret dbname=v"), "host=db password=*** dbname=v");
  EXPECT_EQ(redact_conninfo("password='a b\\'c' host=x"), "password=*** host=x");
  EXPECT_EQ(redact_conninfo("postgresql://valtuus:s3cret@db/valtuus"),
            "postgresql://valtuus:***@db/valtuus");
  EXPECT_EQ(redact_conninfo("host=db dbname=v"), "host=db dbname=v");
}

TEST(Conninfo, RefusesPasswordInConninfoAndMissingConninfo) {
  try {
    database_options_from(parse({"--database.conninfo=host=x password=y"}));
    FAIL() << "accepted a password in the conninfo";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("database.password_file"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("=y"), std::string::npos);
  }
  EXPECT_THROW(database_options_from(parse({})), ConfigError);
  EXPECT_EQ(database_options_from(parse({"--database.conninfo=dbname=v"})).conninfo, "dbname=v");
}

TEST(Conninfo, UnreadablePasswordFileNamesTheOption) {
  DatabaseOptions options{"host=/nonexistent dbname=v", "/nonexistent/pgpass"};
  try {
    connect_database(options);
    FAIL() << "connected without a password file";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("database.password_file"), std::string::npos);
  }
}

}  // namespace
}  // namespace valtuus
