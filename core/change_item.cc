#include "core/change_item.h"

#include <algorithm>
#include <array>
#include <utility>

namespace valtuus {

namespace {

constexpr std::array<std::pair<ChangeKind, const char*>, 4> kKinds{{
    {ChangeKind::kGrant, "grant"},
    {ChangeKind::kOrgApply, "org_apply"},
    {ChangeKind::kRevoke, "revoke"},
    {ChangeKind::kRenew, "renew"},
}};

constexpr std::array<std::pair<ItemState, const char*>, 9> kStates{{
    {ItemState::kProposed, "proposed"},
    {ItemState::kApproved, "approved"},
    {ItemState::kApplied, "applied"},
    {ItemState::kRejected, "rejected"},
    {ItemState::kSuperseded, "superseded"},
    {ItemState::kDone, "done"},
    {ItemState::kFailed, "failed"},
    {ItemState::kHeld, "held"},
    {ItemState::kDiscarded, "discarded"},
}};

}  // namespace

std::string to_string(ChangeKind kind) {
  for (const auto& [value, name] : kKinds)
    if (value == kind) return name;
  return "unknown";
}

std::string to_string(ItemState state) {
  for (const auto& [value, name] : kStates)
    if (value == state) return name;
  return "unknown";
}

std::optional<ChangeKind> change_kind_from_string(const std::string& text) {
  for (const auto& [value, name] : kKinds)
    if (text == name) return value;
  return std::nullopt;
}

std::optional<ItemState> item_state_from_string(const std::string& text) {
  for (const auto& [value, name] : kStates)
    if (text == name) return value;
  return std::nullopt;
}

const std::vector<ItemState>& open_item_states() {
  static const std::vector<ItemState> states = [] {
    std::vector<ItemState> values;
    for (std::string_view name : kOpenItemStates)
      values.push_back(*item_state_from_string(std::string(name)));
    return values;
  }();
  return states;
}

bool is_open(ItemState state) {
  const auto& open = open_item_states();
  return std::find(open.begin(), open.end(), state) != open.end();
}

std::vector<std::string> actionable_item_state_names() {
  std::vector<std::string> names;
  for (ItemState state : open_item_states())
    if (state != ItemState::kHeld) names.push_back(to_string(state));
  return names;
}

std::string describe(const ProposedItem& item) {
  const char* sign =
      item.kind == ChangeKind::kRevoke ? "-" : (item.kind == ChangeKind::kRenew ? "~" : "+");
  std::string who = item.employee_key.empty() ? "the organisation" : item.employee_key;
  return std::string(sign) + " " + to_string(item.kind) + " " + item.mandate + " for " + who +
         ": " + item.reason;
}

std::string summary_line(const PlanStats& s) {
  return "read " + std::to_string(s.employees_read) + ", leavers " + std::to_string(s.leavers) +
         ", proposed +" + std::to_string(s.grants) + " grant, +" + std::to_string(s.org_applies) +
         " org_apply, -" + std::to_string(s.revokes) + " revoke, ~" + std::to_string(s.renews) +
         " renew, superseded " + std::to_string(s.superseded) + ", unchanged " +
         std::to_string(s.unchanged);
}

}  // namespace valtuus
