#include "core/policy.h"

namespace valtuus {

const MandateIssue* Policy::find_mandate(const std::string& id) const {
  for (const MandateIssue& mandate : catalog) {
    if (mandate.id == id) return &mandate;
  }
  return nullptr;
}

}  // namespace valtuus
