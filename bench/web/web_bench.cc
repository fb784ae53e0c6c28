// The console at scale (bench/web/run): the real Console and HttpServer over the real
// database, as a login in valtuus_console, with 10,000 open items (seed.sql). The directory is
// a fixed list of reviewers (an LDAP bind is the directory's time, not the console's).
//   1. The queue page: the first page, a filtered page and the last page, each GET timed
//      from the client (connect, request, whole response) over loopback.
//   2. 50 sessions at once: each logs in, then browses the queue and items and approves
//      items of its own, for a number of rounds; every answer is checked, errors counted.
// Usage: web_bench CONNINFO ROUNDS   (CONNINFO: the valtuus_console login to the bench database)
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

#include "tests/web/http_test_client.h"
#include "web/console.h"
#include "web/http_forms.h"
#include "web/http_server.h"

using namespace valtuus;
using testing::HttpReply;
using BenchClock = std::chrono::steady_clock;

namespace {

const std::string kReviewers = "CN=Reviewers,OU=Groups,DC=bench,DC=example";
constexpr int kSessions = 50;
constexpr int kPageSize = 50;

// reviewer0 ... reviewer49, password "bench".
class BenchDirectory : public Authenticator {
 public:
  std::optional<DirectoryPerson> authenticate(const std::string& account,
                                              const std::string& password) override {
    if (password != "bench" || !account.starts_with("reviewer")) return std::nullopt;
    return lookup(account);
  }
  std::optional<DirectoryPerson> lookup(const std::string& account) override {
    return DirectoryPerson{account, "Bench " + account, "fi", {kReviewers}};
  }
};

// One request on its own connection, as http_request, but waiting up to a minute for the answer:
// a slow answer is measured, not counted as an error (status 0 means none came at all).
HttpReply request(unsigned short port, const std::string& method, const std::string& target,
                  const std::string& cookies, const std::string& form = "") {
  std::string text =
      method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  if (!cookies.empty()) text += "Cookie: " + cookies + "\r\n";
  if (method == "POST") {
    text += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
            std::to_string(form.size()) + "\r\n";
  }
  testing::RawClient client(port);
  client.send(text + "\r\n" + form);
  const std::string answer = client.read_until_closed(std::chrono::seconds{60});
  HttpReply reply;
  const auto head_end = answer.find("\r\n\r\n");
  if (answer.size() < 12 || head_end == std::string::npos) return reply;
  reply.status = std::stoi(answer.substr(9, 3));
  std::size_t at = answer.find("\r\n") + 2;
  while (at < head_end) {
    const auto end = answer.find("\r\n", at);
    const std::string line = answer.substr(at, end - at);
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers.emplace_back(name, line.substr(line.find_first_not_of(' ', colon + 1)));
    at = end + 2;
  }
  reply.body = answer.substr(head_end + 4);
  return reply;
}

double seconds_since(BenchClock::time_point start) {
  return std::chrono::duration<double>(BenchClock::now() - start).count();
}

struct Timings {
  std::vector<double> values;
  void add(double value) { values.push_back(value); }
  double percentile(double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(p * static_cast<double>(values.size())))];
  }
};

