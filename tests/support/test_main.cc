// The main of every test executable (cmake/ValtuusTest.cmake). One executable per test folder
// holds the tests of several CTest tests (linking one executable under the sanitizers instead of
// one per CTest test saves most of the links of a cold build), and each CTest test runs only the
// tests defined in its own source files:
//   tests_core --sources=tests/core/dn_test.cc[,tests/core/other_test.cc...]
// A path is relative to the source tree and matches the end of the file name GoogleTest recorded
// for each test (__FILE__). Without --sources, or with an explicit --gtest_filter (a developer's,
// or a death test's child), GoogleTest's own selection applies unchanged.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kSourcesFlag = "--sources=";

std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> items;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto item = list.substr(0, comma);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return items;
}

// `file` as the compiler saw it: absolute, or relative to the build folder when ccache rewrote it.
bool names_source(std::string_view file, std::string_view source) {
  if (file == source) return true;
  return file.size() > source.size() && file.ends_with(source) &&
         file[file.size() - source.size() - 1] == '/';
}

// The tests defined in `sources` as one GoogleTest filter, or an empty string after reporting
// why they cannot be selected (none, or a name also used by a test in another file, which the
// filter would run too).
std::string filter_for(const std::vector<std::string>& sources) {
  std::map<std::string, std::set<std::string>> files_by_name;
  std::set<std::string> selected;
  const auto& unit = *testing::UnitTest::GetInstance();
  for (int s = 0; s < unit.total_test_suite_count(); ++s) {
    const auto& suite = *unit.GetTestSuite(s);
    for (int t = 0; t < suite.total_test_count(); ++t) {
      const auto& info = *suite.GetTestInfo(t);
      const std::string name = std::string(info.test_suite_name()) + "." + info.name();
      files_by_name[name].insert(info.file());
      for (const auto& source : sources) {
        if (names_source(info.file(), source)) selected.insert(name);
      }
    }
  }
  // A source without tests is a helper (an HTTP client, the receivers' address); a CTest test
  // none of whose files defines a test is a mistake in its registration.
  bool ok = true;
  if (selected.empty()) {
    std::cerr << "test_main: no test is defined in";
    for (const auto& source : sources) std::cerr << " " << source;
    std::cerr << "\n";
    ok = false;
  }
  std::string filter;
  for (const auto& name : selected) {
    for (const auto& file : files_by_name[name]) {
      bool ours = false;
      for (const auto& source : sources) ours = ours || names_source(file, source);
      if (!ours) {
        std::cerr << "test_main: " << name << " is also defined in " << file
                  << "; rename one of them\n";
        ok = false;
      }
    }
    filter += (filter.empty() ? "" : ":") + name;
  }
  return ok ? filter : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> sources;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with(kSourcesFlag)) {
      sources = split_list(arg.substr(kSourcesFlag.size()));
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);
  testing::InitGoogleTest(&count, args.data());
  if (!sources.empty() && GTEST_FLAG_GET(filter) == "*") {
    const std::string filter = filter_for(sources);
    if (filter.empty()) return 1;
    GTEST_FLAG_SET(filter, filter);
  }
  return RUN_ALL_TESTS();
}
