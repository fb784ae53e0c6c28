// The filters every oversight report takes.
#pragma once

#include <optional>
#include <string>

namespace valtuus {

// Department compares ignoring case and surrounding space, as `changes list` does; theme is a
// catalog id.
struct ReportFilter {
  std::optional<std::string> department;
  std::optional<std::string> theme;
};

}  // namespace valtuus
