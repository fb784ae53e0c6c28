#include "connectors/ldap/ldap_range.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>
#include <vector>

#include "connectors/ldap/ldap_paged_search.h"
#include "core/errors.h"

namespace valtuus::ldap {

namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

std::optional<std::uint64_t> parse_index(std::string_view text) {
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// "<name>;range=<low>-<high or *>"
std::string ranged_name(const std::string& attribute, std::uint64_t low, int window) {
  std::string out = attribute + ";range=" + std::to_string(low) + "-";
  out += window > 0 ? std::to_string(low + static_cast<std::uint64_t>(window) - 1) : "*";
  return out;
}

}  // namespace

std::optional<RangeTag> parse_range(std::string_view description) {
  const auto semicolon = description.find(';');
  if (semicolon == std::string_view::npos || semicolon == 0) return std::nullopt;
  RangeTag tag;
  tag.attribute = description.substr(0, semicolon);
  std::string_view rest = description.substr(semicolon + 1);
  bool found = false;
  while (!rest.empty()) {
    const auto next = rest.find(';');
    const std::string_view option = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
    if (!starts_with_nocase(option, "range=")) continue;
    const std::string_view bounds = option.substr(6);
    const auto dash = bounds.find('-');
    if (found || dash == std::string_view::npos) return std::nullopt;
    const auto low = parse_index(bounds.substr(0, dash));
    if (!low) return std::nullopt;
    tag.low = *low;
    const std::string_view high = bounds.substr(dash + 1);
    if (high != "*") {
      const auto h = parse_index(high);
      if (!h || *h < *low) return std::nullopt;
      tag.high = *h;
    }
    found = true;
  }
  if (!found) return std::nullopt;
  return tag;
}

bool has_ranges(const RawEntry& entry) {
  return std::any_of(entry.attributes.begin(), entry.attributes.end(),
                     [](const auto& a) { return parse_range(a.first).has_value(); });
}

bool has_ranges(const EntryView& entry) {
  return std::any_of(entry.attributes.begin(), entry.attributes.end(), [](const auto& a) {
    // Most names have no option at all: no need to parse them.
    return a.name.find(';') != std::string_view::npos && parse_range(a.name).has_value();
  });
}

std::string complete_ranges(LDAP* ld, RawEntry& entry, int window, int timeout_s,
                            const std::string& uri, const StopRequested& stop_requested) {
  for (auto& [description, values] : entry.attributes) {
    auto tag = parse_range(description);
    if (!tag) continue;
    while (tag->high) {
      // A member of many groups takes one search per window: a stop need not wait for them.
      if (stop_requested && stop_requested()) {
        throw Cancelled("directory " + uri + ": range retrieval for " + entry.dn +
                        ": read stopped on request");
      }
      const std::uint64_t next = *tag->high + 1;
      SearchRequest request;
      request.uri = uri;
      request.base = entry.dn;
      request.scope = LDAP_SCOPE_BASE;
      request.filter = "(objectClass=*)";
      request.attributes = {ranged_name(tag->attribute, next, window)};
      request.paged = false;
      request.timeout_s = timeout_s;
      request.stop_requested = stop_requested;
      std::optional<RangeTag> answer;
      std::vector<std::string> more;
      const SearchOutcome outcome = paged_search(ld, request, [&](RawEntry&& e) {
        for (auto& [name, list] : e.attributes) {
          auto t = parse_range(name);
          if (t && starts_with_nocase(t->attribute, tag->attribute) &&
              t->attribute.size() == tag->attribute.size()) {
            answer = t;
            more = std::move(list);
          }
        }
      });
      const std::string what = "range retrieval of " + tag->attribute + " for " + entry.dn + ": ";
      if (!outcome.complete) return what + outcome.reason;
      // No answer, or one that does not continue where we asked: stop rather than loop.
      if (!answer || answer->low != next || (answer->high && *answer->high < answer->low)) {
        return what + "the server did not return values from index " + std::to_string(next);
      }
      values.insert(values.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
      tag->high = answer->high;
    }
    description = tag->attribute;  // every value is here now
  }
  return {};
}

}  // namespace valtuus::ldap
