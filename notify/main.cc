// valtuus-notify: sends the notifications the sync daemon and the reviewers' decisions put in
// the outbox, by mail (SMTP through libcurl) and to a webhook. It never decides or changes
// anything else: its database role may only read and mark outbox rows.
#include <signal.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "common/configuration.h"
#include "common/error_exit.h"
#include "common/exit_codes.h"
#include "common/file_check.h"
#include "common/log.h"
#include "common/privileges.h"
#include "common/secret_file.h"
#include "connectors/postgres/postgres_options.h"
#include "connectors/postgres/store_session.h"
#include "core/errors.h"
#include "messages/template.h"
#include "notify/notify_options.h"
#include "notify/outbox_sender.h"

namespace po = boost::program_options;
using namespace valtuus;

namespace {

constexpr const char* kProgram = "valtuus-notify";

ConfigurationSources configuration_sources() {
  ConfigurationSources sources;
  sources.command_line_only.add(notify_command_line_options());
  sources.shared.add(database_options_description()).add(notify_shared_options());
  sources.default_config_file = "/etc/valtuus/valtuus-notify.conf";
  return sources;
}

// Everything read from the configuration; rebuilt whole on SIGHUP.
struct Settings {
  NotifyOptions notify;
  DatabaseOptions database;
  std::vector<std::filesystem::path> template_dirs;
};

Settings load_settings(int argc, const char* const argv[], Configuration* out = nullptr) {
  const ConfigurationSources sources = configuration_sources();
  Configuration config = read_configuration(argc, argv, sources);
  Settings settings{notify_options_from(config.values), database_options_from(config.values), {}};
  if (!settings.notify.template_dir.empty()) {
    settings.template_dirs.emplace_back(settings.notify.template_dir);
  }
  for (const auto& dir : default_template_dirs()) settings.template_dirs.push_back(dir);
  if (out) *out = std::move(config);
  return settings;
}

TemplateSet load_templates(const Settings& settings) {
  try {
    return TemplateSet::load(settings.template_dirs);
  } catch (const TemplateError& e) {
    throw ConfigError(std::string("templates: ") + e.what());
  }
}

// --check-config: the files the sender opens only when it sends (or connects) are opened now,
// so that a configuration that cannot work is refused before the start, naming the option.
// The SMTP password and webhook token were already read by notify_options_from.
void check_files(const Settings& settings) {
  if (!settings.database.password_file.empty()) {
    read_secret_file(settings.database.password_file, "database.password_file");
  }
  if (settings.notify.smtp && !settings.notify.smtp->ca_file.empty()) {
    require_readable_file(settings.notify.smtp->ca_file, "notify.smtp_ca_file");
  }
  if (settings.notify.webhook && !settings.notify.webhook->ca_file.empty()) {
    require_readable_file(settings.notify.webhook->ca_file, "notify.webhook_ca_file");
  }
  // A configured folder that is not there would silently fall back to the shipped templates.
  if (!settings.notify.template_dir.empty()) {
    require_readable_folder(settings.notify.template_dir, "notify.template_dir");
  }
}

// The signals the loop waits for arrive through sigtimedwait, not handlers.
sigset_t block_loop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

bool stop_pending() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
}

int run(int argc, const char* const argv[], Settings settings) {
  const sigset_t signals = block_loop_signals();
  auto owned = std::make_unique<Settings>(std::move(settings));
  TemplateSet templates = load_templates(*owned);
  std::unique_ptr<StoreSession> database;
  std::unique_ptr<OutboxSender> sender;
  bool ready = false;
  for (;;) {
    try {
      if (!database) {
        database = StoreSession::open(owned->database, StoreSession::SchemaCheck::kNone);
        sender = std::make_unique<OutboxSender>(*database, owned->notify, templates);
        log_info("connected to the database " + redact_conninfo(owned->database.conninfo));
      }
      sender->run_daily_jobs(std::chrono::system_clock::now());
      const DrainStats stats = sender->drain(stop_pending);
      if (stats.sent + stats.retry + stats.dead > 0) {
        log_info(fmt::format("outbox: {} sent, {} to retry, {} dead", stats.sent, stats.retry,
                             stats.dead));
      }
      if (!ready) {
        sd_notify(0, "READY=1");
        ready = true;
      }
      sd_notifyf(0, "STATUS=last drain: %d sent, %d to retry, %d dead", stats.sent, stats.retry,
                 stats.dead);
    } catch (const TransientError& e) {
      // Includes a lost connection ("database connection lost: ...").
      log_error(e.what());
      sender.reset();
      database.reset();
      if (owned->notify.once) return kExitTransient;
    } catch (const Refused& e) {
      // A refused statement (a missing grant, named with the role the login needs; an old
      // schema): the connection may be unusable.
      log_error("database: " + e.detail());
      sender.reset();
      database.reset();
      if (owned->notify.once) return kExitFailure;
    }
    if (owned->notify.once) return kExitOk;
    timespec timeout{owned->notify.interval_s, 0};
    const int signal = sigtimedwait(&signals, nullptr, &timeout);
    if (signal == SIGTERM || signal == SIGINT) {
      sd_notify(0, "STOPPING=1");
      log_info("stopping on signal");
      return kExitOk;
    }
    if (signal == SIGHUP) {
      sd_notify(0, "RELOADING=1");
      try {
        auto reloaded = std::make_unique<Settings>(load_settings(argc, argv));
        TemplateSet new_templates = load_templates(*reloaded);
        sender.reset();  // it refers to the old settings
        database.reset();
        owned = std::move(reloaded);
        templates = std::move(new_templates);
        log_info("configuration and templates reloaded");
      } catch (const ConfigError& e) {
        log_error(std::string(e.what()) + "; keeping the last good configuration");
      }
      sd_notify(0, "READY=1");
    }
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  set_log_program(kProgram);
  std::signal(SIGPIPE, SIG_IGN);  // a receiver that goes away mid-write must be an error, not death
  try {
    const ConfigurationSources sources = configuration_sources();
    Configuration config;
    // --help, --version and --print-config need no valid settings.
    Configuration early = read_configuration(argc, argv, sources);
    if (early.values.count("help")) {
      std::cout << "Usage: valtuus-notify [--config FILE] [--once] [--check-config] "
                   "[--print-config]\n\n"
                << sources.command_line_only << '\n'
                << sources.shared << '\n';
      return kExitOk;
    }
    if (early.values.count("version")) {
      std::cout << kProgram << ' ' << VALTUUS_VERSION << '\n';
      return kExitOk;
    }
    if (early.values.count("print-config")) {
      std::cout << print_configuration(early, sources.shared);
      return kExitOk;
    }
    Settings settings = load_settings(argc, argv, &config);
    if (config.values.count("check-config")) {
      check_files(settings);
      load_templates(settings);
      std::cout << "configuration and templates are valid\n";
      return kExitOk;
    }
    refuse_root("valtuus-notify");
    return run(argc, argv, std::move(settings));
  } catch (const std::exception& e) {
    return log_error_exit(e);
  }
}
