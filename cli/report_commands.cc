// valtuusctl commands for oversight reports (issue #7). Placeholder: the commands land with the issue.
#include "cli/command.h"

namespace valtuus {

std::vector<Command> report_commands() {
  return {};
}

}  // namespace valtuus
