#include "web/execution_steps_text.h"

#include <kainjow/mustache.hpp>

#include "core/calendar.h"
#include "core/execution_steps.h"

namespace valtuus {

namespace {

std::string_view key_of(ExecutionStep step) {
  switch (step) {
    case ExecutionStep::kApplyToDvv:
      return "step_apply_to_dvv";
    case ExecutionStep::kRecordApplied:
      return "step_record_applied";
    case ExecutionStep::kRecordOrgDone:
      return "step_record_org_done";
    case ExecutionStep::kWaitForOrgApply:
      return "step_wait_for_org_apply";
    case ExecutionStep::kSignIn:
      return "step_sign_in";
    case ExecutionStep::kFindGiven:
      return "step_find_given";
    case ExecutionStep::kInvalidate:
      return "step_invalidate";
    case ExecutionStep::kRenewIsNewGrant:
      return "step_renew_is_new_grant";
    case ExecutionStep::kGive:
      return "step_give";
    case ExecutionStep::kChooseThemeAndEnd:
      return "step_choose_theme_and_end";
    case ExecutionStep::kConfirm:
      return "step_confirm";
    case ExecutionStep::kRecordDone:
      return "step_record_done";
  }
  return "";
}

std::string theme_name(const ItemDetail& item, Language language) {
  if (language == Language::kSv && !item.name_sv.empty()) return item.name_sv;
  if (language == Language::kEn && !item.name_en.empty()) return item.name_en;
  return item.row.mandate_name_fi;
}

}  // namespace

// Messages are mustache too; the page escapes the result once more when it shows it, so the
// values are put in unescaped here ({{x}} would escape them twice).
std::string fill_message(const std::string& text, const kainjow::mustache::data& values) {
  kainjow::mustache::mustache tmpl{text};
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  return tmpl.render(values);
}

std::vector<std::string> execution_steps_text(const ItemDetail& item, Language language,
                                              std::chrono::sys_days today) {
  // A name the directory does not hold is said to be missing: "surname , first name ," would
  // leave the administrator guessing what to type in Suomi.fi.
  const auto name_or_missing = [&](const std::string& name) {
    return name.empty() ? message(language, "name_not_in_directory") : name;
  };
  kainjow::mustache::data person;
  person.set("surname", name_or_missing(item.surname));
  person.set("given_name", name_or_missing(item.given_name));
  person.set("id", std::to_string(item.row.id));
  kainjow::mustache::data values;
  std::string theme = "\"" + theme_name(item, language) + "\"";
  if (!item.suomifi_code.empty()) theme += " (" + item.suomifi_code + ")";
  values.set("theme", theme);
  values.set("person", fill_message(message(language, "person_for_steps"), person));
  values.set("days", std::to_string(item.max_validity_days));
  values.set("end_date", format_iso_date(today + std::chrono::days{item.max_validity_days}));
  values.set("held_until", item.held_until);
  std::vector<std::string> out;
  for (ExecutionStep step :
       execution_steps({item.row.kind, item.row.waits_for_org_apply, item.organisation_obtained})) {
    out.push_back(fill_message(message(language, key_of(step)), values));
  }
  return out;
}

}  // namespace valtuus
