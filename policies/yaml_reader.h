// Internal to the policy loader: typed, position-aware reading of one YAML file. Every problem
// is recorded as a diagnostic with its file:line:column and reading goes on, so that one pass
// reports all of a file's errors. Not thread-safe; one reader per file.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/policy.h"
#include "policies/policy_loader.h"

namespace valtuus::policy_internal {

// A diagnostic and the index of the file it concerns, so that all of them can be put in file
// order at the end. Diagnostics about no file use the index kNoFile (sorted last).
struct Finding {
  std::size_t file_index;
  PolicyDiagnostic diagnostic;
};
inline constexpr std::size_t kNoFile = static_cast<std::size_t>(-1);

struct Findings {
  std::vector<Finding> errors;
  std::vector<Finding> warnings;
};

// One key of a YAML mapping and its value.
struct Field {
  std::string name;
  YAML::Node key;
  YAML::Node value;
};

// The keys of one mapping in file order; duplicate keys are reported and dropped.
struct Fields {
  YAML::Node node;
  std::vector<Field> all;
  const Field* find(std::string_view name) const;
};

// Whether `id` is a catalog or map id: [a-z0-9][a-z0-9-]*.
bool valid_id(std::string_view id);

// The candidate nearest to `word` by edit distance (at most 2 edits), or "" when none is close.
std::string nearest(std::string_view word, std::span<const std::string_view> candidates);

// "line L, column C", for naming an earlier place in the same file.
std::string line_column(const SourceLocation& where);

// "`text`", shortened to a readable length, for quoting a value in a message.
std::string quote(std::string_view text);

class YamlReader {
 public:
  YamlReader(const PolicyFile& file, std::size_t file_index, Findings& findings);

  std::size_t file_index() const { return file_index_; }

  // Checks the text (UTF-8, no control characters) and parses its one YAML document. Returns
  // nullopt after reporting when the text is bad, does not parse, is empty or holds several
  // documents.
  std::optional<YAML::Node> load();

  // 1-based line and column (in characters) of a node, or of the field: its value, or its key
  // when the value is missing (a missing value's own mark points at the next token).
  SourceLocation where(const YAML::Node& node) const;
  SourceLocation where(const Field& field) const;

  void error(const SourceLocation& at, std::string message);
  void warning(const SourceLocation& at, std::string message);

  // The keys of a mapping; reports and returns nullopt when `node` is not a mapping. `what`
  // names the node in messages, e.g. "mandate" or "`grant_right`".
  std::optional<Fields> mapping(const YAML::Node& node, const SourceLocation& fallback,
                                std::string_view what);
  // Reports each key not in `allowed`, naming `what` and suggesting the nearest allowed key.
  // Returns whether all keys were allowed.
  bool check_keys(const Fields& fields, std::span<const std::string_view> allowed,
                  std::string_view what);
  // Reports a missing required key at the mapping's location; returns the field if present.
  const Field* required(const Fields& fields, std::string_view name, std::string_view what);

  // Typed values; each reports a wrong type or value naming the key and returns nullopt.
  std::optional<std::string> text(const Field& field);
  std::optional<std::string> nonblank_text(const Field& field);
  std::optional<bool> boolean(const Field& field);
  std::optional<int> integer(const Field& field, int min, int max, std::string_view range_hint);
  std::optional<std::chrono::sys_days> date(const Field& field);
  // A YAML list; with `allow_single`, one scalar is taken as a list of one.
  std::optional<std::vector<YAML::Node>> list(const Field& field, bool allow_single);
  // A list of non-blank strings without duplicates (compared as matching compares them);
  // an empty list is an error unless `allow_empty`.
  std::optional<std::vector<std::string>> string_list(const Field& field, bool allow_single,
                                                      bool allow_empty);

 private:
  SourceLocation where(const YAML::Mark& mark) const;
  std::string character_at(const YAML::Mark& mark) const;  // "" at the end

  const PolicyFile& file_;
  std::size_t file_index_;
  Findings& findings_;
};

// What a node is, for messages: "a list", "a mapping", "nothing", or the quoted scalar.
std::string describe(const YAML::Node& node);

}  // namespace valtuus::policy_internal
