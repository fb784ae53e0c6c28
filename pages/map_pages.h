// The organisation's authorisation maps as pages, the same in the console (/maps/...) and in
// the static copy `valtuusctl policy publish DIR` writes for the intranet: an index by
// department and by title, one page per department and per title, and one for the maps that
// select neither (groups, OUs, everyone). Each map shows whom it matches, its themes with
// their reasons and services, and which service path each theme takes today. Nothing about a
// person: no holders, no accounts. Pages link to each other by relative file names, so the
// same content works under /maps/ and in a folder.
#pragma once

#include <chrono>
#include <kainjow/mustache.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/policy.h"
#include "pages/i18n.h"

namespace valtuus {

struct MapPageSettings {
  std::set<std::string> organisation_rights;  // themes obtained through path 2
  std::chrono::sys_seconds now{};             // "today" of the paths
  int path1_days = 3;
  int path2_days = 42;
};

// Every page's file name: "index.html", "department-<name>.html", "title-<name>.html",
// "other.html" (when some map selects neither department nor title).
std::vector<std::string> map_page_files(const Policy& policy);

struct MapPageContent {
  std::string title;          // in the page's language
  std::string template_name;  // of pages/templates
  kainjow::mustache::data values;
};

// The page `file` in `language`; nullopt when no page has that name.
std::optional<MapPageContent> map_page(const Policy& policy, const MapPageSettings& settings,
                                       Language language, const std::string& file);

// A theme's name in `language`, the Finnish one when that is missing.
std::string theme_name(const MandateIssue& mandate, Language language);

// "Path 1: the organisation can grant it, about N days" in `language`.
std::string path_text(int path, int path1_days, int path2_days, Language language);

}  // namespace valtuus
