#include "tests/notify/receivers_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace valtuus::testing {

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

void write_control(const std::string& path, int code, int count) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (code == 0) {
      out << "down\n";
    } else {
      out << code << ' ' << count << '\n';
    }
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

const Receivers& Receivers::get() {
  static const Receivers receivers = [] {
    const char* path = std::getenv("VALTUUS_TEST_RECEIVERS_ENV");
    if (path == nullptr || *path == '\0') {
      throw std::runtime_error(
          "$VALTUUS_TEST_RECEIVERS_ENV is not set: run through ctest, whose fixture "
          "\"receivers\" starts scripts/test-receivers");
    }
    Receivers r;
    std::istringstream in(read_all(path));
    std::string line;
    while (std::getline(in, line)) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) r.values_[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return r;
  }();
  return receivers;
}

const std::string& Receivers::value(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::runtime_error("receivers env has no " + key);
  return it->second;
}

std::string Receivers::smtp_password() const {
  return read_all(value("VALTUUS_TEST_SMTP_PASSWORD_FILE"));
}
std::string Receivers::webhook_token() const {
  return read_all(value("VALTUUS_TEST_WEBHOOK_TOKEN_FILE"));
}

std::string Receivers::unique_name(const std::string& hint) {
  static std::atomic<int> counter{0};
  return hint + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".test";
}

std::vector<nlohmann::json> Receivers::mails(const std::string& domain) const {
  return read_jsonl(value("VALTUUS_TEST_RECEIVERS_DIR") + "/smtp/" + domain + ".jsonl");
}
std::vector<nlohmann::json> Receivers::posts(const std::string& segment) const {
  return read_jsonl(value("VALTUUS_TEST_RECEIVERS_DIR") + "/webhook/" + segment + ".jsonl");
}

void Receivers::control_smtp(const std::string& domain, int code, int count) const {
  write_control(value("VALTUUS_TEST_RECEIVERS_DIR") + "/control/smtp-" + domain, code, count);
}
void Receivers::control_webhook(const std::string& segment, int code, int count) const {
  write_control(value("VALTUUS_TEST_RECEIVERS_DIR") + "/control/webhook-" + segment, code, count);
}
void Receivers::clear_smtp(const std::string& domain) const {
  std::filesystem::remove(value("VALTUUS_TEST_RECEIVERS_DIR") + "/control/smtp-" + domain);
}
void Receivers::clear_webhook(const std::string& segment) const {
  std::filesystem::remove(value("VALTUUS_TEST_RECEIVERS_DIR") + "/control/webhook-" + segment);
}

}  // namespace valtuus::testing
