#include "core/compact_text.h"

#include <mutex>
#include <unordered_set>

#include "core/fingerprint.h"
#include "core/text_fold.h"

namespace valtuus {

const std::string SharedText::kEmpty;

SharedText::SharedText(std::string_view text) {
  if (text.empty()) return;
  // A node-based set: an element's address stays valid while the set grows.
  static std::mutex mutex;
  static auto* pool = new std::unordered_set<std::string>();  // never destroyed: outlives users
  const std::lock_guard lock(mutex);
  text_ = &*pool->emplace(text).first;
}

std::uint64_t FoldedDigest::of(std::string_view text) {
  const std::uint64_t digest = Fingerprinter().add(fold(text)).value();
  return digest == 0 ? 1 : digest;
}

FoldedDigest::FoldedDigest(std::string_view text) : value_(text.empty() ? 0 : of(text)) {}

}  // namespace valtuus