std::string csrf_of(const std::string& body) {
  static const std::regex field(R"re(name="csrf" value="([^"]+)")re");
  std::smatch match;
  return std::regex_search(body, match, field) ? match[1].str() : "";
}

// The session cookie of a reviewer, logged in through the form as a browser does; "" on failure.
std::string log_in(unsigned short port, const std::string& account) {
  const HttpReply form = request(port, "GET", "/login", "");
  const auto login_cookie = form.set_cookie("valtuus_login_csrf");
  if (!login_cookie) return "";
  const HttpReply reply =
      request(port, "POST", "/login", "valtuus_login_csrf=" + *login_cookie,
              "csrf=" + csrf_of(form.body) + "&account=" + account + "&password=bench");
  const auto session = reply.set_cookie("valtuus_session");
  return reply.status == 303 && session ? "valtuus_session=" + *session : "";
}

void time_queue_pages(unsigned short port, const std::string& cookies, int rounds) {
  const std::vector<std::pair<std::string, std::string>> pages{
      {"queue, first page (50 of 10,000)", "/"},
      {"queue, one department", "/?department=Toimiala%207"},
      {"queue, one theme, older than 3 days", "/?theme=theme-3&older=3"},
      {"queue, last page (page 200)", "/?page=200"},
  };
  for (const auto& [label, target] : pages) {
    Timings timings;
    std::size_t bytes = 0;
    for (int i = 0; i < rounds; ++i) {
      const auto start = BenchClock::now();
      const HttpReply reply = request(port, "GET", target, cookies);
      timings.add(seconds_since(start));
      bytes = reply.body.size();
      if (reply.status != 200 || reply.body.find("href=\"/items/") == std::string::npos) {
        std::cerr << "unexpected answer to " << target << ": " << reply.status << "\n";
        std::exit(1);
      }
    }
    std::cout << fmt::format("{:<40} median {:6.3f} s, p95 {:6.3f} s, max {:6.3f} s ({} KB)\n",
                             label, timings.percentile(0.5), timings.percentile(0.95),
                             timings.percentile(1.0), bytes / 1024);
  }
}

struct Totals {
  std::atomic<int> requests{0};
  std::atomic<int> errors{0};
  std::atomic<int> approved{0};
  std::mutex mutex;
  Timings latencies;
  std::vector<std::string> first_errors;
  void error(const std::string& what) {
    ++errors;
    std::lock_guard lock(mutex);
    if (first_errors.size() < 5) first_errors.push_back(what);
  }
};

// One reviewer: the queue, the department's queue, an item of its own (every 50th from its
// number), approved at the version on the page; then the item page again.
void browse_and_decide(unsigned short port, int number, int rounds, Totals& totals) {
  const std::string account = "reviewer" + std::to_string(number);
  const std::string cookies = log_in(port, account);
  if (cookies.empty()) return totals.error(account + " could not log in");
  Timings mine;
  auto timed = [&](const std::string& method, const std::string& target, const std::string& form) {
    const auto start = BenchClock::now();
    HttpReply reply = request(port, method, target, cookies, form);
    mine.add(seconds_since(start));
    ++totals.requests;
    return reply;
  };
  static const std::regex version_field(R"re(name="version" value="(\d+)")re");
  for (int round = 0; round < rounds; ++round) {
    const HttpReply queue =
        timed("GET", "/?page=" + std::to_string(1 + (number + round) % 200), "");
    if (queue.status != 200) totals.error(fmt::format("{}: queue {}", account, queue.status));
    const HttpReply department =
        timed("GET", "/?department=Toimiala%20" + std::to_string(number % 40), "");
    if (department.status != 200) {
      totals.error(fmt::format("{}: department {}", account, department.status));
    }
    // Items 1..10,000: this reviewer takes number+1, number+51, ... (nobody else's).
    const long long item = 1 + number + static_cast<long long>(round) * kSessions;
    const std::string path = "/items/" + std::to_string(item);
    const HttpReply page = timed("GET", path, "");
    std::smatch version;
    if (page.status != 200 || !std::regex_search(page.body, version, version_field)) {
      totals.error(fmt::format("{}: {} gave {}", account, path, page.status));
      continue;
    }
    const HttpReply approve = timed("POST", path + "/approve",
                                    "csrf=" + csrf_of(page.body) + "&version=" + version[1].str());
    if (approve.status != 303) {
      totals.error(fmt::format("{}: approve {} gave {}", account, item, approve.status));
      continue;
    }
    ++totals.approved;
    const HttpReply after = timed("GET", approve.header("location"), "");
    if (after.status != 200) totals.error(fmt::format("{}: after {}", account, after.status));
  }
  std::lock_guard lock(totals.mutex);
  for (double value : mine.values) totals.latencies.add(value);
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc != 3) {
    std::cerr << "usage: web_bench CONNINFO ROUNDS\n";
    return 64;
  }
  const int rounds = std::stoi(argv[2]);
  WebStore store(DatabaseOptions{argv[1], ""});
  store.require_current_schema();
  BenchDirectory directory;
  ConsoleOptions options;
  options.role_groups.reviewer = kReviewers;
  options.page_size = kPageSize;
  options.login_max_failures = 100;
  Console console(options, directory, store);
  WebOptions web;  // the shipped defaults: 2 threads, 200 connections
  web.port = 0;
  HttpServer server(web, [&console](const HttpRequest& request, const RequestInfo& info) {
    return console.handle(request, info);
  });
  server.start();
  const unsigned short port = server.port();

  const std::string cookies = log_in(port, "reviewer0");
  if (cookies.empty()) {
    std::cerr << "cannot log in\n";
    return 1;
  }
  time_queue_pages(port, cookies, 20);

  Totals totals;
  const auto start = BenchClock::now();
  std::vector<std::thread> sessions;
  for (int i = 0; i < kSessions; ++i) {
    sessions.emplace_back(browse_and_decide, port, i, rounds, std::ref(totals));
  }
  for (auto& thread : sessions) thread.join();
  const double took = seconds_since(start);
  std::cout << fmt::format(
      "{} sessions at once, {} rounds each: {} requests in {:.1f} s ({:.0f}/s), {} approved, "
      "{} errors; request latency median {:.3f} s, p95 {:.3f} s, max {:.3f} s\n",
      kSessions, rounds, totals.requests.load(), took, totals.requests.load() / took,
      totals.approved.load(), totals.errors.load(), totals.latencies.percentile(0.5),
      totals.latencies.percentile(0.95), totals.latencies.percentile(1.0));
  for (const auto& error : totals.first_errors) std::cout << "  error: " << error << "\n";
  server.stop();
  return totals.errors.load() == 0 ? 0 : 1;
}
