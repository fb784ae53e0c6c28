#include "cli/item_ref.h"

#include <charconv>

#include "cli/command.h"

namespace valtuus {

namespace {

template <typename T>
bool parse_positive(std::string_view text, T& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && out > 0;
}

}  // namespace

ItemRef parse_item_ref(const std::string& text) {
  ItemRef ref;
  const auto at = text.find('@');
  const std::string_view id = std::string_view(text).substr(0, at);
  bool ok = parse_positive(id, ref.id);
  if (ok && at != std::string::npos) {
    int version = 0;
    ok = parse_positive(std::string_view(text).substr(at + 1), version);
    ref.version = version;
  }
  if (!ok) throw UsageError("'" + text + "' is not an item: write ID or ID@VERSION, e.g. 12@1");
  return ref;
}

}  // namespace valtuus
