#include "tests/support/test_env.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace valtuus::testing {

namespace {

std::string env_or_throw(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string("$") + name +
                             " is not set: run integration tests through ctest, which starts "
                             "the private test servers (scripts/test-servers)");
  }
  return value;
}

TestEnv load() {
  const std::string path = env_or_throw("VALTUUS_TEST_ENV");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read test server env file " + path);
  TestEnv env;
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    env.values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

}  // namespace

const std::string& TestEnv::get(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) throw std::runtime_error("test server env has no " + key);
  return it->second;
}

std::string TestEnv::pg_conninfo(const std::string& dbname) const {
  return "host=" + get("VALTUUS_TEST_PG_HOST") + " port=" + get("VALTUUS_TEST_PG_PORT") +
         " user=" + get("VALTUUS_TEST_PG_USER") + " dbname=" + dbname;
}

const TestEnv& test_env() {
  static const TestEnv env = load();
  return env;
}

std::string source_dir() {
  return env_or_throw("VALTUUS_SOURCE_DIR");
}
std::string build_dir() {
  return env_or_throw("VALTUUS_BUILD_DIR");
}

std::string scratch_dir(const std::string& hint) {
  static std::atomic<int> counter{0};
  const char* build = std::getenv("VALTUUS_BUILD_DIR");
  std::filesystem::path base = build ? std::filesystem::path(build) / "test-scratch"
                                     : std::filesystem::temp_directory_path() / "valtuus-scratch";
  std::filesystem::path dir =
      base / (hint + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << content;
  }
  ::chmod(path.c_str(), 0600);
}

}  // namespace valtuus::testing
