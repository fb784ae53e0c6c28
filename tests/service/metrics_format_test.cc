// The metrics file: valid Prometheus text exposition (every line a HELP/TYPE comment or
// `name{labels} value`), the figures in it, and the atomic write.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/metrics.h"

namespace valtuus {
namespace {

namespace fs = std::filesystem;

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

// Reads a metric or label name at `pos`; empty when there is none.
std::string read_name(const std::string& line, std::size_t& pos) {
  const std::size_t start = pos;
  if (pos >= line.size() || !name_start(line[pos])) return "";
  while (pos < line.size() && name_char(line[pos])) ++pos;
  return line.substr(start, pos - start);
}

bool valid_value(const std::string& text) {
  if (text == "+Inf" || text == "-Inf" || text == "NaN") return true;
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

// Parses the exposition text, failing the test on the first line that is not valid; checks
// that HELP and TYPE come once per family and before its samples.
std::vector<Sample> parse_exposition(const std::string& text) {
  std::vector<Sample> samples;
  std::set<std::string> helped, typed;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "the last line must end with a line feed";
  while (std::getline(in, line)) {
    ++number;
    SCOPED_TRACE("line " + std::to_string(number) + ": " + line);
    if (line.starts_with("# ")) {
      std::istringstream words(line.substr(2));
      std::string keyword, name, rest;
      words >> keyword >> name;
      std::getline(words, rest);
      std::size_t pos = 0;
      EXPECT_EQ(read_name(name, pos), name) << "bad metric name in a comment";
      if (keyword == "HELP") {
        EXPECT_TRUE(helped.insert(name).second) << "second HELP";
        EXPECT_FALSE(rest.empty()) << "HELP without text";
      } else if (keyword == "TYPE") {
        EXPECT_TRUE(typed.insert(name).second) << "second TYPE";
        EXPECT_TRUE(rest == " gauge" || rest == " counter") << rest;
      } else {
        ADD_FAILURE() << "a comment that is neither HELP nor TYPE";
      }
      continue;
    }
    Sample sample;
    std::size_t pos = 0;
    sample.name = read_name(line, pos);
    EXPECT_FALSE(sample.name.empty()) << "no metric name";
    EXPECT_TRUE(sample.name.starts_with("valtuus_"));
    EXPECT_TRUE(helped.count(sample.name) && typed.count(sample.name))
        << "sample before its HELP and TYPE";
    if (pos < line.size() && line[pos] == '{') {
      ++pos;
      while (pos < line.size() && line[pos] != '}') {
        const std::string label = read_name(line, pos);
        EXPECT_FALSE(label.empty()) << "bad label name";
        if (pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"') {
          ADD_FAILURE() << "expected =\" after a label name";
          return samples;
        }
        pos += 2;
        std::string value;
        while (pos < line.size() && line[pos] != '"') {
          if (line[pos] == '\\' && pos + 1 < line.size()) {
            const char escaped = line[++pos];
            EXPECT_TRUE(escaped == '\\' || escaped == '"' || escaped == 'n') << "bad escape";
            value += escaped == 'n' ? '\n' : escaped;
          } else {
            value += line[pos];
          }
          ++pos;
        }
        EXPECT_LT(pos, line.size()) << "unterminated label value";
        ++pos;
        EXPECT_TRUE(sample.labels.emplace(label, value).second) << "repeated label";
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      EXPECT_LT(pos, line.size()) << "unterminated labels";
      ++pos;
    }
    EXPECT_TRUE(pos < line.size() && line[pos] == ' ') << "expected one space before the value";
    sample.value = pos < line.size() ? line.substr(pos + 1) : "";
    EXPECT_TRUE(valid_value(sample.value)) << "bad value '" << sample.value << "'";
    samples.push_back(sample);
  }
  return samples;
}

// The value of the one sample with `name` and exactly `labels`; "" when there is none.
std::string value_of(const std::vector<Sample>& samples, const std::string& name,
                     const std::map<std::string, std::string>& labels = {}) {
  std::string found;
  int matches = 0;
  for (const Sample& s : samples) {
    if (s.name == name && s.labels == labels) {
      found = s.value;
      ++matches;
    }
  }
  EXPECT_LE(matches, 1) << name << " repeated with the same labels";
  return found;
}

RunMetrics sample_run() {
  RunMetrics run;
  run.run_id = 42;
  run.finished_at = std::chrono::system_clock::time_point(std::chrono::seconds(1764000000));
  run.duration_seconds = 12.5;
  run.succeeded = true;
  run.complete = true;
  run.held = true;
  run.full_read = false;
  run.entries_read = 1234;
  run.entries_refused = 6;
  run.stats.grants = 7;
  run.stats.org_applies = 1;
  run.stats.revokes = 3;
  run.stats.renews = 2;
  run.stats.superseded = 4;
  run.stats.leavers = 5;
  return run;
}

TEST(MetricsFormatTest, LastRunFigures) {
  const auto samples = parse_exposition(format_metrics(sample_run(), nullptr));
  EXPECT_EQ(value_of(samples, "valtuus_last_run_timestamp_seconds"), "1764000000");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_duration_seconds"), "12.5");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_success"), "1");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_complete_read"), "1");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_full_read"), "0");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_held"), "1");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_id"), "42");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_entries_read"), "1234");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_entries_refused"), "6");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_items_proposed", {{"kind", "grant"}}), "7");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_items_proposed", {{"kind", "org_apply"}}), "1");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_items_proposed", {{"kind", "revoke"}}), "3");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_items_proposed", {{"kind", "renew"}}), "2");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_items_superseded"), "4");
  EXPECT_EQ(value_of(samples, "valtuus_last_run_leavers"), "5");
}

