// valtuus-web's settings: its own web.* options, and the directory and database options it
// shares with valtuusd (valtuus-web.conf uses the same names), from the command line, the
// environment and /etc/valtuus/valtuus-web.conf.
#pragma once

#include "common/configuration.h"
#include "connectors/ldap/ldap_options.h"
#include "connectors/postgres/postgres_options.h"
#include "web/console.h"
#include "web/web_options.h"

namespace valtuus {

struct WebSettings {
  WebOptions web;
  ConsoleOptions console;
  LdapOptions directory;
  DatabaseOptions database;
};

ConfigurationSources web_configuration_sources();

// Throws ConfigError naming the option at fault.
WebSettings web_settings_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
