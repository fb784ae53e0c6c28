// core/directory_changes: watermarks as text, plausibility of a read's size, and merging a
// change set into a snapshot.
#include "core/directory_changes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace valtuus {
namespace {

using namespace std::chrono;

Employee person(const std::string& key, const std::string& title = "") {
  Employee e;
  e.key = key;
  e.account = "acct-" + key;
  e.title = title;
  return e;
}

std::vector<std::string> keys(const Snapshot& s) {
  std::vector<std::string> out;
  for (const auto& e : s.employees) out.push_back(e.key);
  return out;
}

Snapshot base_snapshot() {
  Snapshot s;
  s.employees = {person("a", "Kirjanpitäjä"), person("b"), person("c")};
  s.complete = true;
  s.read_at = sys_days{2026y / 3 / 1};
  s.source = "ldaps://dc1/";
  return s;
}

DirectoryChanges complete_changes() {
  DirectoryChanges c;
  c.complete = true;
  c.deletions_read = true;
  c.read_at = sys_days{2026y / 3 / 2};
  c.source = "ldaps://dc1/";
  return c;
}

TEST(Watermark, RoundTripsThroughText) {
  const Watermark usn{
      Watermark::Kind::usn, "40123",
      "CN=NTDS Settings,CN=DC1,CN=Servers,...|c6449cc4-1ffe-4432-b0ac-1fdffb66917d"};
  EXPECT_EQ(encode(usn), "usn:40123:" + usn.server);
  EXPECT_EQ(decode_watermark(encode(usn)), usn);
  const Watermark ts{Watermark::Kind::timestamp, "20260301120000Z", "ldaps://127.0.0.1:636/"};
  EXPECT_EQ(decode_watermark(encode(ts)), ts);  // the server's own ':' survive
  EXPECT_EQ(encode(Watermark{}), "none");
  EXPECT_EQ(decode_watermark("none"), Watermark{});
}

TEST(Watermark, RefusesTextItDidNotWrite) {
  for (const char* bad : {"", "usn", "usn:1", "usn::server", "usn:1:", "lsn:1:server", "none:"}) {
    EXPECT_EQ(decode_watermark(bad), std::nullopt) << bad;
  }
}

TEST(ImplausibleCount, ZeroAfterAReadThatHadEmployeesIsImplausible) {
  const auto reason = implausible_count(0, ReadHints{.last_complete_count = 4200});
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("4200"), std::string::npos) << *reason;
  EXPECT_EQ(implausible_count(0, ReadHints{}), std::nullopt);  // first read ever
  EXPECT_EQ(implausible_count(0, ReadHints{.last_complete_count = 0}), std::nullopt);
  EXPECT_EQ(implausible_count(1, ReadHints{.last_complete_count = 4200}), std::nullopt);
}

// The merge with a key index gives the same people as the whole merge, in another order, and
// leaves the index right: over random bases and change sets (deletions, re-creations, keys
// listed twice, thousands of cycles on one index).
TEST(MergeChanges, WithAKeyIndexGivesTheSamePeopleAndKeepsTheIndexRight) {
  std::mt19937 random(4711);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  Snapshot whole = base_snapshot();
  for (int i = 0; i < 300; ++i) whole.employees.push_back(person("p" + std::to_string(i)));
  Snapshot indexed = whole;
  KeyIndex index(indexed.employees);
  ASSERT_TRUE(index.usable());
  auto sorted = [](const Snapshot& s) {
    std::vector<std::string> out;
    for (const Employee& e : s.employees) out.push_back(e.key + "|" + e.title);
    std::sort(out.begin(), out.end());
    return out;
  };
  for (int cycle = 0; cycle < 2000; ++cycle) {
    DirectoryChanges c = complete_changes();
    for (int i = pick(4); i > 0; --i) c.deleted_keys.push_back("p" + std::to_string(pick(400)));
    for (int i = pick(6); i > 0; --i) {
      c.changed.push_back(person("p" + std::to_string(pick(400)), "t" + std::to_string(cycle)));
    }
    whole = merge_changes(std::move(whole), c);
    indexed = merge_changes(std::move(indexed), c, index);
    ASSERT_EQ(sorted(indexed), sorted(whole)) << "cycle " << cycle;
    ASSERT_EQ(index.size(), indexed.employees.size()) << "cycle " << cycle;
    for (std::size_t i = 0; i < indexed.employees.size(); ++i) {
      ASSERT_EQ(index.find(indexed.employees, indexed.employees[i].key), i) << "cycle " << cycle;
    }
    ASSERT_EQ(index.find(indexed.employees, "nobody"), std::nullopt);
  }
}

TEST(MergeChanges, AKeyReadTwiceMakesTheIndexUnusableAndTheMergeWhole) {
  Snapshot base = base_snapshot();
  base.employees.push_back(person("b", "again"));
  KeyIndex index(base.employees);
  EXPECT_FALSE(index.usable());
  DirectoryChanges c = complete_changes();
  c.changed = {person("b", "Controller")};
  const Snapshot merged = merge_changes(Snapshot(base), c, index);
  // As the whole merge: both entries of "b" replaced.
  EXPECT_EQ(keys(merged), keys(merge_changes(base, c)));
  for (const Employee& e : merged.employees) {
    if (e.key == "b") {
      EXPECT_EQ(e.title, "Controller");
    }
  }
}

