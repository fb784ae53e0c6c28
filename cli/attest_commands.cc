// valtuusctl commands for attestation (issue #7). Placeholder: the commands land with the issue.
#include "cli/command.h"

namespace valtuus {

std::vector<Command> attest_commands() {
  return {};
}

}  // namespace valtuus
