// The policy loader: reads the catalog of mandate themes and the authorisation maps from YAML
// files and turns them into a Policy value, or into a list of file:line:column errors.
//
// The language (one directory of *.yaml / *.yml files; each file may hold `mandates:` and/or
// `maps:`) is described in DESIGN.md, "Authorisation maps". Loading is all or nothing: when any
// file has any error, no policy is returned, so a typo can never silently shrink what employees
// need (and so cause revocations).
//
// parse_policy() is pure (no file access, no clock) and thread-safe; read_policy_dir() is the
// only function here that touches the file system.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/policy.h"

namespace valtuus {

// One policy file's content. `path` is only used in messages and SourceLocations.
struct PolicyFile {
  std::string path;
  std::string text;
};

// A problem found in a policy file. `where.line` and `where.column` are 1-based (columns count
// characters, not bytes); both are 0 when the problem is about the policy as a whole, and
// `where.file` is empty when it is about no particular file.
struct PolicyDiagnostic {
  SourceLocation where;
  std::string message;
};

// "file:line:column: message", or "file: message" / "message" when the position is unknown.
std::string format(const PolicyDiagnostic& d);

struct PolicyLoadResult {
  std::optional<Policy> policy;            // set only when errors is empty: all or nothing
  std::vector<PolicyDiagnostic> errors;    // every error, in file order
  std::vector<PolicyDiagnostic> warnings;  // e.g. unknown Suomi.fi URI (suomifi_code empty)
};

// Parses the given files as one policy, in the order given (the catalog and the maps keep that
// order; for duplicate ids the earlier file wins and the later one is reported). Never throws
// on bad input: every problem becomes a diagnostic.
PolicyLoadResult parse_policy(const std::vector<PolicyFile>& files);

// Reads every *.yaml / *.yml file under dir, recursively, sorted by path so that loading is
// deterministic. Hidden files and directories (name starting with '.') are skipped, and
// symbolic links to directories are not followed. Throws ConfigError("policy.dir: ...") when
// dir is missing or unreadable, a file cannot be read, or dir holds no YAML file.
std::vector<PolicyFile> read_policy_dir(const std::string& dir);

// read_policy_dir() then parse_policy(). Throws ConfigError as read_policy_dir() does.
PolicyLoadResult load_policy_dir(const std::string& dir);

}  // namespace valtuus
