// valtuusd's settings: every option it reads, from the command line and the configuration
// file, validated; and what the service runs with (the settings, the maps and the identity
// key), loaded at start and again, all or nothing, on SIGHUP.
#pragma once

#include <boost/program_options.hpp>
#include <memory>

#include "common/configuration.h"
#include "common/guard_options.h"
#include "common/identity_crypto.h"
#include "common/identity_options.h"
#include "common/policy_options.h"
#include "common/reconcile_options.h"
#include "config/valtuusd_file.h"  // valtuusd_file_options(): every option of valtuusd.conf
#include "connectors/ldap/ldap_options.h"
#include "connectors/postgres/database_options.h"
#include "core/policy.h"
#include "daemon/daemon_options.h"
#include "daemon/metrics.h"

namespace valtuus {

struct Settings {
  DaemonOptions daemon;
  LdapOptions directory;
  DatabaseOptions database;
  PolicyOptions policy;
  LeaverRules rules;
  IdentityOptions identity;
  MetricsOptions metrics;
  GuardOptions guard;
};

// The options valtuusd knows, and where the configuration file is by default.
ConfigurationSources configuration_sources();

// Throws ConfigError naming the option when a value is out of range.
Settings settings_from(const boost::program_options::variables_map& vm);

// The identity-code key, when configured (nullptr when not). Throws ConfigError for a key that
// cannot be used, or when codes are read (directory.identity_code_attribute) without a key.
std::unique_ptr<IdentityCrypto> load_identity(const Settings& settings);

// The authorisation maps; errors are logged one by one and then thrown as one ConfigError.
// Warnings are logged only with `list_warnings` (--check-config).
Policy load_policy_or_throw(const PolicyOptions& options, bool list_warnings);

// Everything the service runs with; replaced whole on a successful reload.
struct Running {
  Settings settings;
  Policy policy;
  std::unique_ptr<IdentityCrypto> identity;
};

// Loads the maps and the identity key for `settings`. Throws ConfigError.
Running load_running(const Settings& settings);

// SIGHUP: reads the configuration (from the same command line) and the maps again; on success
// replaces `running` (keeping its mode) and returns true. Any error is logged and keeps
// `running` as it was.
bool reload(Running& running, int argc, const char* const argv[]);

}  // namespace valtuus
