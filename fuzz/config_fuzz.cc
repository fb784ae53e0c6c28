// libFuzzer target for the configuration reader: any bytes as valtuusd.conf must give
// settings or one ConfigError naming what is wrong, never a crash, a hang or an exception of
// another kind (which would reach the service's last catch as an unexplained failure).
// The options are the real ones of the directory, database, policy, reconcile, guard,
// identity and SLA sections, converted and validated as valtuusd does.
//
//   config_fuzz -max_len=4096 corpus/ fuzz/corpus/config_fuzz
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "common/configuration.h"
#include "common/guard_options.h"
#include "common/identity_options.h"
#include "common/policy_options.h"
#include "common/reconcile_options.h"
#include "common/sla_options.h"
#include "connectors/ldap/ldap_options.h"
#include "connectors/postgres/postgres_options.h"
#include "core/errors.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

const valtuus::ConfigurationSources& sources() {
  static const valtuus::ConfigurationSources s = [] {
    valtuus::ConfigurationSources out;
    namespace po = boost::program_options;
    out.command_line_only.add_options()("config", po::value<std::string>(), "file");
    out.shared.add(valtuus::ldap_options_description())
        .add(valtuus::database_options_description())
        .add(valtuus::policy_options_description())
        .add(valtuus::reconcile_options_description())
        .add(valtuus::identity_options_description())
        .add(valtuus::guard_options_description())
        .add(valtuus::sla_options_description());
    return out;
  }();
  return s;
}

// The reader takes a path, as the programs do: one file per process, rewritten each time, and
// removed when the run ends normally (a crash leaves it: it is then the input that crashed).
struct ConfigFile {
  std::string path = "/tmp/valtuus-config-fuzz-" + std::to_string(::getpid());
  ~ConfigFile() { ::unlink(path.c_str()); }
};

const std::string& config_path() {
  static const ConfigFile file;
  return file.path;
}

// Runs `step`; true when it succeeded, false when it threw ConfigError with a message. Any
// other exception escapes and libFuzzer reports it as a crash.
template <typename Step>
bool config_error_only(Step step) {
  try {
    step();
    return true;
  } catch (const valtuus::ConfigError& e) {
    check(e.what()[0] != '\0');
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::FILE* file = std::fopen(config_path().c_str(), "wb");
  check(file != nullptr);
  check(std::fwrite(data, 1, size, file) == size);
  std::fclose(file);
  const char* argv[] = {"config_fuzz", "--config", config_path().c_str()};
  valtuus::Configuration config;
  if (!config_error_only([&] { config = valtuus::read_configuration(3, argv, sources()); })) {
    return 0;
  }
  check(config.config_file == config_path());
  // Each section on its own, so that one missing required option does not hide the others.
  const auto& vm = config.values;
  config_error_only([&] { valtuus::ldap_options_from(vm); });
  config_error_only([&] { valtuus::database_options_from(vm); });
  config_error_only([&] { valtuus::policy_options_from(vm); });
  config_error_only([&] { valtuus::leaver_rules_from(vm); });
  config_error_only([&] { valtuus::identity_options_from(vm); });
  config_error_only([&] { valtuus::guard_options_from(vm); });
  config_error_only([&] { valtuus::sla_targets_from(vm); });
  config_error_only([&] { valtuus::print_configuration(config, sources().shared); });
  return 0;
}
