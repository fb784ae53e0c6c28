#include "tests/e2e/e2e_fixture.h"

#include <unistd.h>

#include <atomic>
#include <map>
#include <pqxx/pqxx>

#include "tests/support/test_env.h"

namespace valtuus::testing {

namespace {

// People of a small municipality; UTF-8 values are written as they are (ldapadd accepts them).
std::string people_ldif(const std::string& base) {
  struct Person {
    const char *account, *given, *sn, *department, *title, *guid_b64;
    int uac;
  };
  const Person people[] = {
      {"mmakinen", "Matti", "Mäkinen", "Elinkeinoasiat", "Omavalmentaja",
       "AAECAwQFBgcICQoLDA0ODw==", 512},
      {"aastrom", "Åsa", "Åström", "ELINKEINOASIAT ", "Yritysneuvoja",
       "EBESExQVFhcYGRobHB0eHw==", 512},
      {"johman", "Jörgen", "Öhman", "Talouspalvelut", "Controller",
       "ICEiIyQlJicoKSorLC0uLw==", 512},
      {"sjarvinen", "Sari", "Järvinen", "Elinkeinoasiat", "Omavalmentaja",
       "MDEyMzQ1Njc4OTo7PD0+Pw==", 514},
  };
  std::string ldif = "dn: " + base + "\nobjectClass: organizationalUnit\nou: " +
                     base.substr(3, base.find(',') - 3) + "\n\n";
  for (const Person& p : people) {
    ldif += "dn: cn=" + std::string(p.account) + "," + base +
            "\nobjectClass: inetOrgPerson\nobjectClass: user\ncn: " + p.account + "\nsn: " + p.sn +
            "\ngivenName: " + p.given + "\ndisplayName: " + p.given + " " + p.sn +
            "\nsAMAccountName: " + p.account + "\ndepartment: " + p.department +
            "\ntitle: " + p.title + "\nobjectGUID:: " + p.guid_b64 +
            "\nobjectCategory: person\nuserAccountControl: " + std::to_string(p.uac) +
            "\naccountExpires: 0\n\n";
  }
  return ldif;
}

}  // namespace

void E2eTest::SetUp() {
  static std::atomic<int> counter{0};
  const TestEnv& env = test_env();
  dir_ = scratch_dir("e2e");
  base_ = "ou=e2e-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "," +
          env.get("VALTUUS_TEST_LDAP_BASE");
  db_ = std::make_unique<TestDatabase>("e2e");
  ProcessResult added = ldap_modify(people_ldif(base_));
  ASSERT_EQ(added.exit_code, 0) << added.err;
  config_ = write_config();
}

void E2eTest::TearDown() {
  db_.reset();
}

std::string E2eTest::write_config(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  const TestEnv& env = test_env();
  std::map<std::string, std::string> settings{
      {"directory.uri", env.get("VALTUUS_TEST_LDAP_URI")},
      {"directory.bind_dn", env.get("VALTUUS_TEST_LDAP_READER_DN")},
      {"directory.password_file", env.get("VALTUUS_TEST_LDAP_READER_PASSWORD_FILE")},
      {"directory.base", base_},
      {"directory.ca_file", env.get("VALTUUS_TEST_LDAP_CA_FILE")},
      {"database.conninfo", db_->conninfo()},
      {"policy.dir", VALTUUS_EXAMPLES_DIR},
  };
  for (const auto& [key, value] : overrides) {
    if (value.empty()) {
      settings.erase(key);
    } else {
      settings[key] = value;
    }
  }
  std::map<std::string, std::string> sections;
  for (const auto& [key, value] : settings) {
    const auto dot = key.find('.');
    sections[key.substr(0, dot)] += key.substr(dot + 1) + " = " + value + "\n";
  }
  std::string text = "# written by the e2e test\n";
  for (const auto& [section, body] : sections) text += "[" + section + "]\n" + body + "\n";
  static std::atomic<int> counter{0};
  const std::string path = dir_ + "/valtuusd-" + std::to_string(counter++) + ".conf";
  write_file(path, text);
  return path;
}

std::string E2eTest::config_as(const std::string& login,
                               std::vector<std::pair<std::string, std::string>> overrides) {
  overrides.emplace_back("database.conninfo", db_->conninfo() + " user=" + login);
  return write_config(overrides);
}

ProcessResult E2eTest::valtuusd(const std::vector<std::string>& args) {
  std::vector<std::string> argv{VALTUUSD_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

ProcessResult E2eTest::valtuusctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{VALTUUSCTL_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

ProcessResult E2eTest::ldap_modify(const std::string& ldif) {
  const TestEnv& env = test_env();
  const std::string file = dir_ + "/change-" + std::to_string(::getpid()) + ".ldif";
  write_file(file, ldif);
  return run_process({"/usr/bin/ldapmodify", "-a", "-x", "-H", env.get("VALTUUS_TEST_LDAP_URI"),
                      "-D", env.get("VALTUUS_TEST_LDAP_ADMIN_DN"), "-y",
                      env.get("VALTUUS_TEST_LDAP_ADMIN_PASSWORD_FILE"), "-f", file},
                     {"LDAPTLS_CACERT=" + env.get("VALTUUS_TEST_LDAP_CA_FILE")});
}

void E2eTest::migrate_and_sync() {
  ProcessResult migrate = valtuusctl({"--config", config_, "db", "migrate"});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  ProcessResult sync = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
}

long long E2eTest::count(const std::string& sql) {
  pqxx::connection c(db_->conninfo());
  pqxx::read_transaction txn(c);
  return txn.exec1(sql)[0].as<long long>();
}

}  // namespace valtuus::testing
