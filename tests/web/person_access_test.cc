// Who may open whose self-service pages, and order for them.
#include "web/person_access.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

const AccessViewer kBoss{"bertta", "CN=Bertta Esimies,OU=Staff,DC=kunta,DC=example", {}};

TEST(PersonAccess, OneselfWhateverTheCaseOfTheAccount) {
  EXPECT_EQ(person_access({"anna", "", {}}, {"ANNA", "", false}), PersonAccess::kSelf);
  EXPECT_TRUE(may_order_for(PersonAccess::kSelf));
}

TEST(PersonAccess, TheManagerNamedByTheReportsDirectoryEntry) {
  // The directory may spell the DN in another case.
  EXPECT_EQ(person_access(kBoss, {"anna", "cn=bertta esimies,ou=staff,dc=kunta,dc=example", false}),
            PersonAccess::kManager);
  EXPECT_TRUE(may_order_for(PersonAccess::kManager));
  // Not the manager of someone else's report, nor of a leaver.
  EXPECT_EQ(person_access(kBoss, {"ville", "CN=Other,DC=kunta,DC=example", false}),
            PersonAccess::kNone);
  EXPECT_EQ(person_access(kBoss, {"anna", kBoss.dn, true}), PersonAccess::kNone);
  // A viewer whose own DN is unknown manages nobody, even a report without a manager.
  EXPECT_EQ(person_access({"x", "", {}}, {"anna", "", false}), PersonAccess::kNone);
}

TEST(PersonAccess, TheDirectoryKeyDecidesWhenBothAreKnown) {
  // An account reused by a new person: the old owner's key no longer matches.
  EXPECT_EQ(person_access({"anna", "", {}, "key-new"}, {"anna", "", false, "key-old"}),
            PersonAccess::kNone);
  EXPECT_EQ(person_access({"anna", "", {}, "key-1"}, {"ANNA", "", false, "key-1"}),
            PersonAccess::kSelf);
}

TEST(PersonAccess, ReviewersLookButDoNotOrder) {
  const PersonAccess access = person_access({"rauno", "", {"reviewer"}}, {"anna", "", false});
  EXPECT_EQ(access, PersonAccess::kReviewer);
  EXPECT_FALSE(may_order_for(access));
  EXPECT_EQ(person_access({"sanna", "", {"security"}}, {"anna", "", false}), PersonAccess::kNone);
}

}  // namespace
}  // namespace valtuus
