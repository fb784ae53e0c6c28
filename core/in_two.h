// Two pieces of work at once, for the few places where a run's work splits into halves that
// neither read nor write what the other writes (a sync has two cores and, between the read and
// its writes, uses one).
#pragma once

#include <exception>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

namespace valtuus {

// Runs `mine` here and `theirs` on a thread of its own (here too, after `mine`, when no thread
// is to be had), and returns when both have; an exception of either passes on (`mine`'s first).
template <typename Mine, typename Theirs>
void in_two(Mine&& mine, Theirs&& theirs) {
  std::exception_ptr error;
  std::optional<std::thread> other;
  try {
    other.emplace([&] {
      try {
        theirs();
      } catch (...) {
        error = std::current_exception();
      }
    });
  } catch (const std::system_error&) {
    // No thread: both here.
  }
  try {
    mine();
  } catch (...) {
    if (other) other->join();
    throw;
  }
  if (!other) return theirs();
  other->join();
  if (error) std::rethrow_exception(error);
}

}  // namespace valtuus
