#include "cli/item_card.h"

#include <string>

#include "core/execution_steps.h"

namespace valtuus {

namespace {

std::string ref(const ItemDetail& d) {
  return std::to_string(d.row.id) + "@" + std::to_string(d.row.version);
}

std::string theme_line(const ItemDetail& d) {
  std::string line = "\"" + d.row.mandate_name_fi + "\"";
  if (!d.suomifi_code.empty()) line += " (" + d.suomifi_code + ")";
  return line;
}

// A name the directory does not hold is said to be missing, not left blank.
std::string name_or_missing(const std::string& name) {
  return name.empty() ? "(not in the directory: ask the person or HR)" : name;
}

std::string person_line(const ItemDetail& d) {
  return "surname " + name_or_missing(d.surname) + ", first name " + name_or_missing(d.given_name) +
         ", personal identity code (valtuusctl reveal " + std::to_string(d.row.id) + ")";
}

// The steps of core/execution_steps.h in English, with valtuusctl's commands.
void print_steps(std::ostream& out, const ItemDetail& d) {
  out << "Steps, by a person with the right to give mandates for the organisation:\n";
  int step = 1;
  auto say = [&](const std::string& text) { out << "  " << step++ << ". " << text << '\n'; };
  const std::string id = std::to_string(d.row.id);
  for (ExecutionStep s :
       execution_steps({d.row.kind, d.row.waits_for_org_apply, d.organisation_obtained})) {
    switch (s) {
      case ExecutionStep::kApplyToDvv:
        say("Apply to DVV for the right to grant " + theme_line(d) +
            " (the official-authorisation service, virkailijavaltuuttaminen), naming the staff "
            "who will give the mandates. DVV's handling takes 2-6 weeks.");
        break;
      case ExecutionStep::kRecordApplied:
        say("When the application is sent: valtuusctl applied " + ref(d) +
            " --note 'DVV reference'");
        break;
      case ExecutionStep::kRecordOrgDone:
        say("When DVV has granted it: valtuusctl done " + id +
            "@<version> --note 'decision'; the waiting grants then become executable.");
        break;
      case ExecutionStep::kWaitForOrgApply:
        say("Wait: the organisation must first obtain the right to grant this theme (its "
            "org_apply item, path 2). Until then this cannot be done in Suomi.fi.");
        break;
      case ExecutionStep::kSignIn:
        say("Sign in to Suomi.fi e-Authorizations (valtuudet.suomi.fi) and act for the "
            "organisation.");
        break;
      case ExecutionStep::kFindGiven:
        say("Open the organisation's given mandates and find the one to " + person_line(d) + ".");
        break;
      case ExecutionStep::kInvalidate:
        say("Invalidate (mitätöi) the mandate for the theme " + theme_line(d) + ".");
        break;
      case ExecutionStep::kRenewIsNewGrant:
        say("A mandate cannot be extended: give a new one. The current one ends " +
            (d.held_until.empty() ? std::string("soon") : d.held_until) + ".");
        break;
      case ExecutionStep::kGive:
        say("Give a mandate (anna valtuus) to a person: " + person_line(d) + ".");
        break;
      case ExecutionStep::kChooseThemeAndEnd:
        say("Choose the theme " + theme_line(d) + " and set the end date: " +
            std::to_string(d.max_validity_days) + " days from today unless agreed otherwise.");
        break;
      case ExecutionStep::kConfirm:
        say("Confirm with your own strong identification.");
        break;
      case ExecutionStep::kRecordDone:
        say("Record it: valtuusctl done " + id +
            "@<version after approval> [--executed-at TIME] [--valid-until DATE] [--note TEXT]");
        break;
    }
  }
}

// What the guard did with the item's run (sql/004), and for a held item what must happen
// before anyone can decide it. Nothing when the run was not held.
void print_run_hold(std::ostream& out, const ItemDetail& d) {
  const ItemRow& r = d.row;
  if (d.run_held_reason.empty()) return;
  const std::string run = std::to_string(r.run_id);
  if (r.state == "held") {
    out << "HELD: run " << run << " was held by the guard at " << d.run_held_at << ": "
        << d.run_held_reason << ".\n"
        << "No one can decide this item until the run is resolved. An administrator must release\n"
        << "the run (its items then become proposed), or someone discards it:\n"
        << "  valtuusctl runs release " << run << " [--note TEXT]   (administrators only)\n"
        << "  valtuusctl runs discard " << run << " --reason TEXT   (administrators, reviewers)\n"
        << "The run's other items: valtuusctl runs show " << run << "\n\n";
  } else if (r.state == "discarded") {
    out << "DISCARDED with its run " << run << " by " << d.run_discarded_by << " at "
        << d.run_discarded_at;
    if (!d.run_discard_reason.empty()) out << ": " << d.run_discard_reason;
    out << ".\nThe guard had held the run: " << d.run_held_reason << ".\n"
        << "Nothing was decided; if the directory and the maps still call for this change, a "
           "later run\nproposes it again.\n\n";
  } else if (!d.run_released_by.empty()) {
    out << "Run " << run << " was held by the guard (" << d.run_held_reason << ") and released by "
        << d.run_released_by << " at " << d.run_released_at << ".\n\n";
  } else if (!d.run_discarded_by.empty()) {
    out << "Run " << run << " was held by the guard (" << d.run_held_reason << ") and discarded by "
        << d.run_discarded_by << " at " << d.run_discarded_at << ".\n\n";
  }
}

}  // namespace

void print_item_card(std::ostream& out, const ItemDetail& d) {
  const ItemRow& r = d.row;
  out << "Item " << ref(d) << ": " << r.kind << ", " << r.state << " (proposed by run " << r.run_id
      << " at " << r.created_at << ", " << r.age_days << " days ago)\n\n";
  if (r.kind == "org_apply") {
    out << "Who:   the organisation (path 2: it must first obtain the right to grant this theme)\n";
  } else {
    out << "Who:   " << r.display_name << " (" << r.account << "), " << r.department << " / "
        << r.title;
    if (!d.ou.empty()) out << ", OU " << d.ou;
    // Only the masked form is ever stored readable; the whole code needs the key and an
    // audited reveal.
    if (d.identity_code_masked.empty()) {
      out << "\n       identity code: not recorded\n";
    } else {
      out << "\n       identity code: " << d.identity_code_masked
          << " (in full only by valtuusctl reveal " << r.id << ", which is audited)\n";
    }
    if (d.employee_status == "left") out << "       LEFT the organisation " << d.left_at << "\n";
    if (d.employee_status == "long_leave") out << "       on long leave\n";
  }
  out << "What:  " << r.mandate << ": " << r.mandate_name_fi << '\n';
  if (!d.name_sv.empty()) out << "       sv: " << d.name_sv << '\n';
  if (!d.name_en.empty()) out << "       en: " << d.name_en << '\n';
  out << "       service " << r.service << ", " << d.mandate_type << ", URI "
      << (d.suomifi_code.empty() ? "(not known yet: find the theme by its name)" : d.suomifi_code)
      << '\n';
  if (!d.held_until.empty()) out << "       held now, until " << d.held_until << '\n';
  out << "Why:   " << r.reason << '\n';
  if (!r.map_id.empty()) {
    out << "       "
        << (d.request_id ? "order form " + std::to_string(*d.request_id) + " by " + d.requested_by
                         : "map " + r.map_id);
    if (!r.rule.empty()) out << " (" << r.rule << ")";
    if (!d.matched.empty()) out << ", matched " << d.matched;
    out << '\n';
  }
  if (r.kind == "grant" || r.kind == "renew") {
    out << "Path:  "
        << (r.waits_for_org_apply
                ? "2: waits until the organisation has the right to grant this theme (org_apply)"
                : "1: the organisation can grant this theme now (target: 3 days)")
        << '\n';
  }
  out << '\n';
  print_run_hold(out, d);
  if (r.state == "proposed") {
    out << "Decide: valtuusctl approve " << ref(d) << "   or   valtuusctl reject " << ref(d)
        << " --reason TEXT\n\n";
  }
  if (r.state == "approved" || r.state == "applied" || r.state == "proposed") print_steps(out, d);
  if (!d.decided_by.empty()) {
    out << "\nDecided by " << d.decided_by << " at " << d.decided_at;
    if (!d.decision_note.empty()) out << ": " << d.decision_note;
    out << '\n';
  }
  if (!d.executed_by.empty()) {
    out << (r.state == "failed" ? "Failed" : "Executed") << " by " << d.executed_by << " at "
        << d.executed_at;
    if (!d.execution_note.empty()) out << ": " << d.execution_note;
    out << '\n';
  }
  if (!d.history.empty()) {
    out << "\nHistory:\n";
    for (const std::string& line : d.history) out << "  " << line << '\n';
  }
}

}  // namespace valtuus
