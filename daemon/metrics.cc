#include "daemon/metrics.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "common/log.h"
#include "connectors/postgres/service_status.h"
#include "core/errors.h"

namespace valtuus {

namespace {

constexpr std::array<ChangeKind, 4> kKinds = {ChangeKind::kGrant, ChangeKind::kOrgApply,
                                              ChangeKind::kRevoke, ChangeKind::kRenew};

using Labels = std::vector<std::pair<std::string_view, std::string>>;

// Label values escape backslash, double quote and line feed (the exposition format's rules).
std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string number(long long value) {
  return std::to_string(value);
}

class Exposition {
 public:
  // HELP and TYPE once per metric family, before its samples.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view name, const Labels& labels, const std::string& value) {
    text_ += name;
    if (!labels.empty()) {
      text_ += '{';
      bool first = true;
      for (const auto& [label, label_value] : labels) {
        if (!first) text_ += ',';
        first = false;
        text_ += fmt::format("{}=\"{}\"", label, escape_label_value(label_value));
      }
      text_ += '}';
    }
    text_ += ' ';
    text_ += value;
    text_ += '\n';
  }
  // A family of one unlabelled gauge.
  void gauge(std::string_view name, std::string_view help, const std::string& value) {
    family(name, "gauge", help);
    sample(name, {}, value);
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

int proposed_of_kind(const PlanStats& stats, ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kGrant:
      return stats.grants;
    case ChangeKind::kOrgApply:
      return stats.org_applies;
    case ChangeKind::kRevoke:
      return stats.revokes;
    case ChangeKind::kRenew:
      return stats.renews;
  }
  return 0;
}

void add_last_run(Exposition& out, const RunMetrics& run) {
  const double finished = std::chrono::duration<double>(run.finished_at.time_since_epoch()).count();
  out.gauge("valtuus_last_run_timestamp_seconds",
            "When the last sync run finished, successful or not (Unix time).", number(finished));
  out.gauge("valtuus_last_run_duration_seconds", "How long the last sync run took.",
            number(run.duration_seconds));
  out.gauge("valtuus_last_run_success",
            "1 when the last sync run succeeded, 0 when it failed and will be retried.",
            number(static_cast<long long>(run.succeeded)));
  out.gauge("valtuus_last_run_complete_read",
            "1 when the last run read the directory completely (revocations are proposed only "
            "then).",
            number(static_cast<long long>(run.complete)));
  out.gauge("valtuus_last_run_full_read",
            "1 when the last run was a full read of the directory, 0 for an incremental one.",
            number(static_cast<long long>(run.full_read)));
  out.gauge("valtuus_last_run_held",
            "1 when the guard held the last run until a person releases it.",
            number(static_cast<long long>(run.held)));
  out.gauge("valtuus_last_run_id", "Id of the last recorded sync run (0: dry or failed run).",
            number(run.run_id));
  out.gauge("valtuus_last_run_entries_read", "Directory entries the last run read.",
            number(static_cast<long long>(run.entries_read)));
  out.gauge("valtuus_last_run_entries_refused",
            "Directory entries with a value the last run's read refused (those people were "
            "treated as not read; valtuusctl runs show lists them).",
            number(static_cast<long long>(run.entries_refused)));
  out.family("valtuus_last_run_items_proposed", "gauge",
             "Change items the last run proposed, by kind.");
  for (ChangeKind kind : kKinds) {
    out.sample("valtuus_last_run_items_proposed", {{"kind", to_string(kind)}},
               number(static_cast<long long>(proposed_of_kind(run.stats, kind))));
  }
  out.gauge("valtuus_last_run_items_superseded",
            "Open change items the last run superseded because their sources changed.",
            number(static_cast<long long>(run.stats.superseded)));
  out.gauge("valtuus_last_run_leavers", "Employees the last run saw as leavers.",
            number(static_cast<long long>(run.stats.leavers)));
}

void add_store(Exposition& out, const StoreMetrics& store) {
  out.gauge("valtuus_held_runs",
            "Sync runs held by the guard that no person has released or discarded yet.",
            number(store.held_runs));
  if (store.last_recorded_run) {
    out.gauge("valtuus_last_recorded_run_timestamp_seconds",
              "When the newest sync run recorded in the database finished (Unix time).",
              number(*store.last_recorded_run));
  }

  // (state, kind) -> counts per bucket, the last one +Inf (every open item).
  using Buckets = std::array<long long, kOpenItemAgeBucketsDays.size() + 1>;
  std::map<std::pair<std::string, std::string>, Buckets> groups;
  for (std::string_view state : kOpenItemStates) {
    for (ChangeKind kind : kKinds) groups[{std::string(state), to_string(kind)}] = Buckets{};
  }
  for (const OpenItemAgeCount& row : store.open_items) {
    Buckets& buckets = groups[{row.state, row.kind}];
    for (std::size_t i = 0; i < kOpenItemAgeBucketsDays.size(); ++i) {
      if (row.age_days <= kOpenItemAgeBucketsDays[i]) buckets[i] += row.count;
    }
    buckets.back() += row.count;
  }

  out.family("valtuus_open_items", "gauge",
             "Change items waiting for a person, by state and kind.");
  for (const auto& [key, buckets] : groups) {
    out.sample("valtuus_open_items", {{"state", key.first}, {"kind", key.second}},
               number(buckets.back()));
  }
  out.family("valtuus_open_items_age_days", "gauge",
             "Open change items at most `le` days old (cumulative), by state and kind; targets: "
             "3 days for a grant, 4-6 weeks for an application to DVV.");
  for (const auto& [key, buckets] : groups) {
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      const std::string le = i < kOpenItemAgeBucketsDays.size()
                                 ? std::to_string(kOpenItemAgeBucketsDays[i])
                                 : std::string("+Inf");
      out.sample("valtuus_open_items_age_days",
                 {{"state", key.first}, {"kind", key.second}, {"le", le}}, number(buckets[i]));
    }
  }
}

[[noreturn]] void throw_io(const std::string& what, const std::string& path, int error) {
  throw std::runtime_error(path + ": " + what + ": " + std::strerror(error));
}

}  // namespace

