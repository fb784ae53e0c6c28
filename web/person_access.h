// Who may open an employee's own pages (what their job needs, their mandates, and what is
// built on them): the employee themself, and the reviewers and administrators, who review
// what people are given. Nobody else: another employee who changes the reference in the
// address is refused. Every page about a person asks this one function, so a rule added here
// (e.g. a manager and their direct reports) holds for all of them. Pure.
#pragma once

#include "connectors/postgres/staff_queries.h"
#include "web/session_store.h"

namespace valtuus {

enum class PersonAccess {
  kNone,      // refused
  kSelf,      // the person's own pages
  kReviewer,  // a reviewer or an administrator
};

PersonAccess person_access(const WebSession& viewer, const StaffPerson& person);

inline bool allowed(PersonAccess access) {
  return access != PersonAccess::kNone;
}

}  // namespace valtuus
