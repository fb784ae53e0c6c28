// LdapDirectorySource against a real Active Directory: Samba 4.17's AD DC, provisioned on
// loopback by scripts/samba-dc (CTest fixture "samba") with the data of
// scripts/samba/make-test-data, read as a non-admin account over LDAPS or StartTLS with a CA
// the script made. The tests run in one process, one after another (one DC, fixed ports); the
// one that changes data restores the DC afterwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>

#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_source.h"
#include "core/errors.h"
#include "tests/connectors/ldap/samba_directory.h"
#include "tests/support/test_env.h"

namespace valtuus {
namespace {

using testing::SambaDirectory;
using namespace std::chrono;

std::map<std::string, Employee> by_account(const std::vector<Employee>& employees) {
  std::map<std::string, Employee> out;
  for (const auto& e : employees) out[e.account] = e;
  return out;
}

const std::set<std::string> kStaff = {"besimies", "aostman", "ddisabled", "eexpired",
                                      "lleave",   "hostile", "many"};

class SambaTest : public ::testing::Test {
 protected:
  SambaDirectory dc_;
};

TEST_F(SambaTest, LdapsReadMapsActiveDirectoryValues) {
  LdapOptions options = dc_.reader_options(dc_.staff());
  options.long_leave_attribute = "employeeType";
  options.identity_code_attribute = "employeeNumber";
  LdapDirectorySource source(options);
  const FullRead read = source.read_full({});
  ASSERT_TRUE(read.snapshot.complete) << read.snapshot.incomplete_reason;
  const auto people = by_account(read.snapshot.employees);
  std::set<std::string> names;
  for (const auto& [account, e] : people) names.insert(account);
  EXPECT_EQ(names, kStaff);  // not the workstation WS01$ nor the contact

  const Employee& a = people.at("aostman");
  // The canonical GUID form, as Samba's own tool prints it.
  EXPECT_EQ(a.key, dc_.samba_tool_show("aostman", "objectGUID"));
  EXPECT_EQ(a.given_name, "Aino");
  EXPECT_EQ(a.surname, "Östman");
  EXPECT_EQ(a.department, "Sosiaali- ja terveystoimi");
  EXPECT_EQ(a.title, "Sosiaalityöntekijä");
  EXPECT_EQ(a.ou, "Staff");
  EXPECT_EQ(a.manager, "CN=Bertta Esimies," + dc_.staff());
  EXPECT_EQ(a.identity_code, "131052-308T");
  EXPECT_FALSE(a.disabled);
  EXPECT_FALSE(a.account_expires.has_value());  // 9223372036854775807: never
  EXPECT_TRUE(a.bad_fields.empty());
  EXPECT_TRUE(people.at("ddisabled").disabled);  // 514
  EXPECT_EQ(people.at("eexpired").account_expires, TimePoint{sys_days{2020y / 1 / 1}});
  EXPECT_TRUE(people.at("lleave").disabled);
  EXPECT_EQ(people.at("lleave").long_leave_marker, "pitkä vapaa");
  EXPECT_EQ(people.at("hostile").title, "*)(objectClass=*");
  EXPECT_EQ(people.at("hostile").department, "\"Tekninen\" 'toimi' \\ (x)");

  EXPECT_EQ(read.watermark.kind, Watermark::Kind::usn);
  EXPECT_NE(read.watermark.server.find("CN=NTDS Settings,CN=DC1"), std::string::npos);
}

TEST_F(SambaTest, StartTlsRead) {
  LdapOptions options = dc_.reader_options(dc_.staff());
  options.uri = dc_.get("VALTUUS_SAMBA_STARTTLS_URI");
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  EXPECT_EQ(snapshot.employees.size(), kStaff.size());
}

TEST_F(SambaTest, SimpleBindOverPlainLdapIsRefusedAsConfigError) {
  LdapOptions options = dc_.reader_options(dc_.staff());
  options.uri = dc_.get("VALTUUS_SAMBA_STARTTLS_URI");
  options.starttls = false;
  EXPECT_THROW(LdapDirectorySource{options}, ConfigError);  // the connector refuses first
  // And the DC refuses too: a plain connection, without StartTLS, then the bind.
  LDAP* raw = nullptr;
  ASSERT_EQ(ldap_initialize(&raw, options.uri.c_str()), LDAP_SUCCESS);
  ldap::LdapPtr ld(raw);
  const int version = LDAP_VERSION3;
  ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &version);
  try {
    ldap::simple_bind(options)(ld.get());
    FAIL() << "Samba accepted a simple bind over plain LDAP";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("Strong(er) authentication required"), std::string::npos)
        << e.what();
  }
}

TEST_F(SambaTest, WrongPasswordIsConfigError) {
  LdapOptions options = dc_.reader_options(dc_.staff());
  options.password_file = testing::scratch_dir("samba-wrong") + "/password";
  testing::write_file(options.password_file, "Not-the-password-1");
  EXPECT_THROW(LdapDirectorySource(options).read_all(), ConfigError);
}