TEST(MetricsFormatTest, WithoutTheDatabaseSaysSoAndOmitsItsFigures) {
  RunMetrics run = sample_run();
  run.succeeded = false;
  const auto samples = parse_exposition(format_metrics(run, nullptr));
  EXPECT_EQ(value_of(samples, "valtuus_last_run_success"), "0");
  EXPECT_EQ(value_of(samples, "valtuus_metrics_database_up"), "0");
  for (const Sample& s : samples) {
    EXPECT_NE(s.name, "valtuus_held_runs");
    EXPECT_NE(s.name, "valtuus_open_items");
  }
}

TEST(MetricsFormatTest, OpenItemsByStateKindAndCumulativeAgeBuckets) {
  StoreMetrics store;
  store.held_runs = 2;
  store.last_recorded_run = 1764000000.25;
  store.open_items = {{"proposed", "grant", 0, 2},      {"proposed", "grant", 1, 1},
                      {"proposed", "grant", 2, 3},      {"proposed", "grant", 10, 1},
                      {"proposed", "grant", 50, 4},     {"approved", "org_apply", 42, 1},
                      {"approved", "org_apply", 43, 1}, {"held", "revoke", 4, 6}};
  const auto samples = parse_exposition(format_metrics(sample_run(), &store));
  EXPECT_EQ(value_of(samples, "valtuus_metrics_database_up"), "1");
  EXPECT_EQ(value_of(samples, "valtuus_held_runs"), "2");
  EXPECT_EQ(value_of(samples, "valtuus_last_recorded_run_timestamp_seconds"), "1764000000.25");
  EXPECT_EQ(value_of(samples, "valtuus_open_items", {{"state", "proposed"}, {"kind", "grant"}}),
            "11");
  const auto bucket = [&](const std::string& state, const std::string& kind,
                          const std::string& le) {
    return value_of(samples, "valtuus_open_items_age_days",
                    {{"state", state}, {"kind", kind}, {"le", le}});
  };
  EXPECT_EQ(bucket("proposed", "grant", "1"), "3");
  EXPECT_EQ(bucket("proposed", "grant", "3"), "6");
  EXPECT_EQ(bucket("proposed", "grant", "7"), "6");
  EXPECT_EQ(bucket("proposed", "grant", "30"), "7");
  EXPECT_EQ(bucket("proposed", "grant", "42"), "7");
  EXPECT_EQ(bucket("proposed", "grant", "+Inf"), "11");
  EXPECT_EQ(bucket("approved", "org_apply", "30"), "0");
  EXPECT_EQ(bucket("approved", "org_apply", "42"), "1");
  EXPECT_EQ(bucket("approved", "org_apply", "+Inf"), "2");
  EXPECT_EQ(bucket("held", "revoke", "7"), "6");
  // Every open state and kind is reported, with zeros, so that alerts see no gaps.
  EXPECT_EQ(value_of(samples, "valtuus_open_items", {{"state", "applied"}, {"kind", "renew"}}),
            "0");
  EXPECT_EQ(bucket("applied", "renew", "+Inf"), "0");
  int open_series = 0;
  for (const Sample& s : samples) open_series += s.name == "valtuus_open_items";
  EXPECT_EQ(open_series, 16);  // 4 open states x 4 kinds
}

