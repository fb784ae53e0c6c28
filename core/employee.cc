#include "core/employee.h"

#include <algorithm>
#include <set>

#include "core/text_fold.h"

namespace valtuus {

bool refuses_person(const RefusedValue& refused) {
  // What matching, leaver rules and the key depend on. Names, mail, manager, language and the
  // identity code only describe the person: a refused one is left empty and the person is read.
  static constexpr std::string_view kDeciding[] = {
      "key", "account",       "department",      "title",      "groups",
      "ou",  "account_flags", "account_expires", "long_leave", "dn"};
  return std::find(std::begin(kDeciding), std::end(kDeciding), refused.field) !=
         std::end(kDeciding);
}

std::size_t refused_entry_count(const std::vector<RefusedValue>& refused) {
  std::set<std::string> dns;
  for (const RefusedValue& r : refused) dns.insert(fold(r.dn));
  return dns.size();
}

}  // namespace valtuus