TEST(MergeChanges, AppliesChangesAdditionsAndDeletionsKeepingOrder) {
  DirectoryChanges c = complete_changes();
  c.changed = {person("d"), person("a", "Controller")};
  c.deleted_keys = {"b", "not-in-base"};
  const Snapshot merged = merge_changes(base_snapshot(), c);
  EXPECT_EQ(keys(merged), (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(merged.employees[0].title, "Controller");
  EXPECT_TRUE(merged.complete) << merged.incomplete_reason;
  EXPECT_EQ(merged.incomplete_reason, "");
  EXPECT_EQ(merged.read_at, c.read_at);
  EXPECT_EQ(merged.source, "ldaps://dc1/");
}

TEST(MergeChanges, NoChangesGivesTheBaseAsOfTheChangeRead) {
  const Snapshot merged = merge_changes(base_snapshot(), complete_changes());
  EXPECT_EQ(keys(merged), keys(base_snapshot()));
  EXPECT_TRUE(merged.complete);
  EXPECT_EQ(merged.read_at, complete_changes().read_at);
}

TEST(MergeChanges, AKeyChangedTwiceIsAddedOnce) {
  DirectoryChanges c = complete_changes();
  c.changed = {person("d", "first"), person("d", "second")};
  const Snapshot merged = merge_changes(base_snapshot(), c);
  const auto merged_keys = keys(merged);
  EXPECT_EQ(std::count(merged_keys.begin(), merged_keys.end(), "d"), 1);
}

TEST(MergeChanges, ReanimatedUserIsKept) {
  // Deleted and restored within the interval: the live entry wins over the tombstone.
  DirectoryChanges c = complete_changes();
  c.changed = {person("b", "Palautettu")};
  c.deleted_keys = {"b"};
  const Snapshot merged = merge_changes(base_snapshot(), c);
  EXPECT_EQ(keys(merged), (std::vector<std::string>{"a", "c", "b"}));
  EXPECT_EQ(merged.employees.back().title, "Palautettu");
}

TEST(MergeChanges, IncompleteChangesMakeAnIncompleteSnapshot) {
  DirectoryChanges c = complete_changes();
  c.complete = false;
  c.incomplete_reason = "directory ldaps://dc1/: connection lost";
  c.changed = {person("d")};
  const Snapshot merged = merge_changes(base_snapshot(), c);
  EXPECT_FALSE(merged.complete);
  EXPECT_NE(merged.incomplete_reason.find("connection lost"), std::string::npos);
}

TEST(MergeChanges, IncompleteBaseMakesAnIncompleteSnapshot) {
  Snapshot base = base_snapshot();
  base.complete = false;
  base.incomplete_reason = "size limit";
  const Snapshot merged = merge_changes(base, complete_changes());
  EXPECT_FALSE(merged.complete);
  EXPECT_NE(merged.incomplete_reason.find("size limit"), std::string::npos);
}

TEST(MergeChanges, WatermarkResetIsIncompleteEvenIfTheChangeReadSucceeded) {
  DirectoryChanges c = complete_changes();
  c.watermark_reset = true;
  const Snapshot merged = merge_changes(base_snapshot(), c);
  EXPECT_FALSE(merged.complete);
  EXPECT_NE(merged.incomplete_reason.find("full read"), std::string::npos);
}

}  // namespace
}  // namespace valtuus

namespace valtuus {
namespace {

TEST(MergeChanges, RefusalsStandUntilTheEntryIsReadAgain) {
  Snapshot base = base_snapshot();
  base.refused = {{"CN=x,DC=t", "x", "", "account", "account: control character"},
                  {"CN=a,DC=t", "a", "", "title", "title: too long"},
                  {"CN=nokey,DC=t", "", "", "key", "objectGUID: not 16 bytes"}};
  DirectoryChanges c = complete_changes();
  Employee a = person("a", "Controller");
  a.dn = "CN=a,DC=t";
  c.changed = {a};  // a's title is good now
  // The key-less entry is read again, still refused; y is refused for the first time.
  c.refused = {{"cn=NOKEY,dc=t", "", "", "key", "objectGUID: not 16 bytes"},
               {"CN=y,DC=t", "y", "", "department", "department: invalid UTF-8"}};
  const Snapshot merged = merge_changes(base, c);
  std::vector<std::string> dns;
  for (const auto& r : merged.refused) dns.push_back(r.dn);
  EXPECT_EQ(dns, (std::vector<std::string>{"CN=x,DC=t", "cn=NOKEY,dc=t", "CN=y,DC=t"}));
  // x deleted since: its refusal goes with it.
  c.deleted_keys = {"x"};
  EXPECT_EQ(merge_changes(base, c).refused.size(), 2u);
}

}  // namespace
}  // namespace valtuus
