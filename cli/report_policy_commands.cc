// valtuusctl report movers | drift | holdings | capability: the reports that compare the
// ledger with the authorisation maps (policy.dir), evaluated as reconcile() evaluates them
// (core/oversight.h). One clock: the moment the command started.
#include "cli/report_common.h"
#include "core/calendar.h"

namespace po = boost::program_options;
using nlohmann::json;

namespace valtuus {

namespace {

// Parses the common options, loads the maps and the view in one snapshot.
struct PolicyReportInput {
  ReportRequest request;
  Policy policy;
  OversightView view;
  std::string now;  // the moment the report describes, as it prints it
};

PolicyReportInput policy_report_input(CommandContext& ctx, const char* name) {
  const TimePoint started = report_run_time();
  po::options_description options(std::string("report ") + name);
  add_report_options(options);
  const auto values = parse_command_options(ctx, options);
  PolicyReportInput input{report_request(values), load_configured_policy(ctx), {}, {}};
  ReportSession session(ctx, started);
  input.view = session.read->oversight_view();
  session.read->finish();
  input.now = format_iso_utc(started);
  return input;
}

}  // namespace

int report_movers(CommandContext& ctx) {
  const PolicyReportInput in = policy_report_input(ctx, "movers");
  const auto rows = movers_report(in.view, in.policy, in.request.filter);
  Report report("movers", in.now, in.request.filters);
  report.columns = {{"account", "ACCOUNT"},           {"name", "NAME"},
                    {"department", "DEPARTMENT"},     {"title", "TITLE"},
                    {"role_changed_on", "MOVED"},     {"mandate", "MANDATE"},
                    {"mandate_name_fi", "NAME (FI)"}, {"valid_from", "HELD SINCE"},
                    {"revoke_item", "REVOKE ITEM"},   {"revoke_state", "REVOKE STATE"}};
  for (const MoverRow& r : rows) {
    report.rows.push_back({r.account, r.name, r.department, r.title, r.role_changed_on, r.mandate,
                           r.mandate_name_fi, r.valid_from, number_or_null(r.revoke_item),
                           text_or_null(r.revoke_state)});
  }
  report.summary = {{"grants", rows.size()}};
  report.empty_text = "No mover holds a mandate their new maps do not require.";
  print_report(ctx.out, report, in.request.format);
  return 0;
}

int report_drift(CommandContext& ctx) {
  const PolicyReportInput in = policy_report_input(ctx, "drift");
  const auto rows = drift_report(in.view, in.policy, in.request.filter);
  Report report("drift", in.now, in.request.filters);
  report.columns = {{"drift", "DRIFT"},
                    {"account", "ACCOUNT"},
                    {"name", "NAME"},
                    {"department", "DEPARTMENT"},
                    {"title", "TITLE"},
                    {"status", "STATUS"},
                    {"mandate", "MANDATE"},
                    {"mandate_name_fi", "NAME (FI)"},
                    {"open_item", "REVOKE ITEM"},
                    {"open_state", "REVOKE STATE"}};
  int held_not_required = 0;
  for (const DriftRow& r : rows) {
    if (r.drift == "held_not_required") ++held_not_required;
    report.rows.push_back({r.drift, r.account, r.name, r.department, r.title, r.status, r.mandate,
                           r.mandate_name_fi, number_or_null(r.open_item),
                           text_or_null(r.open_state)});
  }
  const int missing = static_cast<int>(rows.size()) - held_not_required;
  report.summary = {{"held_not_required", held_not_required}, {"required_missing", missing}};
  report.empty_text = "The ledger matches the maps.";
  if (!rows.empty()) {
    report.summary_lines.push_back(std::to_string(held_not_required) + " held but not required; " +
                                   std::to_string(missing) +
                                   " required but neither held nor pending.");
  }
  print_report(ctx.out, report, in.request.format);
  return 0;
}

int report_holdings(CommandContext& ctx) {
  const PolicyReportInput in = policy_report_input(ctx, "holdings");
  const HoldingsReport holdings = holdings_report(in.view, in.policy, in.request.filter);
  Report report("holdings", in.now, in.request.filters);
  report.columns = {{"department", "DEPARTMENT"},
                    {"mandate", "MANDATE"},
                    {"mandate_name_fi", "NAME (FI)"},
                    {"held", "HELD"},
                    {"required", "REQUIRED"},
                    {"pending_grants", "PENDING GRANTS"},
                    {"pending_revokes", "PENDING REVOKES"},
                    {"held_items", "HELD ITEMS"}};
  for (const HoldingRow& r : holdings.rows) {
    report.rows.push_back({r.department, r.mandate, r.mandate_name_fi, r.held, r.required,
                           r.pending_grants, r.pending_revokes, r.held_items});
  }
  const HoldingRow& t = holdings.totals;
  report.summary = {{"held", t.held},
                    {"required", t.required},
                    {"pending_grants", t.pending_grants},
                    {"pending_revokes", t.pending_revokes},
                    {"held_items", t.held_items}};
  report.summary_lines.push_back(
      "Total: " + std::to_string(t.held) + " held, " + std::to_string(t.required) + " required, " +
      std::to_string(t.pending_grants) + " grants and " + std::to_string(t.pending_revokes) +
      " revokes pending, " + std::to_string(t.held_items) + " items held with their run.");
  report.empty_text = "Nothing is held, required or pending.";
  print_report(ctx.out, report, in.request.format);
  return 0;
}

int report_capability(CommandContext& ctx) {
  const PolicyReportInput in = policy_report_input(ctx, "capability");
  if (in.request.filter.department)
    throw UsageError("report capability: --department does not apply (themes, not people)");
  const auto rows = capability_report(in.view, in.policy, in.request.filter);
  Report report("capability", in.now, in.request.filters);
  report.columns = {
      {"mandate", "MANDATE"},     {"mandate_name_fi", "NAME (FI)"}, {"service", "SERVICE"},
      {"can_grant", "CAN GRANT"}, {"right_until", "RIGHT UNTIL"},   {"holders", "HOLDERS"},
      {"flags", "FLAGS"}};
  int flagged = 0;
  for (const CapabilityRow& r : rows) {
    json holders = json::array();
    for (const CapabilityHolder& h : r.holders)
      holders.push_back({{"account", h.account}, {"name", h.name}, {"status", h.status}});
    if (!r.flags.empty() && r.flags.front() != "path2") ++flagged;
    report.rows.push_back({r.mandate, r.mandate_name_fi, r.service, r.can_grant,
                           text_or_null(r.right_until), holders, r.flags});
  }
  // Text and CSV show a holder as "account (status)"; JSON keeps the objects.
  if (in.request.format != "json") {
    for (auto& row : report.rows) {
      json shown = json::array();
      for (const json& h : row[5])
        shown.push_back(h["account"].get<std::string>() + " (" + h["status"].get<std::string>() +
                        ")");
      row[5] = shown;
    }
  }
  report.summary = {{"themes", rows.size()}, {"flagged", flagged}};
  report.empty_text = "No theme in the catalog.";
  print_report(ctx.out, report, in.request.format);
  return 0;
}

}  // namespace valtuus
