#include "core/compact_text.h"

#include <mutex>
#include <unordered_set>

#include "core/fingerprint.h"
#include "core/text_fold.h"

namespace valtuus {

const std::string SharedText::kEmpty;
const std::string CountedText::kEmpty;

namespace {

struct Pool {
  std::mutex mutex;
  // A node-based set: an element's address stays valid while the set grows.
  std::unordered_set<std::string> texts;
};

Pool& pool() {
  static auto* pool = new Pool();  // never destroyed: outlives every user
  return *pool;
}

}  // namespace

SharedText::SharedText(std::string_view text) {
  if (text.empty()) return;
  Pool& p = pool();
  const std::lock_guard lock(p.mutex);
  text_ = &*p.texts.emplace(text).first;
}

std::size_t SharedText::pooled() {
  Pool& p = pool();
  const std::lock_guard lock(p.mutex);
  return p.texts.size();
}

CountedText::CountedText(std::string_view text) {
  if (!text.empty()) block_ = new Block{{1}, std::string(text)};
}

std::uint64_t FoldedDigest::of(std::string_view text) {
  const std::uint64_t digest = Fingerprinter().add(fold(text)).value();
  return digest == 0 ? 1 : digest;
}

FoldedDigest::FoldedDigest(std::string_view text) : value_(text.empty() ? 0 : of(text)) {}

}  // namespace valtuus
