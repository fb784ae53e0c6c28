#include "cli/policy_explain_print.h"

#include "cli/policy_dates.h"

namespace valtuus {

namespace {

std::string at(const SourceLocation& where) {
  return where.file + ":" + std::to_string(where.line);
}

std::string quoted_values(const std::vector<std::pair<std::string, std::string>>& values) {
  std::string text;
  for (const auto& [attribute, value] : values)
    text += (text.empty() ? "" : ", ") + attribute + " \"" + value + "\"";
  return text;
}

// "department: A, B; title: C", as a map's selectors read in its file.
std::string selectors_text(const Selectors& s) {
  std::string text;
  auto add = [&](const char* name, const std::vector<std::string>& values) {
    if (values.empty()) return;
    text += std::string(text.empty() ? "" : "; ") + name + ": ";
    for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + values[i];
  };
  add("department", s.department);
  add("title", s.title);
  add("group", s.group);
  add("ou", s.ou);
  return text;
}

const std::vector<std::string>& selector_values(const Selectors& s, const std::string& name) {
  if (name == "title") return s.title;
  if (name == "group") return s.group;
  if (name == "ou") return s.ou;
  return s.department;
}

std::string open_items_text(const std::vector<OpenItem>& items) {
  std::string text;
  for (const OpenItem& item : items) {
    text += (text.empty() ? "" : ", ") + ("#" + std::to_string(item.id)) + " " +
            to_string(item.kind) + " (" + to_string(item.state) +
            (item.kind == ChangeKind::kOrgApply ? ", the organisation's application)" : ")");
  }
  return text;
}

std::string held_text(const ThemeExplanation& t) {
  if (!t.held) {
    if (t.reasons.empty() || t.mandate == nullptr) return "held: no";
    return t.organisation_can_grant
               ? "held: no; path 1: the organisation can grant it"
               : "held: no; path 2: the organisation must first obtain the right to grant it "
                 "from DVV";
  }
  if (!t.held->valid_until) return "held: yes (no end date recorded)";
  return "held: yes, until " + format_day(*t.held->valid_until);
}

void print_theme(std::ostream& out, const ThemeExplanation& t) {
  out << "  " << t.mandate_id;
  if (t.mandate) {
    out << "  " << t.mandate->name_fi << " (" << t.mandate->service << ")\n";
    if (!t.mandate->name_sv.empty()) out << "    sv: " << t.mandate->name_sv << '\n';
    if (!t.mandate->name_en.empty()) out << "    en: " << t.mandate->name_en << '\n';
  } else {
    out << "  (no longer in the catalog)\n";
  }
  for (const ThemeReason& r : t.reasons) {
    if (r.map) {
      out << "    why (" << r.map->id << ", " << at(r.grant->location) << "): " << r.grant->why
          << '\n';
    } else {
      out << "    why (order form #" << r.request->id
          << (r.request->until ? ", until " + format_day(*r.request->until) : std::string())
          << "): " << r.request->why << '\n';
    }
  }
  out << "    " << held_text(t) << '\n';
  if (!t.open_items.empty()) out << "    open: " << open_items_text(t.open_items) << '\n';
}

std::string groups_text(const std::vector<SharedText>& groups) {
  if (groups.empty()) return "(none)";
  std::string text;
  for (const std::string& g : groups) text += (text.empty() ? "" : "; ") + g;
  return text;
}

nlohmann::json matched_json(const std::vector<std::pair<std::string, std::string>>& values) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& [attribute, value] : values)
    array.push_back({{"attribute", attribute}, {"value", value}});
  return array;
}

nlohmann::json theme_json(const ThemeExplanation& t) {
  nlohmann::json why = nlohmann::json::array();
  for (const ThemeReason& r : t.reasons) {
    if (r.map) {
      why.push_back({{"map", r.map->id},
                     {"file", r.grant->location.file},
                     {"line", r.grant->location.line},
                     {"text", r.grant->why}});
    } else {
      why.push_back({{"request", r.request->id},
                     {"until", r.request->until ? nlohmann::json(format_day(*r.request->until))
                                                : nlohmann::json(nullptr)},
                     {"text", r.request->why}});
    }
  }
  nlohmann::json open = nlohmann::json::array();
  for (const OpenItem& item : t.open_items)
    open.push_back(
        {{"id", item.id}, {"kind", to_string(item.kind)}, {"state", to_string(item.state)}});
  nlohmann::json json = {
      {"id", t.mandate_id},         {"why", why},
      {"held", t.held.has_value()}, {"valid_until", nullptr},
      {"open_items", open},         {"organisation_can_grant", t.organisation_can_grant}};
  if (t.held && t.held->valid_until) json["valid_until"] = format_day(*t.held->valid_until);
  if (t.mandate) {
    json["name_fi"] = t.mandate->name_fi;
    json["name_sv"] = t.mandate->name_sv;
    json["name_en"] = t.mandate->name_en;
    json["service"] = t.mandate->service;
  }
  return json;
}

}  // namespace

