#include "core/dn.h"

#include <algorithm>

#include "core/text_fold.h"

namespace valtuus {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_special(char c) {
  return c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' ||
         c == '=' || c == '#' || c == ' ';
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Reads a DN character by character: types up to '=', values up to an unescaped ',', ';' or
// '+' (';' is RFC 1779's separator, still accepted by servers).
class DnParser {
 public:
  explicit DnParser(std::string_view dn) : dn_(dn) {}

  std::optional<std::vector<NormalizedRdn>> run() {
    std::vector<NormalizedRdn> rdns;
    if (trim_space(dn_).empty()) return std::nullopt;
    NormalizedRdn rdn;
    for (;;) {
      auto type = read_type();
      if (!type) return std::nullopt;
      auto value = read_value();
      if (!value) return std::nullopt;
      rdn.emplace_back(std::move(*type), fold(*value));
      if (pos_ >= dn_.size()) break;
      const char separator = dn_[pos_++];
      if (separator != '+') {
        std::sort(rdn.begin(), rdn.end());
        rdns.push_back(std::move(rdn));
        rdn.clear();
      }
    }
    std::sort(rdn.begin(), rdn.end());
    rdns.push_back(std::move(rdn));
    return rdns;
  }

 private:
  std::optional<std::string> read_type() {
    const auto eq = dn_.find('=', pos_);
    if (eq == std::string_view::npos) return std::nullopt;
    std::string type = lower_ascii(trim_space(dn_.substr(pos_, eq - pos_)));
    if (type.empty() || type.find_first_of(",+;\\\"") != std::string::npos) return std::nullopt;
    if (type.rfind("oid.", 0) == 0) type.erase(0, 4);
    pos_ = eq + 1;
    return type;
  }

  std::optional<std::string> read_value() {
    std::string value;
    while (pos_ < dn_.size() && dn_[pos_] == ' ') ++pos_;
    if (pos_ < dn_.size() && dn_[pos_] == '"') return read_quoted();
    while (pos_ < dn_.size()) {
      const char c = dn_[pos_];
      if (c == ',' || c == ';' || c == '+') break;
      if (c == '\\') {
        if (!read_escape(value)) return std::nullopt;
        continue;
      }
      value.push_back(c);
      ++pos_;
    }
    return value;
  }

  bool read_escape(std::string& value) {
    if (pos_ + 1 >= dn_.size()) return false;
    const char next = dn_[pos_ + 1];
    if (is_special(next)) {
      value.push_back(next);
      pos_ += 2;
      return true;
    }
    if (pos_ + 2 >= dn_.size()) return false;
    const int high = hex_value(next);
    const int low = hex_value(dn_[pos_ + 2]);
    if (high < 0 || low < 0) return false;
    value.push_back(static_cast<char>(high * 16 + low));
    pos_ += 3;
    return true;
  }

  std::optional<std::string> read_quoted() {
    std::string value;
    ++pos_;  // the opening quote
    while (pos_ < dn_.size() && dn_[pos_] != '"') {
      if (dn_[pos_] == '\\') {
        if (!read_escape(value)) return std::nullopt;
        continue;
      }
      value.push_back(dn_[pos_++]);
    }
    if (pos_ >= dn_.size()) return std::nullopt;
    ++pos_;  // the closing quote
    while (pos_ < dn_.size() && dn_[pos_] == ' ') ++pos_;
    if (pos_ < dn_.size() && dn_[pos_] != ',' && dn_[pos_] != ';' && dn_[pos_] != '+') {
      return std::nullopt;
    }
    return value;
  }

  std::string_view dn_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::vector<NormalizedRdn>> parse_dn(std::string_view dn) {
  return DnParser(dn).run();
}

namespace {

bool under(const std::vector<NormalizedRdn>& entry, const std::vector<NormalizedRdn>& root) {
  return root.size() <= entry.size() && std::equal(root.rbegin(), root.rend(), entry.rbegin());
}

}  // namespace

bool dn_within(std::string_view dn, std::string_view base) {
  const auto entry = parse_dn(dn);
  const auto root = parse_dn(base);
  return entry && root && under(*entry, *root);
}

OuSet::OuSet(const std::vector<std::string>& ous) {
  for (const std::string& ou : ous) {
    if (auto parsed = parse_dn(ou)) ous_.push_back(std::move(*parsed));
  }
}

bool OuSet::contains(std::string_view dn) const {
  if (ous_.empty()) return false;
  const auto entry = parse_dn(dn);
  return entry && contains(*entry);
}

bool OuSet::contains(const std::vector<NormalizedRdn>& entry) const {
  return std::any_of(ous_.begin(), ous_.end(),
                     [&](const std::vector<NormalizedRdn>& ou) { return under(entry, ou); });
}

std::optional<std::string> dn_problem(std::string_view text) {
  if (fold(text).empty()) return "empty; expected a DN such as OU=Leavers,DC=kunta,DC=example";
  if (text.find('=') == std::string_view::npos) {
    return "\"" + std::string(text) +
           "\" is a name, not a DN; write the OU's full DN, e.g. OU=" + std::string(text) +
           ",DC=kunta,DC=example";
  }
  if (!parse_dn(text)) {
    return "\"" + std::string(text) +
           "\" is not a valid DN (RFC 4514); e.g. OU=Leavers,DC=kunta,DC=example";
  }
  return std::nullopt;
}

}  // namespace valtuus
