#include "web/person_access.h"

namespace valtuus {

PersonAccess person_access(const WebSession& viewer, const StaffPerson& person) {
  // The directory key the database matched the login to, never a name or account compared
  // here: two people may share a display name, and an account may be reused.
  if (!viewer.employee_key.empty() && viewer.employee_key == person.key) return PersonAccess::kSelf;
  if (viewer.has_role("reviewer") || viewer.has_role("admin")) return PersonAccess::kReviewer;
  return PersonAccess::kNone;
}

}  // namespace valtuus
