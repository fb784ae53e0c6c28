// How the loader's findings are shown to people: `policy check` prints them all, and
// `policy explain` / `policy preview` print them when a policy they were given is refused.
// Every line carries its severity so that an editor or CI log can jump to file:line:column.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "policies/policy_loader.h"

namespace valtuus {

// "file:line:column: error: message"; "file: error: message" or "error: message" when the
// position is unknown. `severity` is "error" or "warning".
std::string diagnostic_line(const PolicyDiagnostic& diagnostic, std::string_view severity);

// load_policy_dir(), except that a directory that cannot be read becomes one error instead of
// an exception: `policy check` reports it like any other problem (exit 1, not 78).
PolicyLoadResult load_policy_reporting(const std::string& dir);

// Every error and warning, one per line, then the summary: "N themes, M maps: OK" or
// "K errors".
void print_check_text(std::ostream& out, const PolicyLoadResult& result);

// {"valid", "errors": [{"file", "line", "column", "message"}], "warnings", "themes", "maps"};
// themes and maps are null when the policy is refused (a refused policy has no count).
nlohmann::json check_json(const PolicyLoadResult& result);

// Prints only the errors (for explain and preview), then "K errors in DIR: ...".
void print_refusal(std::ostream& out, const std::string& dir, const PolicyLoadResult& result);

}  // namespace valtuus
