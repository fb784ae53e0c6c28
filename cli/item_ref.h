// "12" or "12@3": an item and, optionally, the version the person saw.
#pragma once

#include <optional>
#include <string>

namespace valtuus {

struct ItemRef {
  long long id = 0;
  std::optional<int> version;  // absent: no check beyond the state machine
};

// Throws UsageError (cli/command.h) naming the text when it is not ID or ID@VERSION.
ItemRef parse_item_ref(const std::string& text);

}  // namespace valtuus
