// The policy language's schema: which keys each element has, their types and limits, and the
// checks across files (unique ids, grants of known mandates). YAML reading is in yaml_reader.cc.
#include "policies/policy_loader.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

#include "core/text_fold.h"
#include "policies/yaml_reader.h"

namespace valtuus {
namespace {

using policy_internal::Field;
using policy_internal::Fields;
using policy_internal::Finding;
using policy_internal::Findings;
using policy_internal::kNoFile;
using policy_internal::nearest;
using policy_internal::quote;
using policy_internal::valid_id;
using policy_internal::YamlReader;

constexpr std::array<std::string_view, 2> kTopKeys = {"mandates", "maps"};
constexpr std::array<std::string_view, 9> kMandateKeys = {"id",
                                                          "suomifi_code",
                                                          "name",
                                                          "service",
                                                          "type",
                                                          "organisation_holds",
                                                          "grant_right",
                                                          "max_validity_days",
                                                          "renewal_notice_days"};
constexpr std::array<std::string_view, 3> kNameKeys = {"fi", "sv", "en"};
constexpr std::array<std::string_view, 2> kGrantRightKeys = {"holders", "until"};
constexpr std::array<std::string_view, 5> kMapKeys = {"id", "description", "match", "except",
                                                      "grants"};
constexpr std::array<std::string_view, 4> kSelectorKeys = {"department", "title", "group", "ou"};
constexpr std::array<std::string_view, 2> kGrantKeys = {"mandate", "why"};

constexpr std::string_view kSuomifiPrefix = "http://valtuusrekisteri.suomi.fi/";
constexpr int kMaxValidityDays = 9131;  // 25 years, the longest validity Suomi.fi allows

std::string id_rule(std::string_view kind, std::string_view id) {
  return std::string(kind) + " id " + quote(id) +
         " must be lowercase letters, digits and hyphens, starting with a letter or digit";
}

std::string at_text(const SourceLocation& where) {
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

// Builds a Policy from the files in order, collecting every finding.
class Builder {
 public:
  PolicyLoadResult build(const std::vector<PolicyFile>& files);

 private:
  struct Reference {
    std::string mandate;
    SourceLocation where;
    std::size_t file_index;
  };

  void read_file(YamlReader& reader, bool may_define_mandates);
  void read_mandate(YamlReader& reader, const YAML::Node& node, const SourceLocation& fallback);
  void read_grant_right(YamlReader& reader, const Field& field, GrantRight& right);
  void read_map(YamlReader& reader, const YAML::Node& node, const SourceLocation& fallback);
  std::optional<Selectors> read_selectors(YamlReader& reader, const Field& field,
                                          const std::string& what);
  void read_grants(YamlReader& reader, const Field& field, const std::string& what,
                   AuthorisationMap& map);
  // Reads the `id` field; reports a missing, malformed or duplicate id. Returns the id when it
  // is text (even malformed, for messages) and whether it is acceptable.
  std::pair<std::string, bool> read_id(YamlReader& reader, const Fields& fields,
                                       std::string_view kind,
                                       std::map<std::string, SourceLocation>& seen);

  Findings findings_;
  Policy policy_;
  std::map<std::string, SourceLocation> mandate_ids_, map_ids_;
  std::vector<Reference> references_;
  bool catalog_complete_ = true;  // false when some mandate may have gone unread
};

std::pair<std::string, bool> Builder::read_id(YamlReader& reader, const Fields& fields,
                                              std::string_view kind,
                                              std::map<std::string, SourceLocation>& seen) {
  const Field* field = reader.required(fields, "id", kind);
  if (field == nullptr) return {"", false};
  const auto id = reader.text(*field);
  if (!id) return {"", false};
  bool ok = true;
  if (!valid_id(*id)) {
    reader.error(reader.where(*field), id_rule(kind, *id));
    ok = false;
  }
  const auto [first, inserted] = seen.emplace(*id, reader.where(*field));
  if (!inserted) {
    reader.error(reader.where(*field), "duplicate " + std::string(kind) + " id " + quote(*id) +
                                           " (first defined at " + at_text(first->second) + ")");
    ok = false;
  }
  return {*id, ok};
}

void Builder::read_file(YamlReader& reader, bool may_define_mandates) {
  // A file that does not parse hides its mandates, so grants of them must not be called
  // unknown; but a file whose text never says "mandates" defines none, and suppressing the
  // other files' errors for it would show a person the errors of one file per round.
  const auto document = reader.load();
  if (!document) {
    if (may_define_mandates) catalog_complete_ = false;
    return;
  }
  const auto top = reader.mapping(*document, reader.where(*document), "the top level");
  if (!top) {
    if (may_define_mandates) catalog_complete_ = false;
    return;
  }
  if (!reader.check_keys(*top, kTopKeys, "the top level")) {
    catalog_complete_ = false;  // perhaps a misspelt `mandates:`
  }
  if (top->all.empty()) {
    reader.error(reader.where(*document), "empty file: expected `mandates:` and/or `maps:`");
    return;
  }
  if (const Field* mandates = top->find("mandates")) {
    if (const auto items = reader.list(*mandates, false)) {
      for (const auto& item : *items) read_mandate(reader, item, reader.where(*mandates));
    } else {
      catalog_complete_ = false;
    }
  }
  if (const Field* maps = top->find("maps")) {
    if (const auto items = reader.list(*maps, false)) {
      for (const auto& item : *items) read_map(reader, item, reader.where(*maps));
    }
  }
}

void Builder::read_mandate(YamlReader& reader, const YAML::Node& node,
                           const SourceLocation& fallback) {
  const auto fields = reader.mapping(node, fallback, "a mandate");
  if (!fields) {
    catalog_complete_ = false;
    return;
  }
  const std::size_t errors_before = findings_.errors.size();
  MandateIssue mandate;
  mandate.location = reader.where(node);
  const auto [id, id_ok] = read_id(reader, *fields, "mandate", mandate_ids_);
  if (id.empty()) catalog_complete_ = false;
  mandate.id = id;
  const std::string what = id.empty() ? std::string("a mandate") : "mandate " + quote(id);
  reader.check_keys(*fields, kMandateKeys, what);

  if (const Field* code = fields->find("suomifi_code")) {
    if (const auto value = reader.text(*code)) {
      mandate.suomifi_code = *value;
      const std::string_view rest =
          std::string_view(*value).substr(std::min(value->size(), kSuomifiPrefix.size()));
      const bool spaces = std::any_of(value->begin(), value->end(),
                                      [](char c) { return static_cast<unsigned char>(c) <= ' '; });
      if (!value->empty() && (!value->starts_with(kSuomifiPrefix) || rest.empty() || spaces)) {
        reader.error(reader.where(*code),
                     "`suomifi_code` must be a Suomi.fi theme URI starting with " +
                         std::string(kSuomifiPrefix) + ", or \"\" while unknown; found " +
                         quote(*value));
      }
    }
  }
  if (const Field* name = reader.required(*fields, "name", what)) {
    if (const auto names = reader.mapping(name->value, reader.where(*name), "`name` of " + what)) {
      reader.check_keys(*names, kNameKeys, "`name` of " + what);
      if (const Field* fi = reader.required(*names, "fi", "`name` of " + what)) {
        if (auto value = reader.nonblank_text(*fi)) mandate.name_fi = std::move(*value);
      }
      std::string missing;
      for (const auto& [key, target] :
           {std::pair{"sv", &mandate.name_sv}, std::pair{"en", &mandate.name_en}}) {
        const Field* field = names->find(key);
        if (field != nullptr) {
          if (auto value = reader.text(*field)) *target = std::move(*value);
        }
        if (field == nullptr || (field->value.IsScalar() && fold(*target).empty())) {
          missing += missing.empty() ? std::string(key) : std::string(" or ") + key;
        }
      }
      if (!missing.empty()) {
        reader.warning(reader.where(*name), what + " has no " + missing + " name");
      }
    }
  }
  if (const Field* service = reader.required(*fields, "service", what)) {
    if (auto value = reader.nonblank_text(*service)) mandate.service = std::move(*value);
  }
  if (const Field* type = fields->find("type")) {
    if (const auto value = reader.text(*type)) {
      if (*value == "asiointivaltuus") {
        mandate.type = MandateType::kAsiointivaltuus;
      } else if (*value == "edustamisvaltuus") {
        mandate.type = MandateType::kEdustamisvaltuus;
      } else {
        reader.error(reader.where(*type),
                     "`type` must be asiointivaltuus or edustamisvaltuus, found " + quote(*value));
      }
    }
  }
  if (const Field* holds = fields->find("organisation_holds")) {
    if (const auto value = reader.boolean(*holds)) mandate.organisation_holds = *value;
  }
  if (const Field* right = fields->find("grant_right")) {
    read_grant_right(reader, *right, mandate.grant_right);
    if (!mandate.organisation_holds) {
      reader.warning(reader.where(right->key),
                     what + " has `grant_right` but `organisation_holds: false`");
    }
  }
  bool max_days_ok = true;
  if (const Field* max_days = fields->find("max_validity_days")) {
    const auto value = reader.integer(*max_days, 1, kMaxValidityDays, "25 years at most");
    if (value) mandate.max_validity_days = *value;
    max_days_ok = value.has_value();
  }
  if (const Field* notice = fields->find("renewal_notice_days")) {
    if (const auto value = reader.integer(*notice, 0, kMaxValidityDays, "")) {
      if (max_days_ok && *value > mandate.max_validity_days) {
        reader.error(reader.where(*notice), "`renewal_notice_days` (" + std::to_string(*value) +
                                                ") must not exceed `max_validity_days` (" +
                                                std::to_string(mandate.max_validity_days) + ")");
      } else {
        mandate.renewal_notice_days = *value;
      }
    }
  }
  if (mandate.suomifi_code.empty()) {
    const Field* code = fields->find("suomifi_code");
    if (code == nullptr || code->value.IsScalar()) {
      reader.warning(code != nullptr ? reader.where(*code) : mandate.location,
                     what + " (" + mandate.name_fi + ", " + mandate.service +
                         ") has no `suomifi_code`: its Suomi.fi theme URI is unknown");
    }
  }
  if (!id_ok || findings_.errors.size() != errors_before) return;
  policy_.catalog.push_back(std::move(mandate));
}

void Builder::read_grant_right(YamlReader& reader, const Field& field, GrantRight& right) {
  const std::string what = "`grant_right`";
  const auto fields = reader.mapping(field.value, reader.where(field), what);
  if (!fields) return;
  reader.check_keys(*fields, kGrantRightKeys, what);
  if (const Field* holders = fields->find("holders")) {
    if (auto values = reader.string_list(*holders, false, true)) right.holders = std::move(*values);
  }
  if (const Field* until = fields->find("until")) right.until = reader.date(*until);
}

void Builder::read_map(YamlReader& reader, const YAML::Node& node, const SourceLocation& fallback) {
  const auto fields = reader.mapping(node, fallback, "a map");
  if (!fields) return;
  AuthorisationMap map;
  map.location = reader.where(node);
  map.id = read_id(reader, *fields, "map", map_ids_).first;
  const std::string what = map.id.empty() ? std::string("a map") : "map " + quote(map.id);
  reader.check_keys(*fields, kMapKeys, what);

  if (const Field* description = fields->find("description")) {
    if (auto value = reader.text(*description)) map.description = std::move(*value);
  }
  const Field* match = fields->find("match");
  const std::string empty_match = "empty match in " + what +
                                  ": write `match: all` to match everyone, or give selectors (" +
                                  "department, title, group, ou)";
  if (match == nullptr) {
    reader.error(map.location, empty_match);
  } else if (match->value.IsScalar() && match->value.Scalar() == "all") {
    map.match_all = true;
  } else if (match->value.IsNull() || (match->value.IsMap() && match->value.size() == 0)) {
    reader.error(reader.where(*match), empty_match);
  } else if (match->value.IsScalar()) {
    reader.error(reader.where(*match), "`match` must be `all` or a mapping of selectors (" +
                                           std::string("department, title, group, ou), found ") +
                                           quote(match->value.Scalar()));
  } else if (auto selectors = read_selectors(reader, *match, what)) {
    map.match = std::move(*selectors);
  }
  if (const Field* except = fields->find("except")) {
    if (except->value.IsScalar() && except->value.Scalar() == "all") {
      reader.error(reader.where(*except), "`except: all` in " + what + " would exclude everyone");
    } else if (except->value.IsNull() || (except->value.IsMap() && except->value.size() == 0)) {
      reader.error(reader.where(*except), "empty `except` in " + what + ": remove it or give " +
                                              "selectors (department, title, group, ou)");
    } else if (auto selectors = read_selectors(reader, *except, what)) {
      map.except = std::move(*selectors);
    }
  }
  if (const Field* grants = reader.required(*fields, "grants", what)) {
    read_grants(reader, *grants, what, map);
  }
  policy_.maps.push_back(std::move(map));
}

std::optional<Selectors> Builder::read_selectors(YamlReader& reader, const Field& field,
                                                 const std::string& what) {
  const std::string where_text = "`" + field.name + "` of " + what;
  const auto fields = reader.mapping(field.value, reader.where(field), where_text);
  if (!fields) return std::nullopt;
  reader.check_keys(*fields, kSelectorKeys, where_text);
  Selectors selectors;
  bool ok = true;
  for (const auto& [key, target] :
       {std::pair{"department", &selectors.department}, std::pair{"title", &selectors.title},
        std::pair{"group", &selectors.group}, std::pair{"ou", &selectors.ou}}) {
    const Field* selector = fields->find(key);
    if (selector == nullptr) continue;
    if (auto values = reader.string_list(*selector, true, false)) {
      *target = std::move(*values);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return selectors;
}

void Builder::read_grants(YamlReader& reader, const Field& field, const std::string& what,
                          AuthorisationMap& map) {
  const auto items = reader.list(field, false);
  if (!items) return;
  if (items->empty()) {
    reader.error(reader.where(field), "`grants` of " + what + " is empty: a map grants something");
    return;
  }
  std::map<std::string, SourceLocation> granted;
  for (const auto& item : *items) {
    const auto fields = reader.mapping(item, reader.where(field), "a grant of " + what);
    if (!fields) continue;
    MapGrant grant;
    grant.location = reader.where(item);
    reader.check_keys(*fields, kGrantKeys, "a grant of " + what);
    if (const Field* mandate = reader.required(*fields, "mandate", "a grant of " + what)) {
      if (auto value = reader.text(*mandate)) {
        grant.mandate = std::move(*value);
        const auto [first, inserted] = granted.emplace(grant.mandate, reader.where(*mandate));
        if (!inserted) {
          reader.error(reader.where(*mandate),
                       what + " grants " + quote(grant.mandate) + " twice (first at " +
                           policy_internal::line_column(first->second) + ")");
        }
        references_.push_back({grant.mandate, reader.where(*mandate), reader.file_index()});
      }
    }
    if (const Field* why = reader.required(*fields, "why", "a grant of " + what)) {
      if (auto value = reader.nonblank_text(*why)) grant.why = std::move(*value);
    }
    map.grants.push_back(std::move(grant));
  }
}

PolicyLoadResult Builder::build(const std::vector<PolicyFile>& files) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    YamlReader reader(files[i], i, findings_);
    read_file(reader, files[i].text.find("mandates") != std::string::npos);
  }
  // Grants of unknown mandates; skipped when a broken file may have hidden the mandate.
  if (catalog_complete_) {
    std::vector<std::string_view> known;
    for (const auto& [id, where] : mandate_ids_) known.push_back(id);
    for (const auto& reference : references_) {
      if (mandate_ids_.contains(reference.mandate)) continue;
      std::string message = "grant of unknown mandate " + quote(reference.mandate);
      if (const std::string guess = nearest(reference.mandate, known); !guess.empty()) {
        message += " (did you mean `" + guess + "`?)";
      }
      findings_.errors.push_back({reference.file_index, {reference.where, message}});
    }
  }
  if (catalog_complete_ && mandate_ids_.empty()) {
    findings_.errors.push_back(
        {kNoFile,
         {{},
          files.empty() ? "no policy files: the catalog needs at least one mandate"
                        : "no mandates in any policy file: the catalog (`mandates:`) "
                          "needs at least one"}});
  }
  if (policy_.maps.empty() && !mandate_ids_.empty()) {
    findings_.warnings.push_back(
        {kNoFile, {{}, "no authorisation maps (`maps:`): no employee needs any mandate"}});
  }

  const auto in_file_order = [](const Finding& a, const Finding& b) {
    return std::tie(a.file_index, a.diagnostic.where.line, a.diagnostic.where.column) <
           std::tie(b.file_index, b.diagnostic.where.line, b.diagnostic.where.column);
  };
  PolicyLoadResult result;
  for (auto* list : {&findings_.errors, &findings_.warnings}) {
    std::stable_sort(list->begin(), list->end(), in_file_order);
    auto& out = list == &findings_.errors ? result.errors : result.warnings;
    for (auto& finding : *list) out.push_back(std::move(finding.diagnostic));
  }
  if (result.errors.empty()) result.policy = std::move(policy_);
  return result;
}

}  // namespace

std::string format(const PolicyDiagnostic& d) {
  if (d.where.file.empty()) return d.message;
  if (d.where.line <= 0) return d.where.file + ": " + d.message;
  return at_text(d.where) + ": " + d.message;
}

PolicyLoadResult parse_policy(const std::vector<PolicyFile>& files) {
  return Builder().build(files);
}

}  // namespace valtuus