TEST_F(SambaTest, DomainRootReadIgnoresReferralsAndCompletes) {
  // AD answers a search from the domain root with continuation references to the
  // Configuration partition; the read must neither follow them, nor hang, nor fail.
  LdapOptions options = dc_.reader_options(dc_.base());
  options.operation_timeout_s = 10;
  const auto started = steady_clock::now();
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  EXPECT_LT(steady_clock::now() - started, seconds(10));
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  const auto people = by_account(snapshot.employees);
  const std::size_t bulk = std::stoul(dc_.get("VALTUUS_SAMBA_BULK_USERS"));
  EXPECT_GE(people.size(), kStaff.size() + bulk + 3);  // + Administrator, krbtgt, the reader
  EXPECT_TRUE(people.contains("Administrator"));
  EXPECT_TRUE(people.contains("b0120"));
}

TEST_F(SambaTest, PagesThroughSeveralPages) {
  LdapOptions options = dc_.reader_options("OU=Bulk," + dc_.base());
  options.page_size = 50;  // 120 users: three pages
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  EXPECT_EQ(snapshot.employees.size(), std::stoul(dc_.get("VALTUUS_SAMBA_BULK_USERS")));
}

TEST_F(SambaTest, GroupsBeyondAdsRangeLimitAreReadWhole) {
  const std::size_t groups = std::stoul(dc_.get("VALTUUS_SAMBA_MANY_GROUPS"));  // 1600 > 1500
  LdapOptions options = dc_.reader_options(dc_.staff());
  // Samba 4.17 sends all 1600 memberOf values unasked (AD would send "memberOf;range=0-1499").
  const auto whole = by_account(LdapDirectorySource(options).read_all().employees).at("many");
  EXPECT_EQ(whole.groups.size(), groups);
  EXPECT_TRUE(whole.bad_fields.empty());
  // Asked for ranges of 500, it answers them as AD does, and the connector follows them:
  // 0-499 with the search, then 500-999, 1000-1499 and 1500-* on their own.
  options.range_window = 500;
  LdapDirectorySource ranged_source(options);
  const Snapshot ranged = ranged_source.read_all();
  EXPECT_TRUE(ranged.complete) << ranged.incomplete_reason;
  const Employee many = by_account(ranged.employees).at("many");
  EXPECT_TRUE(many.bad_fields.empty());
  EXPECT_EQ(std::set<std::string>(many.groups.begin(), many.groups.end()),
            std::set<std::string>(whole.groups.begin(), whole.groups.end()));
  EXPECT_EQ(many.groups.size(), groups);
  EXPECT_TRUE(ranged_source.last_warnings().empty());
}

class SambaChangesTest : public SambaTest {
 protected:
  void TearDown() override { dc_.reset(); }  // the next test sees the data as loaded
};

TEST_F(SambaChangesTest, UsnWatermarkReturnsChangesAndDeletedUsers) {
  LdapDirectorySource source(dc_.reader_options(dc_.staff()));
  const FullRead full = source.read_full({});
  ASSERT_TRUE(full.snapshot.complete) << full.snapshot.incomplete_reason;
  const auto before = by_account(full.snapshot.employees);
  const std::string gone_key = before.at("ddisabled").key;

  dc_.replace("CN=Aino Östman," + dc_.staff(), "title", "Johtava sosiaalityöntekijä");
  dc_.add_user("Uusi Työntekijä", "uusi", {{"employeeID", "E2000"}});
  dc_.remove("CN=Dora Disabled," + dc_.staff());

  const DirectoryChanges changes = source.read_changes(full.watermark);
  ASSERT_TRUE(changes.complete) << changes.incomplete_reason;
  EXPECT_FALSE(changes.watermark_reset);
  const auto changed = by_account(changes.changed);
  EXPECT_EQ(changed.size(), 2u);
  EXPECT_EQ(changed.at("aostman").title, "Johtava sosiaalityöntekijä");
  EXPECT_TRUE(changed.contains("uusi"));
  EXPECT_TRUE(changes.deletions_read);
  EXPECT_EQ(changes.deleted_keys, std::vector<std::string>{gone_key});
  EXPECT_GT(std::stoull(changes.next.value), std::stoull(full.watermark.value));
  EXPECT_EQ(changes.next.server, full.watermark.server);

  const Snapshot merged = merge_changes(full.snapshot, changes);
  EXPECT_TRUE(merged.complete) << merged.incomplete_reason;
  const auto after = by_account(merged.employees);
  EXPECT_FALSE(after.contains("ddisabled"));
  EXPECT_TRUE(after.contains("uusi"));
  EXPECT_EQ(after.size(), before.size());

  // Nothing changed since: an empty change set.
  const DirectoryChanges none = source.read_changes(changes.next);
  EXPECT_TRUE(none.complete) << none.incomplete_reason;
  EXPECT_TRUE(none.changed.empty());
  EXPECT_TRUE(none.deleted_keys.empty());

  // A watermark of another DC (or of this one before a restore: new invocationId).
  Watermark other = full.watermark;
  other.server = "CN=NTDS Settings,CN=DC2,...|00000000-0000-0000-0000-000000000000";
  const DirectoryChanges reset = source.read_changes(other);
  EXPECT_TRUE(reset.watermark_reset);
  EXPECT_FALSE(reset.complete);
}

}  // namespace
}  // namespace valtuus