TEST(MetricsFormatTest, LabelValuesAreEscaped) {
  StoreMetrics store;
  store.open_items = {{"we\"ird\\state\nx", "grant", 1, 1}};
  const std::string text = format_metrics(sample_run(), &store);
  EXPECT_NE(text.find(R"(state="we\"ird\\state\nx")"), std::string::npos) << text;
  const auto samples = parse_exposition(text);
  EXPECT_EQ(
      value_of(samples, "valtuus_open_items", {{"state", "we\"ird\\state\nx"}, {"kind", "grant"}}),
      "1");
}

class AtomicWriteTest : public ::testing::Test {
 protected:
  AtomicWriteTest() {
    char dir_template[] = "/tmp/valtuus-metrics-XXXXXX";
    dir_ = mkdtemp(dir_template);
  }
  ~AtomicWriteTest() override { fs::remove_all(dir_); }
  std::string read(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::vector<std::string> entries() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }
  fs::path dir_;
};

TEST_F(AtomicWriteTest, ReplacesTheFileAndLeavesNothingElse) {
  const fs::path file = dir_ / "valtuusd.prom";
  write_file_atomically(file.string(), "valtuus_a 1\n");
  write_file_atomically(file.string(), "valtuus_a 2\n");
  EXPECT_EQ(read(file), "valtuus_a 2\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"valtuusd.prom"});
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u) << "node_exporter runs as another user";
}

TEST_F(AtomicWriteTest, FailureNamesThePathAndLeavesNoTemporaryFile) {
  const fs::path missing = dir_ / "no-such-dir" / "valtuusd.prom";
  try {
    write_file_atomically(missing.string(), "valtuus_a 1\n");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
  }
  // The target is a directory: the rename fails after the temporary file was written.
  const fs::path taken = dir_ / "taken.prom";
  fs::create_directory(taken);
  fs::create_directory(taken / "keep");
  EXPECT_THROW(write_file_atomically(taken.string(), "valtuus_a 1\n"), std::runtime_error);
  EXPECT_EQ(entries(), std::vector<std::string>{"taken.prom"});
}

TEST(MetricsOptionsTest, MetricsFileAliasWins) {
  namespace po = boost::program_options;
  const auto parse = [](std::vector<const char*> args) {
    po::variables_map vm;
    po::store(po::parse_command_line(static_cast<int>(args.size()), args.data(),
                                     metrics_options_description()),
              vm);
    po::notify(vm);
    return metrics_options_from(vm).file;
  };
  EXPECT_EQ(parse({"valtuusd"}), "");
  EXPECT_EQ(parse({"valtuusd", "--metrics.file=/var/lib/valtuus/metrics/a.prom"}),
            "/var/lib/valtuus/metrics/a.prom");
  EXPECT_EQ(parse({"valtuusd", "--metrics-file", "/tmp/b.prom"}), "/tmp/b.prom");
  EXPECT_EQ(parse({"valtuusd", "--metrics.file=/tmp/a.prom", "--metrics-file=/tmp/b.prom"}),
            "/tmp/b.prom");
}

}  // namespace
}  // namespace valtuus
