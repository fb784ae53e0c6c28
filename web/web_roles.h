// The console's roles come from directory groups named in the configuration
// (web.reviewer_group, web.security_group, web.admin_group). Pure.
#pragma once

#include <string>
#include <vector>

namespace valtuus {

struct RoleGroups {
  std::string reviewer;  // group DNs; empty: nobody has the role
  std::string security;
  std::string admin;
};

// The roles ("reviewer", "security", "admin") of a person in `groups` (their memberOf DNs).
// DNs are compared ignoring case and the spaces after commas, as the directory does.
std::vector<std::string> roles_from_groups(const std::vector<std::string>& groups,
                                           const RoleGroups& role_groups);

}  // namespace valtuus
