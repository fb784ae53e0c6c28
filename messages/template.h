// Message templates: plain-text files templates/<language>/<event>.txt, first line
// "Subject: ...", then a blank line, then the body, in mustache (kainjow mustache, the library
// the web console uses). Placeholders {{name}} take values from an outbox row's payload; each
// event has a small fixed set of them (templates/README.md). Values are not HTML-escaped (the
// messages are plain text). Parsing and rendering are pure; TemplateSet::load reads files.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace valtuus {

// A template that cannot be used: names the file and line ("fi/run_items.txt:4: ...").
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A payload that lacks a value a template needs: names the placeholder.
class RenderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The events of the outbox, and the languages templates exist in.
const std::vector<std::string>& outbox_events();
const std::vector<std::string>& template_languages();

// The placeholders an event's templates may use; empty for an unknown event.
const std::vector<std::string>& template_placeholders(std::string_view event);

class Template {
 public:
  // Parses a template's text. `source` names it in errors (a path). Throws TemplateError
  // naming source:line for a missing "Subject:" line or blank line after it, an unclosed
  // "{{" or section, a partial or delimiter change, or a placeholder (or section name) not
  // among template_placeholders(event).
  static Template parse(std::string_view text, std::string_view event, std::string source);

  // The subject (line breaks in values become spaces) and the body with the payload's values.
  // Throws RenderError naming the placeholder when the payload has no value for it.
  std::string subject(const nlohmann::json& payload) const;
  std::string body(const nlohmann::json& payload) const;

  const std::string& source() const { return source_; }
  std::vector<std::string> placeholders() const;  // those used, in order of first use

 private:
  // The mustache text of the subject or the body, and the names it uses.
  struct Part {
    std::string text;
    std::vector<std::string> names;
  };
  static std::string render(const Part& part, const nlohmann::json& payload,
                            const std::string& source);

  std::string source_;
  Part subject_;
  Part body_;
};

// /etc/valtuus/templates (overrides, file by file), then the installed templates.
std::vector<std::filesystem::path> default_template_dirs();

// Every event's template in every language.
class TemplateSet {
 public:
  // For each event and language, reads <dir>/<language>/<event>.txt from the first of `dirs`
  // that has it. Throws TemplateError when a file is missing from all of them, unreadable or
  // invalid (naming file:line).
  static TemplateSet load(const std::vector<std::filesystem::path>& dirs);

  // Throws TemplateError for an unknown event or language.
  const Template& get(const std::string& event, const std::string& language) const;

 private:
  std::map<std::pair<std::string, std::string>, Template> templates_;
};

}  // namespace valtuus
