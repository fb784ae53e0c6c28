// Helpers shared by the policy loader tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "policies/policy_loader.h"

namespace valtuus::testing {

// Every diagnostic formatted, one a line, for failure messages.
inline std::string dump(const std::vector<PolicyDiagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += "  " + format(d) + "\n";
  return out.empty() ? "  (none)\n" : out;
}

inline std::string dump(const PolicyLoadResult& result) {
  return "errors:\n" + dump(result.errors) + "warnings:\n" + dump(result.warnings);
}

// Whether some diagnostic, formatted, starts with `prefix` and contains `also` (if given).
inline ::testing::AssertionResult has(const std::vector<PolicyDiagnostic>& diagnostics,
                                      std::string_view prefix, std::string_view also = "") {
  for (const auto& d : diagnostics) {
    const std::string text = format(d);
    if (text.starts_with(prefix) && text.find(also) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no diagnostic starting with \"" << prefix << "\""
         << (also.empty() ? "" : " and containing \"") << std::string(also)
         << (also.empty() ? "" : "\"") << " in:\n"
         << dump(diagnostics);
}

// A valid catalog file, for tests that need something to grant.
inline PolicyFile minimal_catalog(std::string path = "catalog.yaml") {
  return {std::move(path),
          "mandates:\n"
          "  - id: kela-etuustiedot\n"
          "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/kela\"\n"
          "    name: {fi: Etuustiedot, sv: Förmånsuppgifter, en: Benefits}\n"
          "    service: Kela\n"};
}

// The result of parsing one map file beside minimal_catalog().
inline PolicyLoadResult parse_with_catalog(std::string maps_text) {
  return parse_policy({minimal_catalog(), {"maps.yaml", std::move(maps_text)}});
}

}  // namespace valtuus::testing
