// The employee row's digest decides which rows a sync rewrites: every stored value must reach
// it (a change left out would never be written), values that store the same row must not
// (a difference there would rewrite the row every sync), and it must stay the same between
// builds (a changed digest rewrites every row once).
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "connectors/postgres/employee_writer.h"
#include "connectors/postgres/row_digest.h"

namespace valtuus {
namespace {

Employee someone() {
  Employee e;
  e.key = "6f1c1e0a-3d55-4b0e-9b1c-2f6d2d8f0e11";
  e.account = "mvirtanen";
  e.dn = "CN=Matti Virtanen,OU=People,DC=kunta,DC=example";
  e.given_name = "Matti";
  e.surname = "Virtanen";
  e.display_name = "Matti Virtanen";
  e.mail = "matti.virtanen@kunta.example";
  e.department = "Elinkeinoasiat";
  e.title = "Yritysneuvoja";
  e.ou = "People";
  e.groups = {"CN=Staff,OU=Groups,DC=kunta,DC=example",
              "CN=Elinkeino,OU=Groups,DC=kunta,DC=example"};
  e.manager = "CN=Liisa Laine,OU=People,DC=kunta,DC=example";
  e.preferred_language = "fi";
  return e;
}

using Change = std::pair<std::string, std::function<void(Employee&)>>;

// One change to each value the employee row stores.
std::vector<Change> one_change_to_each_stored_value() {
  return {
      {"key", [](Employee& e) { e.key += "x"; }},
      {"account", [](Employee& e) { e.account = "mvirtane2"; }},
      {"dn", [](Employee& e) { e.dn = "CN=Matti Virtanen,OU=Staff,DC=kunta,DC=example"; }},
      {"given_name", [](Employee& e) { e.given_name = "Mati"; }},
      {"surname", [](Employee& e) { e.surname = "Virtane"; }},
      {"display_name", [](Employee& e) { e.display_name = "Matti  Virtanen"; }},
      {"mail", [](Employee& e) { e.mail = "matti.virtanen@kunta.example.fi"; }},
      {"department", [](Employee& e) { e.department = "Talous"; }},
      {"title", [](Employee& e) { e.title = "Controller"; }},
      {"ou", [](Employee& e) { e.ou = "Staff"; }},
      {"a group more", [](Employee& e) { e.groups.push_back("CN=Extra,DC=kunta,DC=example"); }},
      {"a group less", [](Employee& e) { e.groups.pop_back(); }},
      {"a group other",
       [](Employee& e) { e.groups.back() = "CN=Elinkeino2,OU=Groups,DC=kunta,DC=example"; }},
      {"no groups", [](Employee& e) { e.groups.clear(); }},
      {"disabled", [](Employee& e) { e.disabled = true; }},
      {"expires",
       [](Employee& e) { e.account_expires = std::chrono::sys_seconds{std::chrono::seconds{1}}; }},
      {"expires at 0",
       [](Employee& e) { e.account_expires = std::chrono::sys_seconds{std::chrono::seconds{0}}; }},
      {"long leave", [](Employee& e) { e.long_leave_marker = "vanhempainvapaa"; }},
      {"manager", [](Employee& e) { e.manager = "CN=Pekka Laine,OU=People,DC=kunta,DC=example"; }},
      {"no manager", [](Employee& e) { e.manager = ""; }},
      {"language", [](Employee& e) { e.preferred_language = "sv"; }},
      {"language unknown", [](Employee& e) { e.preferred_language = ""; }},
  };
}

TEST(EmployeeRowDigest, EveryStoredValueChangesIt) {
  const std::uint64_t base = employee_row_digest(someone(), "active");
  std::set<std::uint64_t> seen{base};
  for (const auto& [what, change] : one_change_to_each_stored_value()) {
    Employee e = someone();
    change(e);
    const std::uint64_t digest = employee_row_digest(e, "active");
    EXPECT_NE(digest, base) << what;
    EXPECT_TRUE(seen.insert(digest).second) << what << ": the same digest as another change";
  }
  for (const char* status : {"left", "long_leave"}) {
    EXPECT_NE(employee_row_digest(someone(), status), base) << status;
  }
}

TEST(EmployeeRowDigest, IsTheSameForTheSameStoredRow) {
  // Equal values read again (other copies, other shared texts' order of first use).
  Employee again = someone();
  again.groups = {std::string("CN=Staff,OU=Groups,DC=kunta,DC=example"),
                  std::string("CN=Elinkeino,OU=Groups,DC=kunta,DC=example")};
  EXPECT_EQ(employee_row_digest(again, "active"), employee_row_digest(someone(), "active"));
  // What the store does not keep: the identity code (written elsewhere), the refused fields,
  // and a language it does not know, which it stores as '' like no language.
  again.identity_code = "010101-123N";
  again.bad_fields = {"mail"};
  EXPECT_EQ(employee_row_digest(again, "active"), employee_row_digest(someone(), "active"));
  Employee unknown = someone();
  unknown.preferred_language = "de";
  Employee none = someone();
  none.preferred_language = "";
  EXPECT_EQ(employee_row_digest(unknown, "active"), employee_row_digest(none, "active"));
}

TEST(EmployeeRowDigest, KeepsValuesApart) {
  Employee a = someone();
  Employee b = someone();
  a.given_name = "Mattiv";
  a.surname = "irtanen";
  b.given_name = "Matti";
  b.surname = "Virtanen";
  EXPECT_NE(employee_row_digest(a, "active"), employee_row_digest(b, "active"));
  a = someone();
  b = someone();
  a.groups = {"CN=A", "CN=B"};
  b.groups = {"CN=ACN=B"};
  EXPECT_NE(employee_row_digest(a, "active"), employee_row_digest(b, "active"));
  a.groups = {"CN=B", "CN=A"};
  b.groups = {"CN=A", "CN=B"};
  EXPECT_NE(employee_row_digest(a, "active"), employee_row_digest(b, "active"));
  // The manager's DN and the department are not interchangeable either.
  a = someone();
  b = someone();
  a.department = "X";
  a.title = "";
  b.department = "";
  b.title = "X";
  EXPECT_NE(employee_row_digest(a, "active"), employee_row_digest(b, "active"));
}

TEST(EmployeeRowDigests, GiveEmployeeRowDigestsValues) {
  // Many people in a row, sharing texts and not, as a sync digests them: the values are the
  // one-person digest's (the stored digests are compared with both).
  EmployeeRowDigests digests;
  std::vector<Employee> people{someone()};
  for (const auto& [what, change] : one_change_to_each_stored_value()) {
    people.push_back(someone());
    change(people.back());
  }
  int compared = 0;
  for (int round = 0; round < 2; ++round) {
    for (const Employee& e : people) {
      for (const std::string status : {"active", "long_leave", "left"}) {
        EXPECT_EQ(digests(e, status), employee_row_digest(e, status)) << e.key << " " << status;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 2 * 3 * static_cast<int>(people.size()));
}

TEST(RowDigest, EveryByteOfEveryLengthCounts) {
  // The last word of a text is partial: each of its bytes must count, at every length, and a
  // text padded with NUL bytes is another text.
  for (std::size_t length = 1; length <= 40; ++length) {
    const std::string text(length, 'a');
    const std::uint64_t digest = RowDigest().add(text).value();
    for (std::size_t at = 0; at < length; ++at) {
      std::string other = text;
      other[at] = 'b';
      EXPECT_NE(RowDigest().add(other).value(), digest) << length << " " << at;
    }
    EXPECT_NE(RowDigest().add(text + std::string(1, '\0')).value(), digest) << length;
  }
  EXPECT_NE(RowDigest().add("").value(), RowDigest().value());
  EXPECT_NE(RowDigest().add(std::uint64_t{0}).value(), RowDigest().value());
}

TEST(EmployeeRowDigest, IsStableBetweenBuilds) {
  // The digests are stored: a build that computed others would rewrite every row once. If this
  // fails on purpose (a new layout), change the layout's version in employee_writer.cc too.
  EXPECT_EQ(employee_row_digest(someone(), "active"), 0x311231e499f7564fULL);
  EXPECT_EQ(RowDigest().add("Elinkeinoasiat").add(std::uint64_t{7}).value(), 0x6afbe8a387c954c2ULL);
}

}  // namespace
}  // namespace valtuus