std::string format_metrics(const RunMetrics& last_run, const StoreMetrics* store) {
  Exposition out;
  add_last_run(out, last_run);
  out.gauge("valtuus_metrics_database_up",
            "1 when the figures from the database below could be read when the file was written.",
            number(static_cast<long long>(store != nullptr)));
  if (store != nullptr) add_store(out, *store);
  return out.take();
}

void write_file_atomically(const std::string& path, std::string_view content) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty()) throw std::runtime_error(path + ": not a file name");
  // In the same directory, so that rename() replaces the file in one step; a dot file without
  // the .prom suffix, so that the textfile collector ignores it while it grows.
  std::string temp = dir + "." + base + ".XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) throw_io("cannot create a temporary file", path, errno);
  const auto fail = [&](const char* what) {
    const int error = errno;
    close(fd);
    unlink(temp.c_str());
    throw_io(what, path, error);
  };
  if (fchmod(fd, 0644) != 0) fail("cannot set the mode");
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) fail("cannot flush");
  if (close(fd) != 0) {
    const int error = errno;
    unlink(temp.c_str());
    throw_io("cannot close", path, error);
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    unlink(temp.c_str());
    throw_io("cannot rename the temporary file over it", path, error);
  }
}

void write_metrics_file(const MetricsOptions& options, const RunMetrics& last_run,
                        SyncStore& database) {
  if (options.file.empty()) return;
  std::optional<StoreMetrics> store;
  try {
    store = ServiceStatus(database).store_metrics();
  } catch (const Error& e) {
    log_warning(std::string("metrics: cannot read open items and held runs: ") + e.what());
  }
  write_file_atomically(options.file, format_metrics(last_run, store ? &*store : nullptr));
}

}  // namespace valtuus
