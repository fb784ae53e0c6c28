#include "cli/policy_preview_print.h"

#include "cli/policy_dates.h"
#include "cli/table.h"

namespace valtuus {

namespace {

std::string service_of(const std::string& mandate, const PreviewContext& context) {
  const MandateIssue* issue = context.proposed_policy.find_mandate(mandate);
  if (issue == nullptr) issue = context.current_policy.find_mandate(mandate);
  return issue ? issue->service : "(not in the catalog)";
}

const std::vector<std::string> kHeader = {"THEME",  "SERVICE", "DEPARTMENT", "GRANT",
                                          "REVOKE", "RENEW",   "ORG_APPLY",  "SUPERSEDE"};

Table rows_table(const PlanDiff& diff, const PreviewContext& context, std::string (*cell)(int)) {
  Table table;
  table.header = kHeader;
  for (const PreviewRow& row : diff.rows) {
    const KindCounts d = row.difference();
    table.rows.push_back({row.mandate, service_of(row.mandate, context),
                          row.department.empty() ? "(none)" : row.department, cell(d.grants),
                          cell(d.revokes), cell(d.renews), cell(d.org_applies),
                          cell(d.superseded)});
  }
  return table;
}

std::string plain_count(int n) {
  return std::to_string(n);
}

nlohmann::json counts_json(const KindCounts& c) {
  return {{"grant", c.grants},
          {"revoke", c.revokes},
          {"renew", c.renews},
          {"org_apply", c.org_applies},
          {"supersede", c.superseded}};
}

std::string read_text(const Snapshot& snapshot) {
  return format_utc(snapshot.read_at) + ", " + std::to_string(snapshot.employees.size()) +
         " people, " +
         (snapshot.complete ? "complete" : "INCOMPLETE: " + snapshot.incomplete_reason);
}

}  // namespace

std::string signed_count(int n) {
  return n > 0 ? "+" + std::to_string(n) : std::to_string(n);
}

void print_preview_table(std::ostream& out, const PlanDiff& diff, const PreviewContext& context) {
  out << "Preview of " << context.new_dir << " against the deployed maps in " << context.current_dir
      << ".\nDirectory as last read: " << read_text(context.snapshot) << ". Nothing is written.\n";
  if (!context.snapshot.complete) {
    out << "The last read was incomplete: neither plan proposes revocations.\n";
  }
  out << "  current maps: " << summary_line(context.current_plan.stats) << '\n'
      << "  new maps:     " << summary_line(context.proposed_plan.stats) << "\n\n";
  if (diff.empty()) {
    out << "The new maps would change nothing in the plan.\n";
    return;
  }
  if (diff.rows.empty()) {
    out << "The counts stay the same, but " << diff.changes.size()
        << " item(s) would be proposed for other reasons; see --format json.\n";
    return;
  }
  print_text(out, rows_table(diff, context, signed_count));
  const KindCounts total = diff.proposed - diff.current;
  out << "Total: " << signed_count(total.grants) << " grant, " << signed_count(total.revokes)
      << " revoke, " << signed_count(total.renews) << " renew, " << signed_count(total.org_applies)
      << " org_apply, " << signed_count(total.superseded)
      << " superseded (the new maps' plan minus the current maps' plan)\n";
  if (diff.reproposed > 0) {
    out << diff.reproposed
        << " of the superseded items would be proposed again: the rules that require them "
           "changed, so reviewers see them anew.\n";
  }
}

void print_preview_csv(std::ostream& out, const PlanDiff& diff, const PreviewContext& context) {
  print_csv(out, rows_table(diff, context, plain_count));
}

nlohmann::json preview_json(const PlanDiff& diff, const PreviewContext& context) {
  nlohmann::json rows = nlohmann::json::array(), changes = nlohmann::json::array();
  for (const PreviewRow& row : diff.rows) {
    rows.push_back({{"theme", row.mandate},
                    {"service", service_of(row.mandate, context)},
                    {"department", row.department},
                    {"current", counts_json(row.current)},
                    {"new", counts_json(row.proposed)},
                    {"difference", counts_json(row.difference())}});
  }
  for (const PreviewChange& c : diff.changes) {
    nlohmann::json change = {{"change", c.added ? "added" : "dropped"},
                             {"action", c.supersede ? "supersede" : to_string(c.kind)},
                             {"kind", to_string(c.kind)},
                             {"account", c.account},
                             {"department", c.department},
                             {"theme", c.mandate}};
    if (c.supersede) {
      change["item_id"] = c.item_id;
    } else {
      change["reason"] = c.reason;
      change["map"] = c.map_id;
    }
    changes.push_back(std::move(change));
  }
  return {{"current_dir", context.current_dir},
          {"new_dir", context.new_dir},
          {"snapshot",
           {{"read_at", format_utc(context.snapshot.read_at)},
            {"complete", context.snapshot.complete},
            {"employees", context.snapshot.employees.size()}}},
          {"current", counts_json(diff.current)},
          {"new", counts_json(diff.proposed)},
          {"difference", counts_json(diff.proposed - diff.current)},
          {"reproposed", diff.reproposed},
          {"rows", rows},
          {"changes", changes}};
}

}  // namespace valtuus
