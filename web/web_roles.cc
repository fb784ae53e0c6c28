#include "web/web_roles.h"

#include <algorithm>

namespace valtuus {

namespace {

std::string normalise_dn(const std::string& dn) {
  std::string out;
  bool after_comma = false;
  for (unsigned char c : dn) {
    if (after_comma && c == ' ') continue;
    after_comma = c == ',';
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

}  // namespace

std::vector<std::string> roles_from_groups(const std::vector<std::string>& groups,
                                           const RoleGroups& role_groups) {
  std::vector<std::string> normalised;
  for (const auto& group : groups) normalised.push_back(normalise_dn(group));
  auto member = [&](const std::string& group) {
    return !group.empty() &&
           std::find(normalised.begin(), normalised.end(), normalise_dn(group)) != normalised.end();
  };
  std::vector<std::string> roles;
  if (member(role_groups.reviewer)) roles.push_back("reviewer");
  if (member(role_groups.security)) roles.push_back("security");
  if (member(role_groups.admin)) roles.push_back("admin");
  return roles;
}

}  // namespace valtuus
