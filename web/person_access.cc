#include "web/person_access.h"

#include <algorithm>
#include <cctype>

namespace valtuus {

namespace {

// As the database compares accounts and DNs: without regard to (ASCII) case.
bool same_nocase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The directory key the database matched the login to decides when both are known: an
// account may be reused by another person later. The account decides only without keys.
bool same_person(const AccessViewer& viewer, const AccessTarget& target) {
  if (!viewer.employee_key.empty() && !target.key.empty()) return viewer.employee_key == target.key;
  return !viewer.account.empty() && same_nocase(viewer.account, target.account);
}

}  // namespace

PersonAccess person_access(const AccessViewer& viewer, const AccessTarget& target) {
  if (same_person(viewer, target)) return PersonAccess::kSelf;
  if (!target.left && !viewer.dn.empty() && !target.manager_dn.empty() &&
      same_nocase(viewer.dn, target.manager_dn)) {
    return PersonAccess::kManager;
  }
  for (const std::string& role : viewer.roles) {
    if (role == "reviewer" || role == "admin") return PersonAccess::kReviewer;
  }
  return PersonAccess::kNone;
}

}  // namespace valtuus
