// Who may open whose self-service pages and order for them: a person themselves, and their
// manager (the person's directory `manager` names the viewer's DN); reviewers and
// administrators may look, not order. Pure; the database applies the same rule to orders
// (orders_for in sql/012_orders.sql), whatever a page decided.
#pragma once

#include <string>
#include <vector>

namespace valtuus {

enum class PersonAccess { kNone, kSelf, kManager, kReviewer };

struct AccessViewer {
  std::string account;             // the session's account
  std::string dn;                  // the viewer's DN as last read, "" when unknown
  std::vector<std::string> roles;  // the session's console roles
};

struct AccessTarget {
  std::string account;
  std::string manager_dn;  // the person's directory manager, "" when none
  bool left = false;       // a leaver is nobody's report any more
};

PersonAccess person_access(const AccessViewer& viewer, const AccessTarget& target);

// Self or manager: those who may order for the person.
inline bool may_order_for(PersonAccess access) {
  return access == PersonAccess::kSelf || access == PersonAccess::kManager;
}

}  // namespace valtuus
