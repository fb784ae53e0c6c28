#include "policies/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <utility>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "core/text_fold.h"
#include "policies/text_check.h"

namespace valtuus::policy_internal {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool blank(std::string_view text) {
  return fold(text).empty();  // fold() trims ASCII and no-break white space
}

// Optimal string alignment distance: edits, with a swap of neighbours counting as one.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (const auto word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

// Records where each document starts; ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;

  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

const Field* Fields::find(std::string_view name) const {
  for (const auto& field : all) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

bool valid_id(std::string_view id) {
  if (id.empty()) return false;
  const auto lower_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!lower_or_digit(id.front())) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) { return lower_or_digit(c) || c == '-'; });
}

std::string nearest(std::string_view word, std::span<const std::string_view> candidates) {
  if (word.size() > 64) return "";  // nobody mistypes that much; keeps the cost bounded
  std::string best;
  std::size_t best_distance = 3;
  for (const auto candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance && distance < std::max<std::size_t>(candidate.size(), 2)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string line_column(const SourceLocation& where) {
  return "line " + std::to_string(where.line) + ", column " + std::to_string(where.column);
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMax = 60;
  if (text.size() <= kMax) return "`" + std::string(text) + "`";
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "`" + std::string(text.substr(0, cut)) + "...`";
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return quote(node.Scalar());
    default:
      return "nothing";
  }
}

YamlReader::YamlReader(const PolicyFile& file, std::size_t file_index, Findings& findings)
    : file_(file), file_index_(file_index), findings_(findings) {}

std::optional<YAML::Node> YamlReader::load() {
  const std::string_view text = file_.text;
  if (const auto problem = check_text(text)) {
    error({file_.path, line_at(text, problem->offset), column_at(text, problem->offset)},
          problem->message);
    return std::nullopt;
  }
  try {
    // Count the documents first, with a guard: yaml-cpp 0.7 loops forever, allocating, on a
    // stray token where a document should start (a lone `,`: jbeder/yaml-cpp#1040), announcing
    // the same document again and again without consuming anything.
    std::istringstream in(file_.text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    while (starts.marks.size() < 3 && parser.HandleNextDocument(starts)) {
      const auto& marks = starts.marks;
      if (marks.size() >= 2 && marks[marks.size() - 1].pos == marks[marks.size() - 2].pos) {
        const std::string found = character_at(marks.back());
        error(where(marks.back()), "YAML syntax error: unexpected " +
                                       (found.empty() ? "end of file" : quote(found)) +
                                       " where a document or value should start");
        return std::nullopt;
      }
    }
    if (starts.marks.size() > 1) {
      error(where(starts.marks[1]),
            "a second YAML document in the file: write one document per file (remove `---`)");
      return std::nullopt;
    }
    YAML::Node document = YAML::Load(file_.text);
    if (starts.marks.empty() || document.IsNull()) {
      error({file_.path, 1, 1}, "empty file: expected `mandates:` and/or `maps:`");
      return std::nullopt;
    }
    return document;
  } catch (const YAML::Exception& e) {
    const std::string message = e.msg.empty() ? std::string(e.what()) : e.msg;
    error(e.mark.is_null() ? SourceLocation{file_.path, 1, 1} : where(e.mark),
          "YAML syntax error: " + message);
    return std::nullopt;
  }
}

std::string YamlReader::character_at(const YAML::Mark& mark) const {
  const std::string_view text = file_.text;
  std::size_t offset =
      static_cast<std::size_t>(std::max(mark.pos, 0)) + (text.starts_with(kBom) ? kBom.size() : 0);
  if (offset >= text.size()) return "";
  std::size_t end = offset + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return std::string(text.substr(offset, end - offset));
}

SourceLocation YamlReader::where(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0 || mark.column < 0 || mark.pos < 0) {
    return {file_.path, 0, 0};
  }
  // yaml-cpp counts the column in bytes and the position from after a byte order mark.
  const std::string_view text = file_.text;
  const std::size_t offset =
      static_cast<std::size_t>(mark.pos) + (text.starts_with(kBom) ? kBom.size() : 0);
  const auto byte_column = static_cast<std::size_t>(mark.column);
  int column = mark.column + 1;
  if (offset <= text.size() && byte_column <= offset) {
    column = 1;
    for (std::size_t i = offset - byte_column; i < offset; ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
    }
  }
  return {file_.path, mark.line + 1, column};
}

SourceLocation YamlReader::where(const YAML::Node& node) const {
  return where(node.Mark());
}

SourceLocation YamlReader::where(const Field& field) const {
  return field.value.IsNull() ? where(field.key) : where(field.value);
}

void YamlReader::error(const SourceLocation& at, std::string message) {
  findings_.errors.push_back({file_index_, {at, std::move(message)}});
}

void YamlReader::warning(const SourceLocation& at, std::string message) {
  findings_.warnings.push_back({file_index_, {at, std::move(message)}});
}

std::optional<Fields> YamlReader::mapping(const YAML::Node& node, const SourceLocation& fallback,
                                          std::string_view what) {
  if (!node.IsMap()) {
    error(node.IsNull() ? fallback : where(node),
          std::string(what) + " must be a mapping (`key: value` lines), found " + describe(node));
    return std::nullopt;
  }
  Fields fields{node, {}};
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      error(where(key),
            "a key in " + std::string(what) + " must be a plain word, found " + describe(key));
      continue;
    }
    if (const Field* first = fields.find(key.Scalar())) {
      error(where(key), "duplicate key " + quote(key.Scalar()) + " in " + std::string(what) +
                            " (first at " + line_column(where(first->key)) + ")");
      continue;
    }
    fields.all.push_back({key.Scalar(), key, it->second});
  }
  return fields;
}

