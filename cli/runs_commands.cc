// valtuusctl commands for held sync runs (issue #6). Placeholder: the commands land with the issue.
#include "cli/command.h"

namespace valtuus {

std::vector<Command> runs_commands() {
  return {};
}

}  // namespace valtuus
