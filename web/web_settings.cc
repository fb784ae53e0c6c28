#include "web/web_settings.h"

#include "common/identity_crypto.h"
#include "common/identity_options.h"
#include "common/policy_options.h"
#include "common/reconcile_options.h"
#include "common/sla_options.h"
#include "core/errors.h"
#include "web/console_options.h"

namespace po = boost::program_options;

namespace valtuus {

ConfigurationSources web_configuration_sources() {
  ConfigurationSources sources;
  // clang-format off
  sources.command_line_only.add_options()
      ("help,h", "show this help and exit")
      ("version", "show the version and exit")
      ("config,c", po::value<std::string>(),
       "configuration file (default /etc/valtuus/valtuus-web.conf)")
      ("check-config", "validate the configuration, then exit")
      ("print-config", "print the effective configuration (secrets redacted) and exit");
  // clang-format on
  sources.shared.add(web_options_description())
      .add(console_options_description())
      .add(sla_options_description())
      .add(reconcile_options_description())
      .add(identity_options_description())
      .add(policy_options_description())
      .add(ldap_options_description())
      .add(database_options_description());
  sources.default_config_file = "/etc/valtuus/valtuus-web.conf";
  return sources;
}

WebSettings web_settings_from(const po::variables_map& vm) {
  WebSettings settings{web_options_from(vm), console_options_from(vm), ldap_options_from(vm),
                       database_options_from(vm)};
  // The security pages show what valtuusctl report shows, by the same settings.
  settings.console.sla = sla_targets_from(vm);
  const LeaverRules rules = leaver_rules_from(vm);
  settings.console.leavers_ous = rules.leavers_ous;
  settings.console.mover_grace = rules.mover_grace;
  settings.console.leaver_grace = rules.leaver_grace;
  // Optional: without the key the reveal says it is not set up; without the maps the coverage
  // and staff map pages do, and the console still serves reviewers.
  settings.console.identity_crypto = load_identity_crypto(identity_options_from(vm));
  if (vm.count("policy.dir")) settings.console.policy_dir = vm["policy.dir"].as<std::string>();
  // The order form gives each path's expected time by the same targets. With no identity
  // codes in the directory it asks for the employee's own, sealed with the daemon's key.
  settings.console.orders.sla = settings.console.sla;
  settings.console.orders.ask_identity_code = settings.directory.identity_code_attribute.empty();
  settings.console.orders.identity_crypto = settings.console.identity_crypto;
  // Over a Unix socket no client has an IP address, and over TCP none is `unix`: a mismatch
  // would silently turn single sign-on off.
  const std::string& proxy = settings.console.trusted_proxy;
  if (!proxy.empty() && (proxy == kUnixSocketPeer) != !settings.web.socket_path.empty()) {
    throw ConfigError(settings.web.socket_path.empty()
                          ? "web.trusted_proxy: `unix` needs web.socket"
                          : "web.trusted_proxy: with web.socket, the proxy is `unix`");
  }
  return settings;
}

}  // namespace valtuus
