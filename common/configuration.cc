#include "common/configuration.h"

#include <fstream>
#include <sstream>

#include "common/option_error_text.h"
#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

std::string env_name(const std::string& option) {
  std::string out = "VALTUUS_";
  for (char c : option) {
    out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

// Maps VALTUUS_DIRECTORY_URI to directory.uri for the shared options only; other variables
// are ignored, so the environment can never inject a command-line-only option.
std::function<std::string(std::string)> env_mapper(const po::options_description& shared) {
  return [&shared](const std::string& variable) -> std::string {
    for (const auto& option : shared.options()) {
      if (env_name(option->long_name()) == variable) return option->long_name();
    }
    return "";
  };
}

std::string value_text(const po::variable_value& value) {
  const auto& any = value.value();
  if (const auto* s = boost::any_cast<std::string>(&any)) return *s;
  if (const auto* v = boost::any_cast<std::vector<std::string>>(&any)) {
    std::string out;
    for (const auto& item : *v) out += (out.empty() ? "" : ", ") + item;
    return out;
  }
  if (const auto* i = boost::any_cast<int>(&any)) return std::to_string(*i);
  if (const auto* b = boost::any_cast<bool>(&any)) return *b ? "true" : "false";
  if (const auto* d = boost::any_cast<double>(&any)) return std::to_string(*d);
  return "(set)";
}

}  // namespace

Configuration read_configuration(int argc, const char* const argv[],
                                 const ConfigurationSources& sources) {
  Configuration config;
  po::options_description all;
  all.add(sources.command_line_only).add(sources.shared);
  try {
    auto parser = po::command_line_parser(argc, argv).options(all);
    // An empty positional description would reject every word; without one, words are left
    // over for a subcommand (when unregistered options are allowed) or refused.
    if (sources.positional.max_total_count() > 0) parser.positional(sources.positional);
    if (sources.allow_unregistered_command_line) parser.allow_unregistered();
    po::parsed_options parsed = parser.run();
    config.unrecognised = po::collect_unrecognized(parsed.options, po::include_positional);
    po::store(parsed, config.values);
    po::store(po::parse_environment(sources.shared, env_mapper(sources.shared)), config.values);
  } catch (po::error& e) {
    throw ConfigError("command line: " + option_error_text(e));
  }

  const bool explicit_file = config.values.count("config") > 0;
  config.config_file =
      explicit_file ? config.values["config"].as<std::string>() : sources.default_config_file;
  if (!config.config_file.empty()) {
    std::ifstream in(config.config_file);
    if (!in) {
      if (explicit_file) {
        throw ConfigError(config.config_file + ": cannot read the configuration file");
      }
      config.config_file.clear();  // the default file is optional
    } else {
      try {
        po::store(po::parse_config_file(in, sources.shared), config.values);
      } catch (po::error& e) {
        throw ConfigError(config.config_file + ": " + option_error_text(e));
      }
    }
  }
  try {
    po::notify(config.values);
  } catch (po::error& e) {
    throw ConfigError(option_error_text(e));
  }
  return config;
}

std::string print_configuration(const Configuration& config,
                                const po::options_description& options) {
  std::ostringstream out;
  for (const auto& option : options.options()) {
    const std::string& name = option->long_name();
    auto it = config.values.find(name);
    if (it == config.values.end() || it->second.empty()) continue;
    const bool secret = name.ends_with("password") || name.ends_with("secret");
    out << name << " = " << (secret ? "(redacted)" : value_text(it->second)) << '\n';
  }
  return out.str();
}

}  // namespace valtuus
