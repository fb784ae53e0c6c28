// Runs a program as a child process for end-to-end tests, capturing its output.
#pragma once

#include <string>
#include <vector>

namespace valtuus::testing {

struct ProcessResult {
  int exit_code = -1;  // the exit status; 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs argv[0] with the arguments (no shell interpretation of them) and optional extra
// environment assignments "NAME=value"; stdin is /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {});

}  // namespace valtuus::testing
