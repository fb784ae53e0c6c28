#include "daemon/plan_printer.h"

namespace valtuus {

void print_plan(std::ostream& out, const Plan& plan) {
  for (int pass = 0; pass < 2; ++pass) {
    for (const ProposedItem& item : plan.add) {
      const bool revoke = item.kind == ChangeKind::kRevoke;
      if ((pass == 0) == revoke) out << describe(item) << '\n';
    }
  }
  for (long long id : plan.supersede) out << "~ supersede item " << id << '\n';
  out << "Plan: " << summary_line(plan.stats) << '\n';
}

}  // namespace valtuus
