// The loader's only file system access: finding and reading the policy files of a directory.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

#include "core/errors.h"
#include "policies/policy_loader.h"

namespace valtuus {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& message) {
  throw ConfigError("policy.dir: " + message);
}

bool is_policy_file(const fs::path& path) {
  const std::string extension = path.extension().string();
  return extension == ".yaml" || extension == ".yml";
}

bool is_hidden(const fs::path& path) {
  return path.filename().string().starts_with(".");
}

// The file's text, or nullopt with `problem` saying why it cannot be read.
std::optional<std::string> read_file(const fs::path& path, std::string& problem) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.bad()) return text;
  }
  problem = "cannot read " + path.string() + ": " + std::strerror(errno);
  return std::nullopt;
}

}  // namespace

std::vector<PolicyFile> read_policy_dir(const std::string& dir) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) {
    fail(dir + ": " + (ec ? ec.message() : std::string("no such directory")));
  }
  if (!fs::is_directory(status)) fail(dir + ": not a directory");

  std::vector<fs::path> paths;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) fail("cannot read " + dir + ": " + ec.message());
  const fs::recursive_directory_iterator end;
  while (it != end) {
    const fs::directory_entry& entry = *it;
    std::error_code entry_ec;  // a dangling link is just not a policy file
    if (is_hidden(entry.path())) {
      if (entry.is_directory(entry_ec)) it.disable_recursion_pending();
    } else if (is_policy_file(entry.path()) && entry.is_regular_file(entry_ec)) {
      paths.push_back(entry.path());
    }
    it.increment(ec);
    if (ec) fail("cannot read " + dir + ": " + ec.message());
  }
  if (paths.empty()) fail(dir + " holds no policy file (*.yaml or *.yml)");

  std::sort(paths.begin(), paths.end(),
            [](const fs::path& a, const fs::path& b) { return a.string() < b.string(); });
  std::vector<PolicyFile> files;
  files.reserve(paths.size());
  // Every file that cannot be read is named at once, not one per attempt.
  std::string problems;
  for (const auto& path : paths) {
    std::string problem;
    if (auto text = read_file(path, problem)) {
      files.push_back({path.string(), std::move(*text)});
    } else {
      problems += (problems.empty() ? "" : "; ") + problem;
    }
  }
  if (!problems.empty()) fail(problems);
  return files;
}

PolicyLoadResult load_policy_dir(const std::string& dir) {
  return parse_policy(read_policy_dir(dir));
}

}  // namespace valtuus
