// Incremental reads and plausibility against the private slapd, which has no update sequence
// numbers: watermarks are modifyTimestamp times, and deletions are not visible (the scheduled
// full read finds them). AD's USN watermarks and tombstones: ldap_samba_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_paged_search.h"
#include "connectors/ldap/ldap_source.h"
#include "tests/support/ldap_test_directory.h"

namespace valtuus {
namespace {

using testing::LdapTestDirectory;

std::vector<std::string> accounts(const std::vector<Employee>& employees) {
  std::vector<std::string> out;
  for (const auto& e : employees) out.push_back(e.account);
  std::sort(out.begin(), out.end());
  return out;
}

class LdapChangesTest : public ::testing::Test {
 protected:
  LdapTestDirectory dir_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
};

TEST_F(LdapChangesTest, ModifyTimestampWatermarkReturnsChangedAndNewEmployees) {
  const std::string changed_dn = dir_.add_user({.account = "changed", .title = "Vanha"});
  const std::string deleted_dn = dir_.add_user({.account = "deleted"});
  dir_.add_user({.account = "untouched"});
  LdapOptions options = dir_.reader_options();
  options.clock_skew_margin_s = 0;  // same clock here; the default margin would re-read all
  LdapDirectorySource source(options);
  // modifyTimestamp has whole seconds: let the entries above be older than the watermark.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const FullRead full = source.read_full({});
  ASSERT_TRUE(full.snapshot.complete) << full.snapshot.incomplete_reason;
  ASSERT_EQ(full.snapshot.employees.size(), 3u);
  ASSERT_EQ(full.watermark.kind, Watermark::Kind::timestamp);
  EXPECT_EQ(full.watermark.server, options.uri);

  dir_.modify(changed_dn, "title", {"Uusi"});
  dir_.add_user({.account = "added"});
  dir_.remove_subtree(deleted_dn);
  const DirectoryChanges changes = source.read_changes(full.watermark);
  EXPECT_TRUE(changes.complete) << changes.incomplete_reason;
  EXPECT_FALSE(changes.watermark_reset);
  EXPECT_EQ(accounts(changes.changed), (std::vector<std::string>{"added", "changed"}));
  EXPECT_FALSE(changes.deletions_read);  // slapd keeps no tombstones
  EXPECT_TRUE(changes.deleted_keys.empty());
  EXPECT_EQ(changes.since, full.watermark);
  EXPECT_EQ(changes.next.kind, Watermark::Kind::timestamp);
  EXPECT_GE(changes.next.value, full.watermark.value);

  const Snapshot merged = merge_changes(full.snapshot, changes);
  EXPECT_TRUE(merged.complete) << merged.incomplete_reason;
  // The deletion is not seen until the next full read: "deleted" is still there.
  EXPECT_EQ(accounts(merged.employees),
            (std::vector<std::string>{"added", "changed", "deleted", "untouched"}));
  for (const auto& e : merged.employees) {
    if (e.account == "changed") {
      EXPECT_EQ(e.title, "Uusi");
    }
  }
}

TEST_F(LdapChangesTest, WatermarkOfAnotherServerAsksForAFullRead) {
  dir_.add_user({.account = "someone"});
  LdapDirectorySource source(dir_.reader_options());
  const Watermark elsewhere{Watermark::Kind::timestamp, "20260101000000Z", "ldaps://dc2.example/"};
  const DirectoryChanges changes = source.read_changes(elsewhere);
  EXPECT_TRUE(changes.watermark_reset);
  EXPECT_FALSE(changes.complete);
  EXPECT_TRUE(changes.changed.empty());
  EXPECT_NE(changes.incomplete_reason.find("full read"), std::string::npos);
  EXPECT_TRUE(changes.next.empty());
  EXPECT_TRUE(source.read_changes(Watermark{}).watermark_reset);
}

TEST_F(LdapChangesTest, ZeroEmployeesWhereTheLastReadHadManyIsIncomplete) {
  // An empty base (an OU emptied by mistake, a reader that lost its rights) reads as success.
  LdapDirectorySource source(dir_.reader_options());
  const Snapshot first = source.read_all();
  EXPECT_TRUE(first.complete) << first.incomplete_reason;  // no history: nothing to compare
  ASSERT_FALSE(source.last_warnings().empty());
  EXPECT_NE(source.last_warnings().back().find("no employees found"), std::string::npos);
  const Snapshot second = source.read_all(ReadHints{.last_complete_count = 812});
  EXPECT_FALSE(second.complete);
  EXPECT_TRUE(second.employees.empty());
  EXPECT_NE(second.incomplete_reason.find("812"), std::string::npos) << second.incomplete_reason;
}

TEST_F(LdapChangesTest, UnpagedServerSizeLimitIsIncompleteNotShort) {
  // Seen from the connector, a server without paging stops at its size limit (1000 here):
  // the read must say so. Forcing unpaged requests stands in for such a server.
  for (int i = 0; i < 1005; ++i) dir_.add_user({.account = "s" + std::to_string(i)});
  const LdapOptions options = dir_.reader_options();
  const ldap::LdapPtr ld = ldap::connect_and_bind(options, ldap::simple_bind(options));
  ldap::SearchRequest request;
  request.uri = options.uri;
  request.base = dir_.base();
  request.filter = options.filter;
  request.attributes = {"sAMAccountName"};
  request.paged = false;
  std::size_t entries = 0;
  const auto outcome = ldap::paged_search(ld.get(), request, [&](ldap::RawEntry&&) { ++entries; });
  EXPECT_FALSE(outcome.complete);
  EXPECT_NE(outcome.reason.find("Size limit exceeded"), std::string::npos) << outcome.reason;
  EXPECT_EQ(entries, 1000u);
}

}  // namespace
}  // namespace valtuus
