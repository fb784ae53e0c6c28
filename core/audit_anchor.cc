#include "core/audit_anchor.h"

#include <cctype>
#include <charconv>

namespace valtuus {

namespace {

std::string_view next_word(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  std::size_t n = 0;
  while (n < text.size() && text[n] != ' ' && text[n] != '\t') ++n;
  const std::string_view word = text.substr(0, n);
  text.remove_prefix(n);
  return word;
}

bool is_hash(std::string_view word) {
  if (word.size() != 64) return false;
  for (char c : word) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string lower(std::string_view word) {
  std::string text(word);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

AnchorFile parse_audit_anchors(std::string_view text) {
  AnchorFile file;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const std::size_t end = text.find('\n');
    std::string_view rest = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
    std::string_view words = rest;
    const std::string_view first = next_word(words);
    if (first.empty() || first.front() == '#') continue;
    AuditAnchor anchor;
    anchor.line = line;
    const auto [end_of_id, error] =
        std::from_chars(first.data(), first.data() + first.size(), anchor.event);
    if (error != std::errc() || end_of_id != first.data() + first.size() || anchor.event <= 0) {
      file.problems.push_back({line, "'" + std::string(first.substr(0, 30)) +
                                         "' is not an event id; a line is EVENT_ID SHA256_HEX"});
      continue;
    }
    const std::string_view hash = next_word(words);
    if (!is_hash(hash)) {
      file.problems.push_back({line, "event " + std::to_string(anchor.event) +
                                         ": the hash must be 64 hexadecimal digits"});
      continue;
    }
    anchor.hash = lower(hash);
    file.anchors.push_back(std::move(anchor));
  }
  if (file.anchors.empty() && file.problems.empty()) {
    file.problems.push_back(
        {line, "no anchor in the file; write one with `valtuusctl audit anchor`"});
  }
  if (!file.problems.empty()) file.anchors.clear();
  return file;
}

std::string format_audit_anchor(long long event, const std::string& hash, const std::string& at) {
  return std::to_string(event) + " " + hash + " " + at;
}

std::string check_audit_anchor(const AuditAnchor& anchor, bool found, const std::string& hash,
                               long long newest) {
  const std::string event = "anchored event " + std::to_string(anchor.event);
  if (!found && newest < anchor.event) {
    return event + " is beyond the end of the trail (newest event " + std::to_string(newest) +
           "): events were removed from its end";
  }
  if (!found) return event + " is gone from the trail";
  if (lower(hash) != anchor.hash) {
    return event + " differs from the anchor: the trail was rewritten up to it";
  }
  return "";
}

}  // namespace valtuus
