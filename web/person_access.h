// Who may open whose self-service pages (what their job needs, their mandates) and order for
// them: the person themself, and their manager (the person's directory `manager` names the
// viewer's DN); reviewers and administrators may look, not order. Nobody else: another
// employee who changes the reference in the address is refused. Every page about a person
// asks this one function. Pure; the database applies the same rule to orders (orders_for in
// sql/015_orders.sql), whatever a page decided.
#pragma once

#include <string>
#include <vector>

namespace valtuus {

enum class PersonAccess {
  kNone,      // refused
  kSelf,      // the person's own pages
  kManager,   // the person's manager in the directory
  kReviewer,  // a reviewer or an administrator
};

struct AccessViewer {
  std::string account;             // the session's account
  std::string dn;                  // the viewer's DN as last read, "" when unknown
  std::vector<std::string> roles;  // the session's console roles
  std::string employee_key = {};   // the directory key the login matched, "" when none
};

struct AccessTarget {
  std::string account;
  std::string manager_dn;  // the person's directory manager, "" when none
  bool left = false;       // a leaver is nobody's report any more
  std::string key = {};    // the person's directory key, "" when not known here
};

PersonAccess person_access(const AccessViewer& viewer, const AccessTarget& target);

inline bool allowed(PersonAccess access) {
  return access != PersonAccess::kNone;
}

// Self or manager: those who may order for the person.
inline bool may_order_for(PersonAccess access) {
  return access == PersonAccess::kSelf || access == PersonAccess::kManager;
}

}  // namespace valtuus
