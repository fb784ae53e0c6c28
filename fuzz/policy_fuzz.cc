// libFuzzer target for the policy loader: any bytes must give diagnostics or a policy, never a
// crash, a hang or a policy that breaks the loader's promises. Byte 0xFF (never valid UTF-8)
// splits the input into several files, so that checks across files are reached too.
//
//   policy_fuzz -max_len=4096 corpus/ ../policies/examples
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "policies/policy_loader.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<valtuus::PolicyFile> files(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0xFF) {
      files.push_back({});
      continue;
    }
    files.back().text += static_cast<char>(data[i]);
  }
  for (std::size_t i = 0; i < files.size(); ++i) files[i].path = "f" + std::to_string(i) + ".yaml";

  const valtuus::PolicyLoadResult result = valtuus::parse_policy(files);
  check(result.policy.has_value() == result.errors.empty());
  for (const auto* list : {&result.errors, &result.warnings}) {
    for (const auto& d : *list) {
      check(!d.message.empty());
      check(d.where.line >= 0 && d.where.column >= 0);
      check(!valtuus::format(d).empty());
    }
  }
  if (!result.policy) return 0;
  const valtuus::Policy& policy = *result.policy;
  check(!policy.catalog.empty());
  std::set<std::string> mandate_ids, map_ids;
  for (const auto& mandate : policy.catalog) {
    check(mandate_ids.insert(mandate.id).second);
    check(!mandate.name_fi.empty() && !mandate.service.empty());
    check(mandate.max_validity_days >= 1 && mandate.max_validity_days <= 9131);
    check(mandate.renewal_notice_days >= 0 &&
          mandate.renewal_notice_days <= mandate.max_validity_days);
    check(mandate.location.line >= 1);
  }
  for (const auto& map : policy.maps) {
    check(map_ids.insert(map.id).second);
    check(map.match_all ? map.match.empty() : !map.match.empty());
    check(!map.grants.empty());
    for (const auto& grant : map.grants) {
      check(mandate_ids.count(grant.mandate) == 1);
      check(!grant.why.empty() && grant.location.line >= 1);
    }
  }
  return 0;
}
