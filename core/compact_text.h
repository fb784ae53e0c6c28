// Small stand-ins for strings kept once per person in long-lived state (the stored history of
// 100,000 people): a value shared by many people is kept once, a value only ever compared
// (folded) is kept as a digest. Plain values, safe to copy between threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace valtuus {

// A text kept once in a process-wide pool and shared by every copy: for values many people
// have (department, title, OU, a manager's DN). Reads as the const std::string it stands for.
// The pool only grows (a text is never released), so use it only for values of which an
// organisation has a bounded number (a manager's DN: no more than it has managers).
class SharedText {
 public:
  SharedText() = default;
  SharedText(std::string_view text);  // NOLINT(google-explicit-constructor): reads as a string
  SharedText(const std::string& text) : SharedText(std::string_view(text)) {}  // NOLINT
  SharedText(const char* text) : SharedText(std::string_view(text)) {}         // NOLINT

  const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }  // NOLINT
  operator std::string_view() const { return *text_; }    // NOLINT
  bool empty() const { return text_->empty(); }
  std::size_t size() const { return text_->size(); }
  const char* c_str() const { return text_->c_str(); }

  // Equal texts share one copy, so comparing two is comparing addresses. Against a plain text
  // it compares the characters (and never adds that text to the pool).
  friend bool operator==(const SharedText& a, const SharedText& b) { return a.text_ == b.text_; }
  friend bool operator==(const SharedText& a, const std::string& b) { return *a.text_ == b; }
  friend bool operator==(const SharedText& a, std::string_view b) { return *a.text_ == b; }
  friend bool operator==(const SharedText& a, const char* b) { return *a.text_ == b; }
  // Joined with plain text as the string it stands for.
  friend std::string operator+(const std::string& a, const SharedText& b) { return a + *b.text_; }
  friend std::string operator+(const SharedText& a, const std::string& b) { return *a.text_ + b; }
  friend std::string operator+(const char* a, const SharedText& b) { return a + *b.text_; }
  friend std::string operator+(const SharedText& a, const char* b) { return *a.text_ + b; }
  // Ordered as the texts are (std::string's order), for sorting and ordered containers.
  friend bool operator<(const SharedText& a, const SharedText& b) { return *a.text_ < *b.text_; }

  // How many distinct texts the pool holds (for tests: what adds to it and what does not).
  static std::size_t pooled();

 private:
  static const std::string kEmpty;
  const std::string* text_ = &kEmpty;
};

// SharedText for one thread that shares many values in a row (a directory read: department,
// title, OU and groups of every person): the texts it shared lately, found again without the
// pool's lock and hash table. A small table that forgets on collision; gives exactly what
// SharedText(text) gives. Not thread-safe: one per thread.
class SharedTextCache {
 public:
  SharedText get(std::string_view text);

 private:
  struct Slot {
    std::uint64_t hash = 0;
    SharedText text;
  };
  static constexpr std::size_t kSlots = 1024;  // a power of two
  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
};

// A 64-bit digest of a text as folded (core/text_fold.h): for values only ever compared without
// regard to case, such as a stored DN or account looked up again. Two texts equal when folded
// have the same digest (of()); value() is 0 for the empty text and of() for any other.
class FoldedDigest {
 public:
  FoldedDigest() = default;
  FoldedDigest(std::string_view text);  // NOLINT(google-explicit-constructor)
  FoldedDigest(const std::string& text) : FoldedDigest(std::string_view(text)) {}  // NOLINT
  FoldedDigest(const char* text) : FoldedDigest(std::string_view(text)) {}         // NOLINT

  // The digest of `text` folded, never 0, the empty text's too (whose fold equals that of
  // white space alone): what to look a value up by.
  static std::uint64_t of(std::string_view text);

  std::uint64_t value() const { return value_; }
  bool empty() const { return value_ == 0; }
  friend bool operator==(const FoldedDigest&, const FoldedDigest&) = default;

 private:
  std::uint64_t value_ = 0;
};

// A text shared by reference count: for values held by several parts of the kept state that
// an organisation has no bound on, such as employee keys (the history's, the ledger's and the
// open items'; a pool would keep every leaver's key for ever). Copies share one text, which
// goes with its last copy. Reads as the const std::string it stands for. The count is atomic,
// so copies may live in different threads; the text itself is never changed.
class CountedText {
 public:
  CountedText() = default;
  CountedText(std::string_view text);  // NOLINT(google-explicit-constructor): reads as a string
  CountedText(const std::string& text) : CountedText(std::string_view(text)) {}  // NOLINT
  CountedText(const char* text) : CountedText(std::string_view(text)) {}         // NOLINT
  CountedText(const CountedText& other) noexcept : block_(other.block_) { retain(); }
  CountedText(CountedText&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  CountedText& operator=(const CountedText& other) noexcept {
    CountedText copy(other);
    std::swap(block_, copy.block_);
    return *this;
  }
  CountedText& operator=(CountedText&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~CountedText() { release(); }

  const std::string& str() const noexcept { return block_ ? block_->text : kEmpty; }
  operator const std::string&() const noexcept { return str(); }  // NOLINT
  operator std::string_view() const noexcept { return str(); }    // NOLINT
  bool empty() const { return str().empty(); }
  std::size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }

  friend bool operator==(const CountedText& a, const CountedText& b) {
    return a.block_ == b.block_ || a.str() == b.str();
  }
  friend bool operator==(const CountedText& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const CountedText& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const CountedText& a, const char* b) { return a.str() == b; }
  friend std::string operator+(const std::string& a, const CountedText& b) { return a + b.str(); }
  friend std::string operator+(const CountedText& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const char* a, const CountedText& b) { return a + b.str(); }
  friend std::string operator+(const CountedText& a, const char* b) { return a.str() + b; }
  friend bool operator<(const CountedText& a, const CountedText& b) { return a.str() < b.str(); }
  friend bool operator<(const CountedText& a, const std::string& b) { return a.str() < b; }
  friend bool operator<(const std::string& a, const CountedText& b) { return a < b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const CountedText& t) {
    return out << t.str();
  }

  // Whether two copies share one text (for tests: what shares and what does not).
  bool shares_with(const CountedText& other) const { return block_ == other.block_; }

  // Hash and equality for unordered containers keyed by it, found by any text (transparent).
  // Cheap and noexcept, so that a node does not keep the hash beside the key (8 bytes each).
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };

 private:
  struct Block {
    std::atomic<std::uint32_t> references{1};
    std::string text;
  };
  void retain() const {
    if (block_) block_->references.fetch_add(1, std::memory_order_relaxed);
  }
  void release() {
    if (block_ && block_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete block_;
    block_ = nullptr;
  }

  static const std::string kEmpty;
  Block* block_ = nullptr;
};

}  // namespace valtuus
