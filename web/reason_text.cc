#include "web/reason_text.h"

#include <string_view>

#include "web/execution_steps_text.h"

namespace valtuus {

namespace {

// The sentences core/reconcile.cc writes, by their fixed beginnings.
constexpr std::string_view kLeft = "The person has left";
constexpr std::string_view kMoved = "No authorisation map or request requires";
constexpr std::string_view kRenew = "The grant ends on ";
constexpr std::string_view kRenewWhy = " and the work still needs it: ";
constexpr std::string_view kRequest = "request:";

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Why a leaver is one, from the sentence's end (reconcile's leave_text()).
std::string leaver_key(const std::string& reason) {
  if (contains(reason, "disabled")) return "reason_left_disabled";
  if (contains(reason, "expired")) return "reason_left_expired";
  if (contains(reason, "leavers' OU")) return "reason_left_leavers_ou";
  if (contains(reason, "no longer in the directory")) return "reason_left_absent";
  return "reason_left";
}

}  // namespace

std::string reason_text(const ItemDetail& item, Language language) {
  const ItemRow& row = item.row;
  const std::string& reason = row.reason;
  kainjow::mustache::data values;
  auto say = [&](std::string_view key) { return fill_message(message(language, key), values); };
  if (row.kind == "org_apply") return say("reason_org_apply");
  if (row.kind == "revoke") {
    if (reason.starts_with(kLeft)) return say(leaver_key(reason));
    if (reason.starts_with(kMoved)) {
      values.set("department", row.department);
      values.set("title", row.title);
      return say("reason_moved");
    }
    return reason;
  }
  if (row.kind == "renew" && reason.starts_with(kRenew)) {
    const auto end = reason.find(kRenewWhy);
    if (end != std::string::npos) {
      values.set("end", reason.substr(kRenew.size(), end - kRenew.size()));
      values.set("why", reason.substr(end + kRenewWhy.size()));
      return say("reason_renew");
    }
    return reason;
  }
  // A grant (or a renew in another form): the map's or the order form's own words.
  values.set("why", reason);
  if (row.map_id.starts_with(kRequest)) return say("reason_request");
  if (!row.map_id.empty()) {
    values.set("map", row.map_id);
    return say("reason_grant");
  }
  return reason;
}

}  // namespace valtuus
