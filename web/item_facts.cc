#include "web/item_facts.h"

namespace valtuus {

void add_item_facts(kainjow::mustache::data& values, const ItemDetail& item, Language language) {
  const ItemRow& row = item.row;
  values.set("title", row.title);
  if (item.employee_status == "left" && !item.left_at.empty()) values.set("left_at", item.left_at);
  std::string name = row.mandate_name_fi;
  if (language == Language::kSv && !item.name_sv.empty()) name = item.name_sv;
  if (language == Language::kEn && !item.name_en.empty()) name = item.name_en;
  values.set("theme", name + " (" + row.mandate + ")");
  values.set("suomifi_code", item.suomifi_code.empty() ? message(language, "suomifi_code_unknown")
                                                       : item.suomifi_code);
  // Path 2: the organisation must first obtain the right to grant (an org_apply, or a grant
  // waiting for one); a revoke has no path.
  if (row.kind != "revoke") {
    const bool path2 = row.kind == "org_apply" || row.waits_for_org_apply;
    values.set("path", message(language, path2 ? "queue_path_2" : "queue_path_1"));
  }
  // Mustache shows a section for any string, even an empty one: set only what is there.
  if (!item.matched.empty()) values.set("matched", item.matched);
  if (!item.held_until.empty()) values.set("held_until", item.held_until);
  if (row.state == "held") {
    values.set("held_run", std::to_string(row.run_id));
    values.set("held_run_reason", item.run_held_reason);
  }
}

}  // namespace valtuus
