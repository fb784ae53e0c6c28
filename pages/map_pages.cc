#include "pages/map_pages.h"

#include <algorithm>
#include <map>

#include "core/person_map.h"
#include "core/text_fold.h"

using kainjow::mustache::data;

namespace valtuus {

namespace {

// A file name from a department or title: ASCII letters and digits, the Finnish and Swedish
// letters without their dots and ring, anything else a dash.
std::string slug(const std::string& text) {
  const std::string folded = fold(text);
  std::string out;
  for (std::size_t i = 0; i < folded.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(folded[i]);
    std::string piece;
    if (std::isalnum(c) && c < 0x80) {
      piece = std::string(1, static_cast<char>(c));
    } else if (c == 0xC3 && i + 1 < folded.size()) {
      const unsigned char next = static_cast<unsigned char>(folded[++i]);
      piece = next == 0xA4 || next == 0xA5 || next == 0xA1 || next == 0xA0 ? "a"
              : next == 0xB6 || next == 0xB8                               ? "o"
              : next == 0xA9 || next == 0xA8                               ? "e"
              : next == 0xBC                                               ? "u"
                                                                           : "-";
    } else {
      piece = "-";
    }
    if (piece == "-" && (out.empty() || out.back() == '-')) continue;
    out += piece;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "x" : out;
}

struct Group {
  std::string label;  // as first written in the maps
  std::string file;
  std::vector<const AuthorisationMap*> maps;
};

struct Site {
  std::vector<Group> departments, titles;
  Group other;
};

// Groups the maps by each value of one selector, values compared as the matching compares.
std::vector<Group> group_by(const Policy& policy, const std::string& prefix,
                            std::vector<std::string> Selectors::*selector,
                            std::set<std::string>& files) {
  std::vector<Group> groups;
  std::map<std::string, std::size_t> by_folded;
  for (const AuthorisationMap& map : policy.maps) {
    for (const std::string& value : map.match.*selector) {
      const std::string key = fold(value);
      auto found = by_folded.find(key);
      if (found == by_folded.end()) {
        found = by_folded.emplace(key, groups.size()).first;
        groups.push_back({std::string(trim_space(value)), "", {}});
      }
      auto& maps = groups[found->second].maps;
      if (std::find(maps.begin(), maps.end(), &map) == maps.end()) maps.push_back(&map);
    }
  }
  std::sort(groups.begin(), groups.end(),
            [](const Group& a, const Group& b) { return fold(a.label) < fold(b.label); });
  for (Group& group : groups) {
    std::string file = prefix + slug(group.label);
    for (int n = 2; files.count(file + ".html"); ++n)
      file = prefix + slug(group.label) + "-" + std::to_string(n);
    group.file = file + ".html";
    files.insert(group.file);
  }
  return groups;
}

Site site_of(const Policy& policy) {
  Site site;
  std::set<std::string> files{"index.html", "other.html"};
  site.departments = group_by(policy, "department-", &Selectors::department, files);
  site.titles = group_by(policy, "title-", &Selectors::title, files);
  site.other.file = "other.html";
  for (const AuthorisationMap& map : policy.maps) {
    if (map.match.department.empty() && map.match.title.empty()) site.other.maps.push_back(&map);
  }
  return site;
}

data links(const std::vector<Group>& groups) {
  data list{data::type::list};
  for (const Group& group : groups) {
    data link;
    link.set("file", group.file);
    link.set("label", group.label);
    link.set("count", std::to_string(group.maps.size()));
    list.push_back(link);
  }
  return list;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) out += (out.empty() ? "" : ", ") + value;
  return out;
}

data selectors(const Selectors& s, Language language) {
  data list{data::type::list};
  auto add = [&](const char* key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    data entry;
    entry.set("name", message(language, key));
    entry.set("values", joined(values));
    list.push_back(entry);
  };
  add("department", s.department);
  add("map_title_selector", s.title);
  add("map_group_selector", s.group);
  add("map_ou_selector", s.ou);
  return list;
}

data map_cards(const Policy& policy, const std::vector<const AuthorisationMap*>& maps,
               const MapPageSettings& settings, Language language) {
  data cards{data::type::list};
  for (const AuthorisationMap* map : maps) {
    data card;
    card.set("id", map->id);
    card.set("description", map->description);
    card.set("match_all", map->match_all);
    card.set("match", selectors(map->match, language));
    const data except = selectors(map->except, language);
    card.set("except", except);
    card.set("has_except", !map->except.empty());
    data themes{data::type::list};
    for (const MapGrant& grant : map->grants) {
      const MandateIssue* mandate = policy.find_mandate(grant.mandate);
      if (mandate == nullptr) continue;
      const int path = service_path(*mandate, settings.organisation_rights, settings.now);
      data theme;
      theme.set("id", mandate->id);
      theme.set("name", theme_name(*mandate, language));
      theme.set("service", mandate->service);
      theme.set("why", grant.why);
      theme.set("path", std::to_string(path));
      theme.set("path_text", path_text(path, settings.path1_days, settings.path2_days, language));
      themes.push_back(theme);
    }
    card.set("themes", themes);
    card.set("has_themes", !map->grants.empty());
    cards.push_back(card);
  }
  return cards;
}

std::string replaced(std::string text, const std::string& name, const std::string& value) {
  const std::string placeholder = "{{" + name + "}}";
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder))
    text.replace(at, placeholder.size(), value);
  return text;
}

}  // namespace

std::string theme_name(const MandateIssue& mandate, Language language) {
  const std::string& name = language == Language::kSv   ? mandate.name_sv
                            : language == Language::kEn ? mandate.name_en
                                                        : mandate.name_fi;
  return name.empty() ? mandate.name_fi : name;
}

std::string path_text(int path, int path1_days, int path2_days, Language language) {
  return path == 1 ? replaced(message(language, "path_1"), "days", std::to_string(path1_days))
                   : replaced(message(language, "path_2"), "days", std::to_string(path2_days));
}

std::vector<std::string> map_page_files(const Policy& policy) {
  const Site site = site_of(policy);
  std::vector<std::string> files{"index.html"};
  for (const Group& g : site.departments) files.push_back(g.file);
  for (const Group& g : site.titles) files.push_back(g.file);
  if (!site.other.maps.empty()) files.push_back(site.other.file);
  return files;
}

std::optional<MapPageContent> map_page(const Policy& policy, const MapPageSettings& settings,
                                       Language language, const std::string& file) {
  const Site site = site_of(policy);
  if (file == "index.html") {
    data values;
    values.set("departments", links(site.departments));
    values.set("titles", links(site.titles));
    values.set("has_other", !site.other.maps.empty());
    values.set("other_count", std::to_string(site.other.maps.size()));
    values.set("path_1", path_text(1, settings.path1_days, settings.path2_days, language));
    values.set("path_2", path_text(2, settings.path1_days, settings.path2_days, language));
    return MapPageContent{message(language, "maps_title"), "maps_index", values};
  }
  const Group* group = nullptr;
  std::string heading;
  for (const Group& g : site.departments) {
    if (g.file == file) group = &g, heading = message(language, "department") + ": " + g.label;
  }
  for (const Group& g : site.titles) {
    if (g.file == file)
      group = &g, heading = message(language, "map_title_selector") + ": " + g.label;
  }
  if (file == site.other.file && !site.other.maps.empty()) {
    group = &site.other;
    heading = message(language, "maps_other");
  }
  if (group == nullptr) return std::nullopt;
  data values;
  values.set("maps", map_cards(policy, group->maps, settings, language));
  return MapPageContent{heading, "maps_group", values};
}

}  // namespace valtuus
