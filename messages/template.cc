#include "messages/template.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <kainjow/mustache.hpp>
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

namespace {

// The tags of one line of a template ({{name}}, {{{name}}}, {{#name}} ...), checked against the
// event's placeholders before mustache sees the text, so that an error names the line.
void check_tags(std::string_view line, int line_no, std::string_view event,
                const std::vector<std::string>& allowed, const std::string& source,
                std::vector<std::string>& names) {
  std::size_t pos = 0;
  while ((pos = line.find("{{", pos)) != std::string_view::npos) {
    const bool triple = line.substr(pos, 3) == "{{{";
    const std::string_view closing = triple ? "}}}" : "}}";
    const std::size_t open_end = pos + (triple ? 3 : 2);
    const std::size_t close = line.find(closing, open_end);
    if (close == std::string_view::npos) {
      throw TemplateError(fmt::format("{}:{}: '{{{{' without '}}}}'", source, line_no));
    }
    std::string_view name = trim(line.substr(open_end, close - open_end));
    pos = close + closing.size();
    const char sigil = name.empty() ? '\0' : name.front();
    if (sigil == '!') continue;  // a comment
    if (sigil == '>' || sigil == '=') {
      throw TemplateError(
          fmt::format("{}:{}: {} are not supported in message templates", source, line_no,
                      sigil == '>' ? "partials ({{>...}})" : "delimiter changes ({{=...=}})"));
    }
    if (!triple && (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '&')) {
      name = trim(name.substr(1));
    }
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      throw TemplateError(fmt::format("{}:{}: unknown placeholder {{{{{}}}}} for {} (known: {})",
                                      source, line_no, name, event, fmt::join(allowed, ", ")));
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
  }
}

// Mustache's own errors (an unclosed or unopened section) give a character offset: as a line.
void check_mustache(const std::string& text, int first_line, const std::string& source) {
  kainjow::mustache::mustache compiled{text};
  if (compiled.is_valid()) return;
  const std::string& message = compiled.error_message();
  int line = first_line;
  const auto at = message.rfind(" at ");
  if (at != std::string::npos) {
    std::size_t offset = 0;
    const char* digits = message.data() + at + 4;
    const auto [end, error] = std::from_chars(digits, message.data() + message.size(), offset);
    if (error == std::errc{} && offset <= text.size()) {
      line += static_cast<int>(
          std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
      throw TemplateError(fmt::format("{}:{}: {}", source, line, message.substr(0, at)));
    }
  }
  throw TemplateError(fmt::format("{}:{}: {}", source, first_line, message));
}

}  // namespace

Template Template::parse(std::string_view text, std::string_view event, std::string source) {
  const auto& allowed = template_placeholders(event);
  if (allowed.empty()) {
    throw TemplateError(fmt::format("{}: unknown event '{}'", source, event));
  }
  Template t;
  t.source_ = std::move(source);

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
  check_tags(subject, 1, event, allowed, t.source_, t.subject_.names);
  t.subject_.text = std::string(subject);
  if (lines.size() < 2 || !trim(lines[1]).empty()) {
    throw TemplateError(fmt::format("{}:2: a blank line must follow the subject", t.source_));
  }
  for (std::size_t i = 2; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    check_tags(line, static_cast<int>(i + 1), event, allowed, t.source_, t.body_.names);
    t.body_.text.append(line);
    t.body_.text += '\n';
  }
  check_mustache(t.subject_.text, 1, t.source_);
  check_mustache(t.body_.text, 3, t.source_);
  return t;
}

std::string Template::render(const Part& part, const nlohmann::json& payload,
                             const std::string& source) {
  kainjow::mustache::data values;
  for (const std::string& name : part.names) {
    auto it = payload.is_object() ? payload.find(name) : payload.end();
    if (it == payload.end() || it->is_null()) {
      throw RenderError(fmt::format("{}: the payload has no value for {{{{{}}}}}", source, name));
    }
    const std::string text = value_text(*it);
    // An empty value renders as nothing either way; as an empty list it is also false for a
    // section, so that "{{#valid_until}}...{{/valid_until}}" shows only once there is a date
    // (kainjow takes an empty string for true).
    if (text.empty()) {
      values.set(name, kainjow::mustache::data::type::list);
    } else {
      values.set(name, text);
    }
  }
  kainjow::mustache::mustache compiled{part.text};
  // Plain text: a value is written as it is, never HTML-escaped.
  compiled.set_custom_escape([](const std::string& text) { return text; });
  std::string out = compiled.render(values);
  if (!compiled.is_valid()) {
    throw RenderError(fmt::format("{}: {}", source, compiled.error_message()));
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
  std::vector<std::string> names = subject_.names;
  for (const std::string& name : body_.names) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
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
