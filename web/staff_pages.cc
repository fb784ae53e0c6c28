#include "web/staff_pages.h"

#include "core/calendar.h"
#include "core/grant_import.h"
#include "pages/map_pages.h"

using kainjow::mustache::data;

namespace valtuus {

namespace {

std::string replaced(std::string text, const std::string& name, const std::string& value) {
  const std::string placeholder = "{{" + name + "}}";
  if (const auto at = text.find(placeholder); at != std::string::npos)
    text.replace(at, placeholder.size(), value);
  return text;
}

// The theme's name and service in `language`: the policy's when it has the theme, else the
// stored catalog's (a theme dropped from the maps), else its id.
std::pair<std::string, std::string> names_of(const Policy* policy, const StaffView& view,
                                             const std::string& id, Language language) {
  if (policy != nullptr) {
    if (const MandateIssue* mandate = policy->find_mandate(id))
      return {theme_name(*mandate, language), mandate->service};
  }
  const auto found = view.themes.find(id);
  if (found == view.themes.end()) return {id, ""};
  const ThemeNames& n = found->second;
  const std::string& name = language == Language::kSv   ? n.sv
                            : language == Language::kEn ? n.en
                                                        : n.fi;
  return {name.empty() ? n.fi : name, n.service};
}

std::string day_text(const std::optional<std::chrono::sys_days>& day, Language language) {
  return day ? format_iso_date(*day) : message(language, "no_end_date");
}

data theme_row(const NeededTheme& theme, const StaffPageSettings& settings, Language language) {
  data row;
  row.set("id", theme.mandate->id);
  row.set("name", theme_name(*theme.mandate, language));
  row.set("service", theme.mandate->service);
  row.set("why", theme.grant ? theme.grant->why : theme.request ? theme.request->why : "");
  row.set("path_text", path_text(theme.path, settings.path1_days, settings.path2_days, language));
  row.set("held", theme.held ? "yes" : "no");
  std::string held = message(language, "held_not_yet");
  if (theme.held) {
    held = theme.held->valid_until ? replaced(message(language, "held_until"), "until",
                                              format_iso_date(*theme.held->valid_until))
                                   : message(language, "held_no_end");
  }
  row.set("held_text", held);
  return row;
}

std::string matched_text(const std::vector<std::pair<std::string, std::string>>& matched,
                         bool match_all, Language language) {
  if (match_all) return message(language, "map_everyone");
  std::string out;
  for (const auto& [attribute, value] : matched) {
    const std::string name = attribute == "department" ? message(language, "department")
                             : attribute == "title"    ? message(language, "map_title_selector")
                             : attribute == "group"    ? message(language, "map_group_selector")
                             : attribute == "ou"       ? message(language, "map_ou_selector")
                                                       : attribute;
    out += (out.empty() ? "" : "; ") + name + " " + value;
  }
  return out;
}

}  // namespace

Employee employee_of(const StaffPerson& person) {
  Employee e;
  e.key = person.key;
  e.account = person.account;
  e.dn = person.dn;
  e.display_name = person.display_name;
  e.department = person.department;
  e.title = person.title;
  e.ou = person.ou;
  e.groups.assign(person.groups.begin(), person.groups.end());
  e.manager = person.manager_dn;
  return e;
}

int item_path(const StaffItem& item) {
  return item.kind == "org_apply" || item.waits_for_org_apply ? 2 : 1;
}

std::string expected_by(const StaffItem& item, const StaffPageSettings& settings) {
  const auto created = parse_iso_date(item.created_on);
  if (!created) return "";
  const int days = item_path(item) == 2 ? settings.path2_days : settings.path1_days;
  return format_iso_date(std::chrono::sys_days{*created} + std::chrono::days{days});
}

data my_map_values(const Policy& policy, const StaffView& view, const PersonMap& map,
                   const StaffPageSettings& settings, Language language) {
  data values;
  values.set("name", view.person.display_name);
  values.set("department", view.person.department);
  values.set("title", view.person.title);
  if (map.standing == Standing::kLongLeave)
    values.set("standing_note", message(language, "standing_long_leave"));
  if (map.standing == Standing::kLeft)
    values.set("standing_note", message(language, "standing_left"));
  data maps{data::type::list};
  for (const MatchedMap& matched : map.maps) {
    data card;
    card.set("id", matched.map->id);
    card.set("description", matched.map->description);
    card.set("matched", matched_text(matched.matched, matched.map->match_all, language));
    data themes{data::type::list};
    for (const NeededTheme& theme : matched.themes)
      themes.push_back(theme_row(theme, settings, language));
    card.set("themes", themes);
    card.set("has_themes", !matched.themes.empty());
    maps.push_back(card);
  }
  values.set("maps", maps);
  values.set("has_maps", !map.maps.empty());
  data ordered{data::type::list};
  for (const NeededTheme& theme : map.ordered)
    ordered.push_back(theme_row(theme, settings, language));
  values.set("ordered", ordered);
  values.set("has_ordered", !map.ordered.empty());
  data unrequired{data::type::list};
  for (const UnrequiredMandate& u : map.unrequired) {
    const auto [name, service] = names_of(&policy, view, u.held->mandate, language);
    data row;
    row.set("id", u.held->mandate);
    row.set("name", name);
    row.set("service", service);
    row.set("valid_until", day_text(u.held->valid_until, language));
    row.set("revoke", u.will_be_revoked ? "yes" : "no");
    std::string happens =
        message(language, u.will_be_revoked ? "my_map_will_be_revoked" : "my_map_kept_on_leave");
    // The grace period the reconcile waits before proposing the revoke (its grace_start):
    // from the role change for a mover, from leaving for a leaver.
    if (u.will_be_revoked) {
      const bool left = u.verdict != HeldVerdict::kNotRequired;
      const auto grace = left ? settings.leaver_grace : settings.mover_grace;
      const TimePoint since =
          left ? view.person.left_at.value_or(settings.now) : view.person.role_changed_at;
      if (grace.count() > 0 && since + grace > settings.now) {
        happens = replaced(message(language, "my_map_revoked_from"), "date",
                           format_iso_date(std::chrono::floor<std::chrono::days>(since + grace)));
      }
    }
    row.set("what_happens", happens);
    unrequired.push_back(row);
  }
  values.set("unrequired", unrequired);
  values.set("has_unrequired", !map.unrequired.empty());
  values.set("mandates_link", "/people/" + view.person.ref + "/mandates");
  return values;
}

data my_mandates_values(const StaffView& view, const StaffPageSettings& settings,
                        Language language) {
  const auto today = std::chrono::floor<std::chrono::days>(settings.now);
  data values;
  values.set("name", view.person.display_name);
  values.set("department", view.person.department);
  data held{data::type::list};
  for (const HeldMandate& grant : view.held) {
    if (!in_force(grant.valid_until, today)) continue;
    const auto [name, service] = names_of(nullptr, view, grant.mandate, language);
    data row;
    row.set("id", grant.mandate);
    row.set("name", name);
    row.set("service", service);
    row.set("valid_from", grant.valid_from);
    row.set("valid_until", day_text(grant.valid_until, language));
    held.push_back(row);
  }
  values.set("has_held", !held.is_empty_list());
  values.set("held", held);
  data items{data::type::list};
  for (const StaffItem& item : view.items) {
    const int path = item_path(item);
    data row;
    row.set("id", std::to_string(item.id));
    row.set("kind", message(language, "kind_" + item.kind));
    row.set("name", names_of(nullptr, view, item.mandate, language).first);
    row.set("state", message(language, "state_" + item.state));
    row.set("created_on", item.created_on);
    row.set("path", std::to_string(path));
    row.set("path_text", path_text(path, settings.path1_days, settings.path2_days, language));
    row.set("expected_by", expected_by(item, settings));
    items.push_back(row);
  }
  values.set("items", items);
  values.set("has_items", !view.items.empty());
  data orders{data::type::list};
  for (const StaffOrder& order : view.orders) {
    data row;
    row.set("id", std::to_string(order.id));
    row.set("requested_on", order.requested_on);
    row.set("name", names_of(nullptr, view, order.mandate, language).first);
    row.set("why", order.why);
    row.set("requested_by", order.requested_by);
    // The order's own state, then what its item came to (done: the mandate is in use).
    std::string outcome = message(language, "order_" + order.state);
    if (!order.item_state.empty())
      outcome += " · " + message(language, "state_" + order.item_state);
    if (!order.item_note.empty()) outcome += ": " + order.item_note;
    row.set("outcome", outcome);
    orders.push_back(row);
  }
  values.set("orders", orders);
  values.set("has_orders", !view.orders.empty());
  values.set("map_link", "/people/" + view.person.ref + "/map");
  return values;
}

}  // namespace valtuus
