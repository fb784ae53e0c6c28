#include "core/change_item.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

TEST(ChangeItem, KindsAndStatesRoundTripThroughText) {
  for (auto kind :
       {ChangeKind::kGrant, ChangeKind::kOrgApply, ChangeKind::kRevoke, ChangeKind::kRenew}) {
    EXPECT_EQ(change_kind_from_string(to_string(kind)), kind);
  }
  for (auto state : {ItemState::kProposed, ItemState::kApproved, ItemState::kApplied,
                     ItemState::kRejected, ItemState::kSuperseded, ItemState::kDone,
                     ItemState::kFailed, ItemState::kHeld, ItemState::kDiscarded}) {
    EXPECT_EQ(item_state_from_string(to_string(state)), state);
  }
  EXPECT_FALSE(change_kind_from_string("delete").has_value());
  EXPECT_EQ(to_string(ChangeKind::kOrgApply), "org_apply");
}

TEST(ChangeItem, OpenStatesAreTheUndecidedOnes) {
  EXPECT_TRUE(is_open(ItemState::kProposed));
  EXPECT_TRUE(is_open(ItemState::kApproved));
  EXPECT_TRUE(is_open(ItemState::kApplied));
  EXPECT_FALSE(is_open(ItemState::kDone));
  EXPECT_FALSE(is_open(ItemState::kRejected));
  EXPECT_FALSE(is_open(ItemState::kSuperseded));
  // A held run's items wait for a person too; discarded ones never come back.
  EXPECT_TRUE(is_open(ItemState::kHeld));
  EXPECT_FALSE(is_open(ItemState::kDiscarded));
  EXPECT_EQ(to_string(ItemState::kHeld), "held");
  EXPECT_EQ(item_state_from_string("discarded"), ItemState::kDiscarded);
}

TEST(ChangeItem, OpenStatesListIsIsOpenAndActionableLeavesOutHeld) {
  std::vector<std::string> open;
  for (ItemState state : open_item_states()) {
    EXPECT_TRUE(is_open(state));
    open.push_back(to_string(state));
  }
  EXPECT_EQ(open, (std::vector<std::string>{"proposed", "approved", "applied", "held"}));
  EXPECT_EQ(actionable_item_state_names(),
            (std::vector<std::string>{"proposed", "approved", "applied"}));
}

TEST(ChangeItem, DescribeShowsSignKindMandateAndReason) {
  ProposedItem item;
  item.kind = ChangeKind::kRevoke;
  item.employee_key = "k1";
  item.mandate = "kela-etuustiedot";
  item.reason = "The person has left";
  EXPECT_EQ(describe(item), "- revoke kela-etuustiedot for k1: The person has left");
}

}  // namespace
}  // namespace valtuus
