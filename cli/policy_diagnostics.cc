#include "cli/policy_diagnostics.h"

#include "core/errors.h"

namespace valtuus {

namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

nlohmann::json diagnostics_json(const std::vector<PolicyDiagnostic>& list) {
  nlohmann::json array = nlohmann::json::array();
  for (const PolicyDiagnostic& d : list) {
    array.push_back({{"file", d.where.file},
                     {"line", d.where.line},
                     {"column", d.where.column},
                     {"message", d.message}});
  }
  return array;
}

}  // namespace

std::string diagnostic_line(const PolicyDiagnostic& d, std::string_view severity) {
  std::string where;
  if (!d.where.file.empty()) {
    where = d.where.file;
    if (d.where.line > 0) {
      where += ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
    }
    where += ": ";
  }
  return where + std::string(severity) + ": " + d.message;
}

PolicyLoadResult load_policy_reporting(const std::string& dir) {
  try {
    return load_policy_dir(dir);
  } catch (const ConfigError& e) {
    // read_policy_dir() names the option ("policy.dir: ..."), but here the directory may have
    // come from the command line: the message after the prefix already names it.
    std::string message = e.what();
    constexpr std::string_view kPrefix = "policy.dir: ";
    if (message.starts_with(kPrefix)) message.erase(0, kPrefix.size());
    PolicyLoadResult result;
    result.errors.push_back({{}, message});
    return result;
  }
}

void print_check_text(std::ostream& out, const PolicyLoadResult& result) {
  for (const PolicyDiagnostic& d : result.errors) out << diagnostic_line(d, "error") << '\n';
  for (const PolicyDiagnostic& d : result.warnings) out << diagnostic_line(d, "warning") << '\n';
  if (!result.policy) {
    out << plural(result.errors.size(), "error", "errors")
        << ": the policy would be refused whole\n";
    return;
  }
  out << plural(result.policy->catalog.size(), "theme", "themes") << ", "
      << plural(result.policy->maps.size(), "map", "maps") << ": OK";
  if (!result.warnings.empty()) {
    out << " (" << plural(result.warnings.size(), "warning", "warnings") << ")";
  }
  out << '\n';
}

nlohmann::json check_json(const PolicyLoadResult& result) {
  nlohmann::json json = {{"valid", result.policy.has_value()},
                         {"errors", diagnostics_json(result.errors)},
                         {"warnings", diagnostics_json(result.warnings)},
                         {"themes", nullptr},
                         {"maps", nullptr}};
  if (result.policy) {
    json["themes"] = result.policy->catalog.size();
    json["maps"] = result.policy->maps.size();
  }
  return json;
}

void print_refusal(std::ostream& out, const std::string& dir, const PolicyLoadResult& result) {
  for (const PolicyDiagnostic& d : result.errors) out << diagnostic_line(d, "error") << '\n';
  out << plural(result.errors.size(), "error", "errors") << " in " << dir
      << ": the policy is refused; see valtuusctl policy check " << dir << '\n';
}

}  // namespace valtuus