bool YamlReader::check_keys(const Fields& fields, std::span<const std::string_view> allowed,
                            std::string_view what) {
  bool all_allowed = true;
  for (const auto& field : fields.all) {
    if (std::find(allowed.begin(), allowed.end(), field.name) != allowed.end()) continue;
    all_allowed = false;
    std::string message = "unknown key " + quote(field.name) + " in " + std::string(what);
    if (const std::string guess = nearest(field.name, allowed); !guess.empty()) {
      message += " (did you mean `" + guess + "`?)";
    }
    message += "; allowed keys: " + join(allowed);
    error(where(field.key), std::move(message));
  }
  return all_allowed;
}

const Field* YamlReader::required(const Fields& fields, std::string_view name,
                                  std::string_view what) {
  const Field* field = fields.find(name);
  if (field == nullptr) {
    error(where(fields.node),
          "missing required key `" + std::string(name) + "` in " + std::string(what));
  }
  return field;
}

std::optional<std::string> YamlReader::text(const Field& field) {
  if (!field.value.IsScalar()) {
    error(where(field), "`" + field.name + "` must be text, found " + describe(field.value));
    return std::nullopt;
  }
  return field.value.Scalar();
}

std::optional<std::string> YamlReader::nonblank_text(const Field& field) {
  auto value = text(field);
  if (value && blank(*value)) {
    error(where(field), "`" + field.name + "` must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::boolean(const Field& field) {
  // Only a plain true or false: quoted text, yes/no and on/off are refused as ambiguous.
  if (field.value.IsScalar() && field.value.Tag() == "?") {
    const std::string& value = field.value.Scalar();
    if (value == "true" || value == "True" || value == "TRUE") return true;
    if (value == "false" || value == "False" || value == "FALSE") return false;
  }
  error(where(field), "`" + field.name + "` must be true or false, found " + describe(field.value));
  return std::nullopt;
}

std::optional<int> YamlReader::integer(const Field& field, int min, int max,
                                       std::string_view range_hint) {
  const std::string range = std::to_string(min) + " to " + std::to_string(max) +
                            (range_hint.empty() ? "" : " (" + std::string(range_hint) + ")");
  if (field.value.IsScalar() && field.value.Tag() == "?") {
    const std::string& value = field.value.Scalar();
    long long number = 0;
    const char* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, number);
    if (!value.empty() && ec != std::errc::invalid_argument && ptr == end) {
      if (ec == std::errc() && number >= min && number <= max) return static_cast<int>(number);
      error(where(field), "`" + field.name + "` must be from " + range + ", found " + value);
      return std::nullopt;
    }
  }
  error(where(field), "`" + field.name + "` must be a whole number from " + range + ", found " +
                          describe(field.value));
  return std::nullopt;
}

std::optional<std::chrono::sys_days> YamlReader::date(const Field& field) {
  if (field.value.IsScalar()) {
    const std::string& value = field.value.Scalar();
    const auto digits = [&](std::size_t from, std::size_t count) {
      return std::all_of(value.begin() + static_cast<long>(from),
                         value.begin() + static_cast<long>(from + count),
                         [](char c) { return c >= '0' && c <= '9'; });
    };
    if (value.size() == 10 && value[4] == '-' && value[7] == '-' && digits(0, 4) && digits(5, 2) &&
        digits(8, 2)) {
      const std::chrono::year_month_day ymd{
          std::chrono::year{std::stoi(value.substr(0, 4))},
          std::chrono::month{static_cast<unsigned>(std::stoi(value.substr(5, 2)))},
          std::chrono::day{static_cast<unsigned>(std::stoi(value.substr(8, 2)))}};
      if (ymd.ok()) return std::chrono::sys_days{ymd};
      error(where(field), "`" + field.name + "` is not a calendar date: " + value);
      return std::nullopt;
    }
  }
  error(where(field),
        "`" + field.name + "` must be a date written YYYY-MM-DD, found " + describe(field.value));
  return std::nullopt;
}

std::optional<std::vector<YAML::Node>> YamlReader::list(const Field& field, bool allow_single) {
  if (field.value.IsSequence()) {
    return std::vector<YAML::Node>(field.value.begin(), field.value.end());
  }
  if (allow_single && field.value.IsScalar()) return std::vector<YAML::Node>{field.value};
  error(where(field), "`" + field.name + "` must be a list" +
                          (allow_single ? " or one text value" : "") + ", found " +
                          describe(field.value));
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const Field& field,
                                                                bool allow_single,
                                                                bool allow_empty) {
  const auto nodes = list(field, allow_single);
  if (!nodes) return std::nullopt;
  if (nodes->empty() && !allow_empty) {
    error(where(field), "`" + field.name + "` has no values");
    return std::nullopt;
  }
  std::vector<std::string> values;
  std::vector<std::pair<std::string, SourceLocation>> seen;  // folded value, where
  bool ok = true;
  for (const auto& node : *nodes) {
    if (!node.IsScalar()) {
      error(node.IsNull() ? where(field) : where(node),
            "a value in `" + field.name + "` must be text, found " + describe(node));
      ok = false;
      continue;
    }
    const std::string& value = node.Scalar();
    std::string folded = fold(value);
    if (folded.empty()) {
      error(where(node), "empty value in `" + field.name + "`");
      ok = false;
      continue;
    }
    const auto first = std::find_if(seen.begin(), seen.end(),
                                    [&](const auto& entry) { return entry.first == folded; });
    if (first != seen.end()) {
      error(where(node), "duplicate value " + quote(value) + " in `" + field.name + "` (first at " +
                             line_column(first->second) +
                             "; values are compared ignoring case and surrounding space)");
      ok = false;
      continue;
    }
    seen.emplace_back(std::move(folded), where(node));
    values.push_back(value);
  }
  if (!ok) return std::nullopt;
  return values;
}

}  // namespace valtuus::policy_internal
