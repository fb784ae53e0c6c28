#include "core/compact_text.h"

#include <cstring>
#include <mutex>
#include <unordered_set>

#include "core/fingerprint.h"
#include "core/text_fold.h"

namespace valtuus {

const std::string SharedText::kEmpty;
const std::string CountedText::kEmpty;

namespace {

// Looked up by a string_view, so that finding a text already pooled (the common case: a
// department or group shared by thousands) builds no std::string.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

struct Pool {
  std::mutex mutex;
  // A node-based set: an element's address stays valid while the set grows.
  std::unordered_set<std::string, TextHash, std::equal_to<>> texts;
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
  auto found = p.texts.find(text);
  if (found == p.texts.end()) found = p.texts.emplace(text).first;
  text_ = &*found;
}

namespace {

// Cheap and good enough for a direct-mapped table: eight bytes at a time, multiplied and mixed.
std::uint64_t cache_hash(std::string_view text) {
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15u;
  std::uint64_t h = text.size() * kMultiplier;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    h = (h ^ word) * kMultiplier;
    h ^= h >> 29;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, text.data() + i, text.size() - i);
  h = (h ^ tail) * kMultiplier;
  return h ^ (h >> 32);
}

}  // namespace

SharedText SharedTextCache::get(std::string_view text) {
  if (text.empty()) return {};
  const std::uint64_t hash = cache_hash(text);
  Slot& slot = slots_[hash & (kSlots - 1)];
  if (slot.hash != hash || !(slot.text == text)) {
    slot.text = SharedText(text);
    slot.hash = hash;
  }
  return slot.text;
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
  // Folded on the stack when it fits (any usual DN or account): the state load digests two
  // values of every person it loads, and an allocation each cost more than the folding.
  char buffer[512];
  const std::uint64_t digest =
      text.size() <= sizeof buffer
          ? Fingerprinter().add(std::string_view(buffer, fold_to(text, buffer))).value()
          : Fingerprinter().add(fold(text)).value();
  return digest == 0 ? 1 : digest;
}

FoldedDigest::FoldedDigest(std::string_view text) : value_(text.empty() ? 0 : of(text)) {}

}  // namespace valtuus
