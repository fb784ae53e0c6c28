// A short stable digest of the source values an item came from. Not a security hash: it only
// tells whether the values that caused an item have changed since it was proposed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace valtuus {

// 16 hex digits (FNV-1a 64) over the parts, each length-prefixed so that ("ab","c") and
// ("a","bc") differ.
std::string fingerprint(const std::vector<std::string_view>& parts);

}  // namespace valtuus
