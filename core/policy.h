// The authorisation policy as values: the catalog of mandate themes (valtuusasiat) and the
// authorisation maps (valtuuskartat) that say who needs which theme and why. Produced by the
// loader in policies/, consumed by reconcile(). Every element remembers where it was written
// (file:line) so that each proposed change can name the rule that caused it.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace valtuus {

struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class MandateType { kAsiointivaltuus, kEdustamisvaltuus };

// The organisation's right to grant a theme (valtuutusoikeus), registered by DVV for named staff.
struct GrantRight {
  std::vector<std::string> holders;  // accounts of the people who may give the mandate
  std::optional<std::chrono::sys_days> until;
};

struct MandateIssue {
  std::string id;            // local catalog id, e.g. "kela-etuustiedot"
  std::string suomifi_code;  // the theme URI; empty while unknown
  std::string name_fi, name_sv, name_en;
  std::string service;  // Kela, Verohallinto, ...
  MandateType type = MandateType::kAsiointivaltuus;
  bool organisation_holds = true;  // false: the organisation must apply first (path 2)
  GrantRight grant_right;
  int max_validity_days = 730;  // a grant's default validity; at most 25 years
  int renewal_notice_days = 60;
  SourceLocation location;
};

// Values for each selector; within a selector any value matches, across selectors all must.
struct Selectors {
  std::vector<std::string> department;
  std::vector<std::string> title;
  std::vector<std::string> group;  // a group's CN or its full DN
  std::vector<std::string> ou;
  bool empty() const { return department.empty() && title.empty() && group.empty() && ou.empty(); }
};

struct MapGrant {
  std::string mandate;  // catalog id
  std::string why;      // the reason the work needs it, shown to reviewers
  SourceLocation location;
};

struct AuthorisationMap {
  std::string id;
  std::string description;
  bool match_all = false;  // `match: all`; an empty match is otherwise refused by the loader
  Selectors match;
  Selectors except;
  std::vector<MapGrant> grants;
  SourceLocation location;
};

struct Policy {
  std::vector<MandateIssue> catalog;
  std::vector<AuthorisationMap> maps;

  const MandateIssue* find_mandate(const std::string& id) const;
};

}  // namespace valtuus
