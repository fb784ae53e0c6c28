// valtuusctl commands for the notification outbox (issue #8). Placeholder: the commands land with the issue.
#include "cli/command.h"

namespace valtuus {

std::vector<Command> outbox_commands() {
  return {};
}

}  // namespace valtuus