std::string status_text(EmployeeStatus status) {
  const std::string leaver =
      ": a leaver gets no new grants, and what they hold is proposed for revocation";
  switch (status) {
    case EmployeeStatus::kActive:
      return "active";
    case EmployeeStatus::kLongLeave:
      return "on long leave: keeps what they hold, but no new grants are proposed";
    case EmployeeStatus::kLeftDisabled:
      return "leaver (the account is disabled)" + leaver;
    case EmployeeStatus::kLeftExpired:
      return "leaver (the account has expired)" + leaver;
    case EmployeeStatus::kLeftOu:
      return "leaver (the account is in the leavers' OU)" + leaver;
  }
  return to_string(status);
}

void print_explanation(std::ostream& out, const Explanation& ex, const Snapshot& snapshot) {
  const Employee& e = *ex.employee;
  out << (e.display_name.empty() ? e.given_name + " " + e.surname : e.display_name) << " ("
      << e.account << ")\n"
      << "  department  " << e.department.str() << '\n'
      << "  title       " << e.title.str() << '\n'
      << "  OU          " << e.ou.str() << '\n'
      << "  groups      " << groups_text(e.groups) << '\n'
      << "  status      " << status_text(ex.status) << '\n'
      << "  as read     " << format_utc(snapshot.read_at)
      << (snapshot.complete ? " (complete read)"
                            : " (INCOMPLETE read: " + snapshot.incomplete_reason + ")")
      << "\n\n";

  if (ex.matching.empty()) {
    out << "No map applies (" << ex.maps_total << " maps).\n";
  } else {
    out << "Maps that apply (" << ex.matching.size() << " of " << ex.maps_total << "):\n";
    for (const MapVerdict& v : ex.matching) {
      out << "  " << v.map->id << "  " << at(v.map->location) << '\n'
          << "    matched "
          << (v.map->match_all ? "everyone (match: all)" : quoted_values(v.matched)) << '\n';
    }
  }
  if (!ex.near_misses.empty()) {
    out << "\nMaps that almost apply:\n";
    for (const MapVerdict& v : ex.near_misses) {
      out << "  " << v.map->id << "  " << at(v.map->location) << "\n    matched "
          << quoted_values(v.matched);
      if (v.excluded) {
        out << ", but its except excludes the person (" << selectors_text(v.map->except) << ")\n";
        continue;
      }
      for (const std::string& name : v.unmatched) {
        out << "; " << name << " did not (the map wants: ";
        const auto& wanted = selector_values(v.map->match, name);
        for (std::size_t i = 0; i < wanted.size(); ++i) out << (i ? ", " : "") << wanted[i];
        out << ")";
      }
      out << '\n';
    }
  }

  out << '\n';
  if (ex.needed.empty()) {
    out << "No theme is required.\n";
  } else {
    out << "Themes required (" << ex.needed.size() << ")";
    if (is_leaver(ex.status)) out << ", none proposed: the person is a leaver";
    if (ex.status == EmployeeStatus::kLongLeave)
      out << ", none proposed: the person is on long leave";
    out << ":\n";
    for (const ThemeExplanation& t : ex.needed) print_theme(out, t);
  }
  if (!ex.not_needed.empty()) {
    out << "\nHeld or open, but required by no map or order form:\n";
    for (const ThemeExplanation& t : ex.not_needed) print_theme(out, t);
  }
}

nlohmann::json explanation_json(const Explanation& ex, const Snapshot& snapshot) {
  const Employee& e = *ex.employee;
  nlohmann::json maps = nlohmann::json::array(), near = nlohmann::json::array(),
                 needed = nlohmann::json::array(), not_needed = nlohmann::json::array();
  for (const MapVerdict& v : ex.matching) {
    maps.push_back({{"id", v.map->id},
                    {"file", v.map->location.file},
                    {"line", v.map->location.line},
                    {"matched", matched_json(v.matched)}});
  }
  for (const MapVerdict& v : ex.near_misses) {
    near.push_back({{"id", v.map->id},
                    {"file", v.map->location.file},
                    {"line", v.map->location.line},
                    {"matched", matched_json(v.matched)},
                    {"unmatched", v.unmatched},
                    {"excluded", v.excluded}});
  }
  for (const ThemeExplanation& t : ex.needed) needed.push_back(theme_json(t));
  for (const ThemeExplanation& t : ex.not_needed) not_needed.push_back(theme_json(t));
  return {
      {"account", e.account},
      {"name", e.display_name},
      {"department", e.department},
      {"title", e.title},
      {"ou", e.ou},
      {"groups", std::vector<std::string>(e.groups.begin(), e.groups.end())},
      {"status", to_string(ex.status)},
      {"leaver", is_leaver(ex.status)},
      {"long_leave", ex.status == EmployeeStatus::kLongLeave},
      {"grants_proposed", ex.status == EmployeeStatus::kActive},
      {"snapshot", {{"read_at", format_utc(snapshot.read_at)}, {"complete", snapshot.complete}}},
      {"maps", maps},
      {"near_misses", near},
      {"themes", needed},
      {"held_not_required", not_needed}};
}

}  // namespace valtuus
