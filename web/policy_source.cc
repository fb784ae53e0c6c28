#include "web/policy_source.h"

#include <filesystem>

#include "common/log.h"
#include "core/errors.h"
#include "policies/policy_loader.h"

namespace fs = std::filesystem;

namespace valtuus {

namespace {

constexpr std::chrono::seconds kCheckEvery{5};

std::shared_ptr<const Policy> load(const std::string& dir) {
  PolicyLoadResult result = load_policy_dir(dir);
  if (!result.policy) {
    std::string text = "policy.dir: " + dir + ": the authorisation maps are refused";
    for (const PolicyDiagnostic& d : result.errors) text += "\n  " + format(d);
    throw ConfigError(text);
  }
  return std::make_shared<const Policy>(std::move(*result.policy));
}

}  // namespace

PolicySource::PolicySource(std::string dir) : dir_(std::move(dir)) {
  if (dir_.empty()) return;
  signature_ = signature();
  policy_ = load(dir_);
  checked_ = std::chrono::steady_clock::now();
}

std::string PolicySource::signature() const {
  std::string out;
  std::error_code error;
  for (fs::recursive_directory_iterator it(dir_, error), end; !error && it != end;
       it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    const auto time = fs::last_write_time(it->path(), error).time_since_epoch().count();
    out += it->path().string() + ' ' + std::to_string(it->file_size(error)) + ' ' +
           std::to_string(time) + '\n';
  }
  return out;
}

std::shared_ptr<const Policy> PolicySource::current() {
  if (dir_.empty()) return nullptr;
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - checked_ < kCheckEvery) return policy_;
  checked_ = now;
  std::string seen = signature();
  if (seen == signature_) return policy_;
  signature_ = std::move(seen);
  try {
    policy_ = load(dir_);
    log_info("web: reloaded the authorisation maps from " + dir_);
  } catch (const std::exception& e) {
    log_warning(std::string("web: kept the last good authorisation maps: ") + e.what());
  }
  return policy_;
}

}  // namespace valtuus
