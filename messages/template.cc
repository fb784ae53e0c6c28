#include "messages/template.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#ifndef VALTUUS_TEMPLATE_DIR
#define VALTUUS_TEMPLATE_DIR "/usr/share/valtuus/templates"
#endif

namespace valtuus {

namespace {

const std::vector<std::string> kItemPlaceholders{
    "item_id",       "kind",         "employee_name", "account", "recipient_name",
    "mandate_id",    "mandate_name", "service",       "reason",  "path",
    "handling_time", "valid_until",  "executed_at",   "link"};

const std::map<std::string, std::vector<std::string>, std::less<>>& placeholder_table() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> table{
      {"run_items",
       {"run_id", "items", "grants", "org_applies", "revokes", "renews", "source", "command",
        "link"}},
      {"run_held", {"run_id", "held_reason", "items", "revokes", "source", "command", "link"}},
      {"grant_proposed", kItemPlaceholders},
      {"grant_done", kItemPlaceholders},
      {"revoke_done", kItemPlaceholders},
      {"items_overdue",
       {"day", "overdue", "overdue_path1", "overdue_path2", "oldest_days", "path1_days",
        "path2_days", "command", "link"}},
      {"leavers_digest", {"day", "leavers", "mandates", "list", "command", "link"}},
  };
  return table;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string value_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();  // numbers as JSON writes them
}

}  // namespace

const std::vector<std::string>& outbox_events() {
  static const std::vector<std::string> events{"run_items",     "run_held",    "grant_proposed",
                                               "grant_done",    "revoke_done", "items_overdue",
                                               "leavers_digest"};
  return events;
}

const std::vector<std::string>& template_languages() {
  static const std::vector<std::string> languages{"fi", "sv", "en"};
  return languages;
}

const std::vector<std::string>& template_placeholders(std::string_view event) {
  static const std::vector<std::string> none;
  const auto& table = placeholder_table();
  auto it = table.find(event);
  return it == table.end() ? none : it->second;
}

Template Template::parse(std::string_view text, std::string_view event, std::string source) {
  const auto& allowed = template_placeholders(event);
  if (allowed.empty()) {
    throw TemplateError(fmt::format("{}: unknown event '{}'", source, event));
  }
  Template t;
  t.source_ = std::move(source);
  // Splits one line (or the subject's text) into literal text and placeholders.
  auto parse_parts = [&](std::string_view line, int line_no, std::vector<Part>& parts) {
    std::size_t pos = 0;
    while (pos < line.size()) {
      const std::size_t open = line.find("{{", pos);
      if (open == std::string_view::npos) {
        parts.push_back({false, std::string(line.substr(pos))});
        break;
      }
      if (open > pos) parts.push_back({false, std::string(line.substr(pos, open - pos))});
      const std::size_t close = line.find("}}", open + 2);
      if (close == std::string_view::npos) {
        throw TemplateError(fmt::format("{}:{}: '{{{{' without '}}}}'", t.source_, line_no));
      }
      const std::string name(trim(line.substr(open + 2, close - open - 2)));
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        throw TemplateError(fmt::format("{}:{}: unknown placeholder {{{{{}}}}} for {} (known: {})",
                                        t.source_, line_no, name, event, fmt::join(allowed, ", ")));
      }
      parts.push_back({true, name});
      pos = close + 2;
    }
  };

  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  constexpr std::string_view kSubject = "Subject:";
  if (lines.empty() || lines[0].substr(0, kSubject.size()) != kSubject) {
    throw TemplateError(fmt::format("{}:1: the first line must be 'Subject: ...'", t.source_));
  }
  const std::string_view subject = trim(lines[0].substr(kSubject.size()));
  if (subject.empty()) throw TemplateError(fmt::format("{}:1: the subject is empty", t.source_));
  parse_parts(subject, 1, t.subject_);
  if (lines.size() < 2 || !trim(lines[1]).empty()) {
    throw TemplateError(fmt::format("{}:2: a blank line must follow the subject", t.source_));
  }
  for (std::size_t i = 2; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    parse_parts(line, static_cast<int>(i + 1), t.body_);
    t.body_.push_back({false, "\n"});
  }
  return t;
}

std::string Template::render(const std::vector<Part>& parts, const nlohmann::json& payload,
                             const std::string& source) {
  std::string out;
  for (const Part& part : parts) {
    if (!part.placeholder) {
      out += part.text;
      continue;
    }
    auto it = payload.is_object() ? payload.find(part.text) : payload.end();
    if (it == payload.end() || it->is_null()) {
      throw RenderError(
          fmt::format("{}: the payload has no value for {{{{{}}}}}", source, part.text));
    }
    out += value_text(*it);
  }
  return out;
}

std::string Template::subject(const nlohmann::json& payload) const {
  std::string s = render(subject_, payload, source_);
  // A value must not add header lines to a mail.
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return s;
}

std::string Template::body(const nlohmann::json& payload) const {
  return render(body_, payload, source_);
}

std::vector<std::string> Template::placeholders() const {
  std::vector<std::string> names;
  for (const auto* parts : {&subject_, &body_}) {
    for (const Part& part : *parts) {
      if (part.placeholder && std::find(names.begin(), names.end(), part.text) == names.end()) {
        names.push_back(part.text);
      }
    }
  }
  return names;
}

std::vector<std::filesystem::path> default_template_dirs() {
  return {"/etc/valtuus/templates", VALTUUS_TEMPLATE_DIR};
}

TemplateSet TemplateSet::load(const std::vector<std::filesystem::path>& dirs) {
  TemplateSet set;
  for (const std::string& language : template_languages()) {
    for (const std::string& event : outbox_events()) {
      const std::filesystem::path relative = std::filesystem::path(language) / (event + ".txt");
      bool found = false;
      for (const auto& dir : dirs) {
        const std::filesystem::path path = dir / relative;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) continue;
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in) throw TemplateError(fmt::format("{}: cannot be read", path.string()));
        set.templates_.insert_or_assign({event, language},
                                        Template::parse(text.str(), event, path.string()));
        found = true;
        break;
      }
      if (!found) {
        std::vector<std::string> tried;
        for (const auto& dir : dirs) tried.push_back((dir / relative).string());
        throw TemplateError(fmt::format("no template {} (looked for {})", relative.string(),
                                        fmt::join(tried, ", ")));
      }
    }
  }
  return set;
}

const Template& TemplateSet::get(const std::string& event, const std::string& language) const {
  auto it = templates_.find({event, language});
  if (it == templates_.end()) {
    throw TemplateError(
        fmt::format("no template for event '{}' in language '{}'", event, language));
  }
  return it->second;
}

}  // namespace valtuus
