#include "daemon/settings.h"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "common/log.h"
#include "core/errors.h"
#include "policies/policy_loader.h"

namespace valtuus {

ConfigurationSources configuration_sources() {
  ConfigurationSources sources;
  sources.command_line_only.add(daemon_command_line_options());
  sources.shared.add(valtuusd_file_options());
  sources.default_config_file = "/etc/valtuus/valtuusd.conf";
  return sources;
}

Settings settings_from(const boost::program_options::variables_map& vm) {
  return Settings{daemon_options_from(vm),  ldap_options_from(vm), database_options_from(vm),
                  policy_options_from(vm),  leaver_rules_from(vm), identity_options_from(vm),
                  metrics_options_from(vm), guard_options_from(vm)};
}

// The key for identity codes, when configured. Reading codes without a key to store them would
// drop every code read: refused, so that the administrator learns it at start, not from an
// empty reveal months later.
std::unique_ptr<IdentityCrypto> load_identity(const Settings& settings) {
  if (!settings.directory.identity_code_attribute.empty() && settings.identity.key_file.empty()) {
    throw ConfigError(
        "directory.identity_code_attribute: set, but identity.key_file is not: identity codes "
        "would be read and never stored (set identity.key_file, or leave the attribute empty)");
  }
  return load_identity_crypto(settings.identity);
}

// Errors are always logged one by one; warnings (such as a theme whose Suomi.fi URI is still
// unknown) are listed in full only when asked, so that every start of the service does not
// repeat them: `valtuusd --check-config` shows them all.
Policy load_policy_or_throw(const PolicyOptions& options, bool list_warnings) {
  PolicyLoadResult loaded = load_policy_dir(options.dir);
  if (list_warnings) {
    for (const PolicyDiagnostic& warning : loaded.warnings) log_warning(format(warning));
  }
  for (const PolicyDiagnostic& error : loaded.errors) log_error(format(error));
  if (!loaded.policy) {
    throw ConfigError("policy.dir: " + options.dir + ": " + std::to_string(loaded.errors.size()) +
                      " error(s) in the authorisation maps");
  }
  return std::move(*loaded.policy);
}

Running load_running(const Settings& settings) {
  Policy policy = load_policy_or_throw(settings.policy, false);
  auto identity = load_identity(settings);
  log_info("policy: " + std::to_string(policy.catalog.size()) + " themes, " +
           std::to_string(policy.maps.size()) + " maps from " + settings.policy.dir);
  return Running{settings, std::move(policy), std::move(identity)};
}

// All or nothing: any error (each one logged) keeps what runs now, so a typo in a map never
// stops the service.
bool reload(Running& running, int argc, const char* const argv[]) {
  log_info("reloading the configuration and the authorisation maps");
  try {
    const ConfigurationSources sources = configuration_sources();
    Settings settings = settings_from(read_configuration(argc, argv, sources).values);
    settings.daemon.mode = running.settings.daemon.mode;
    running = load_running(settings);
    log_info("reloaded");
    return true;
  } catch (const std::exception& e) {
    log_error(std::string(e.what()) + "; keeping the running configuration and policy");
    return false;
  }
}

}  // namespace valtuus
