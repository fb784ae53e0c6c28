// Reading a policy directory, and the shipped example policies.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/errors.h"
#include "policies/policy_loader.h"
#include "tests/policies/policy_test_util.h"

#ifndef VALTUUS_SOURCE_DIR
#error "VALTUUS_SOURCE_DIR must name the source tree (set in tests/policies/CMakeLists.txt)"
#endif

namespace valtuus {
namespace {

namespace fs = std::filesystem;
using testing::dump;

// A fresh directory, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "valtuus-policy-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  void write(const std::string& relative, const std::string& text) const {
    const fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
  }

 private:
  fs::path path_;
};

std::string config_error_of(const std::string& dir) {
  try {
    read_policy_dir(dir);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(PolicyDir, ReadsYamlFilesRecursivelySortedByPath) {
  TempDir dir;
  dir.write("maps/omavalmentaja.yml", "maps: []\n");
  dir.write("catalog.yaml", "mandates: []\n");
  dir.write("maps/elinkeinoasiat.yaml", "maps: []\n");
  dir.write("README.md", "not policy");
  dir.write("catalog.yaml.orig", "mandates: [broken\n");
  dir.write(".hidden.yaml", "broken: [\n");
  dir.write(".git/config.yaml", "broken: [\n");
  const auto files = read_policy_dir(dir.path().string());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, (dir.path() / "catalog.yaml").string());
  EXPECT_EQ(files[0].text, "mandates: []\n");
  EXPECT_EQ(files[1].path, (dir.path() / "maps/elinkeinoasiat.yaml").string());
  EXPECT_EQ(files[2].path, (dir.path() / "maps/omavalmentaja.yml").string());
}

TEST(PolicyDir, MissingDirectoryIsAConfigError) {
  TempDir dir;
  const std::string missing = (dir.path() / "nope").string();
  const std::string message = config_error_of(missing);
  EXPECT_TRUE(message.starts_with("policy.dir: " + missing)) << message;
}

TEST(PolicyDir, AFileIsNotADirectory) {
  TempDir dir;
  dir.write("catalog.yaml", "mandates: []\n");
  const std::string file = (dir.path() / "catalog.yaml").string();
  EXPECT_EQ(config_error_of(file), "policy.dir: " + file + ": not a directory");
}

TEST(PolicyDir, DirectoryWithoutYamlIsAConfigError) {
  TempDir dir;
  dir.write("notes.txt", "mandates: []\n");
  const std::string message = config_error_of(dir.path().string());
  EXPECT_TRUE(message.starts_with("policy.dir: ")) << message;
  EXPECT_NE(message.find("holds no policy file"), std::string::npos) << message;
}

TEST(PolicyDir, UnreadableFileIsAConfigError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  TempDir dir;
  dir.write("catalog.yaml", "mandates: []\n");
  fs::permissions(dir.path() / "catalog.yaml", fs::perms::none);
  const std::string message = config_error_of(dir.path().string());
  EXPECT_TRUE(message.starts_with("policy.dir: cannot read ")) << message;
}

TEST(PolicyDir, EveryUnreadableFileIsNamedAtOnce) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  TempDir dir;
  dir.write("a.yaml", "mandates: []\n");
  dir.write("b.yaml", "maps: []\n");
  dir.write("c.yaml", "maps: []\n");
  fs::permissions(dir.path() / "a.yaml", fs::perms::none);
  fs::permissions(dir.path() / "c.yaml", fs::perms::none);
  const std::string message = config_error_of(dir.path().string());
  EXPECT_NE(message.find("a.yaml"), std::string::npos) << message;
  EXPECT_NE(message.find("c.yaml"), std::string::npos) << message;
  EXPECT_EQ(message.find("b.yaml"), std::string::npos) << message;
}

TEST(PolicyDir, LoadReadsAndParses) {
  TempDir dir;
  dir.write("a/catalog.yaml", testing::minimal_catalog().text);
  dir.write("b/maps.yaml",
            "maps:\n  - {id: all, match: all, grants: [{mandate: kela-etuustiedot, why: x}]}\n");
  const auto result = load_policy_dir(dir.path().string());
  ASSERT_TRUE(result.policy) << dump(result);
  EXPECT_EQ(result.policy->catalog.at(0).location.file, (dir.path() / "a/catalog.yaml").string());
  EXPECT_EQ(result.policy->maps.at(0).grants.at(0).location.file,
            (dir.path() / "b/maps.yaml").string());
}

TEST(PolicyDir, ShippedExamplesLoadWithoutErrors) {
  const std::string examples = std::string(VALTUUS_SOURCE_DIR) + "/policies/examples";
  const auto result = load_policy_dir(examples);
  EXPECT_TRUE(result.errors.empty()) << dump(result);
  ASSERT_TRUE(result.policy) << dump(result);
  EXPECT_FALSE(result.policy->catalog.empty());
  EXPECT_FALSE(result.policy->maps.empty());
  for (const auto& map : result.policy->maps) {
    for (const auto& grant : map.grants) {
      EXPECT_NE(result.policy->find_mandate(grant.mandate), nullptr) << grant.mandate;
      EXPECT_GT(grant.location.line, 0);
    }
  }
}

}  // namespace
}  // namespace valtuus
