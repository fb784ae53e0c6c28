#include "web/item_audit_view.h"

namespace valtuus {

kainjow::mustache::data audit_event_list(const std::vector<AuditEventRow>& events,
                                         Language language) {
  kainjow::mustache::data list{kainjow::mustache::data::type::list};
  for (const AuditEventRow& event : events) {
    kainjow::mustache::data row;
    row.set("id", std::to_string(event.id));
    row.set("at", event.at);
    row.set("actor", event.actor);
    // An action without words of its own (a newer one) is shown by its name.
    const std::string key = "audit_" + event.action;
    row.set("action", messages(language).contains(key) ? message(language, key) : event.action);
    row.set("via", message(language, event.via == "web" ? "via_web" : "via_direct"));
    row.set("note", event.note);
    list.push_back(row);
  }
  return list;
}

}  // namespace valtuus
