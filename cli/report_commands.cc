// valtuusctl report leavers | movers | holdings | sla | expiring | capability | drift: the
// oversight reports of issue #7, for security, reviewers and management. Every report reads
// one snapshot (REPEATABLE READ, READ ONLY) and never shows a personal identity code. Fields
// of each report: docs/reports.md.
#include <chrono>
#include <cstdio>
#include <set>

#include "cli/report_common.h"
#include "common/reconcile_options.h"
#include "common/sla_options.h"
#include "core/change_item.h"

namespace po = boost::program_options;
using nlohmann::json;

namespace valtuus {

namespace {

// A calendar date as YYYY-MM-DD, or a UsageError naming the option.
std::string date_option(const po::variables_map& values, const char* name) {
  const std::string text = values[name].as<std::string>();
  int y = 0;
  unsigned m = 0, d = 0;
  char rest = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &rest) != 3 ||
      !std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}
           .ok()) {
    throw UsageError(std::string("--") + name + ": '" + text + "' is not a date (YYYY-MM-DD)");
  }
  return text;
}

int days_option(const po::variables_map& values, const char* name, int low, int high) {
  const int days = values[name].as<int>();
  if (days < low || days > high) {
    throw UsageError(std::string("--") + name + ": " + std::to_string(days) + " is not within " +
                     std::to_string(low) + " to " + std::to_string(high) + " days");
  }
  return days;
}

int report_leavers(CommandContext& ctx) {
  po::options_description options("report leavers");
  add_report_options(options);
  options.add_options()("since", po::value<std::string>(),
                        "only people who left on or after this date (YYYY-MM-DD)");
  const auto values = parse_command_options(ctx, options);
  ReportRequest request = report_request(values);
  std::optional<std::string> since;
  if (values.count("since")) {
    since = date_option(values, "since");
    request.filters["since"] = *since;
  }
  const LeaverRules rules = leaver_rules_from(ctx.config.values);
  ReportSession session(ctx, report_run_time());
  const ReportClock clock = session.read->clock();
  const auto rows = session.read->leavers(request.filter, since, rules.leavers_ous);
  session.read->finish();

  Report report("leavers", clock.now, request.filters);
  report.columns = {{"account", "ACCOUNT"},
                    {"name", "NAME"},
                    {"department", "DEPARTMENT"},
                    {"why", "WHY"},
                    {"left_at", "LEFT"},
                    {"days_open", "DAYS OPEN"},
                    {"mandate", "MANDATE"},
                    {"mandate_name_fi", "NAME (FI)"},
                    {"valid_until", "VALID UNTIL"},
                    {"revoke_item", "REVOKE ITEM"},
                    {"revoke_state", "REVOKE STATE"},
                    {"revoke_age_days", "REVOKE AGE"}};
  std::set<std::string> people;
  int without_open_revoke = 0;
  for (const LeaverRow& r : rows) {
    people.insert(r.account);
    const auto state = item_state_from_string(r.revoke_state);
    const bool open = state && is_open(*state);
    if (!open) ++without_open_revoke;
    report.rows.push_back({r.account, r.name, r.department, r.why, r.left_at, r.days_open,
                           r.mandate, r.mandate_name_fi, text_or_null(r.valid_until),
                           number_or_null(r.revoke_item), text_or_null(r.revoke_state),
                           r.revoke_age_days ? json(*r.revoke_age_days) : json()});
  }
  report.summary = {{"people", people.size()},
                    {"grants", rows.size()},
                    {"without_open_revoke", without_open_revoke}};
  report.empty_text = "No one who has left holds a mandate in the ledger.";
  if (!rows.empty()) {
    report.summary_lines.push_back(std::to_string(rows.size()) + " grant(s) of " +
                                   std::to_string(people.size()) + " person(s) who have left; " +
                                   std::to_string(without_open_revoke) +
                                   " without an open revoke item.");
  }
  print_report(ctx.out, report, request.format);
  return 0;
}

int report_sla(CommandContext& ctx) {
  const SlaTargets configured = sla_targets_from(ctx.config.values);
  po::options_description options("report sla");
  add_report_options(options);
  options.add_options()("path1-days", po::value<int>()->default_value(configured.path1_days),
                        "target days for path 1 (default: sla.path1_days)")(
      "path2-days", po::value<int>()->default_value(configured.path2_days),
      "target days for path 2 (default: sla.path2_days)")(
      "period", po::value<int>()->default_value(90),
      "days back over which done items give the median and 90th percentile");
  const auto values = parse_command_options(ctx, options);
  ReportRequest request = report_request(values);
  const int path1 = days_option(values, "path1-days", 1, 365);
  const int path2 = days_option(values, "path2-days", 1, 365);
  const int period = days_option(values, "period", 1, 3650);
  ReportSession session(ctx, report_run_time());
  const ReportClock clock = session.read->clock();
  const SlaReport sla = session.read->sla(request.filter, path1, path2, period);
  session.read->finish();

  Report report("sla", clock.now, request.filters);
  report.columns = {{"id", "ID"},           {"kind", "KIND"},       {"state", "STATE"},
                    {"path", "PATH"},       {"account", "ACCOUNT"}, {"department", "DEPARTMENT"},
                    {"mandate", "MANDATE"}, {"age_days", "AGE"},    {"target_days", "TARGET"},
                    {"overdue", "OVERDUE"}};
  for (const SlaItemRow& r : sla.items) {
    report.rows.push_back({r.id, r.kind, r.state, r.path, text_or_null(r.account),
                           text_or_null(r.department), r.mandate, r.age_days, r.target_days,
                           r.overdue});
  }
  json paths = json::array();
  for (const SlaPathStats& p : sla.paths) {
    paths.push_back({{"path", p.path},
                     {"target_days", p.target_days},
                     {"open", p.open},
                     {"overdue", p.overdue},
                     {"held", p.held},
                     {"done_in_period", p.done_in_period},
                     {"median_days", number_or_null(p.median_days)},
                     {"p90_days", number_or_null(p.p90_days)}});
    auto shown = [](const std::optional<double>& d) {
      return d ? json(*d).dump() + " d" : std::string("-");
    };
    report.summary_lines.push_back(
        "Path " + std::to_string(p.path) + " (target " + std::to_string(p.target_days) +
        " d): " + std::to_string(p.open) + " open, " + std::to_string(p.overdue) + " overdue, " +
        std::to_string(p.held) + " held; done in the last " + std::to_string(period) +
        " d: " + std::to_string(p.done_in_period) + ", median " + shown(p.median_days) +
        ", 90th percentile " + shown(p.p90_days) + ".");
  }
  report.summary = {{"period_days", period}, {"paths", paths}};
  report.empty_text = "No open items.";
  print_report(ctx.out, report, request.format);
  return 0;
}

int report_expiring(CommandContext& ctx) {
  po::options_description options("report expiring");
  add_report_options(options);
  options.add_options()("within", po::value<int>()->default_value(60),
                        "grants ending within this many days from today");
  const auto values = parse_command_options(ctx, options);
  ReportRequest request = report_request(values);
  const int within = days_option(values, "within", 0, 9131);
  request.filters["within"] = within;
  ReportSession session(ctx, report_run_time());
  const ReportClock clock = session.read->clock();
  const auto rows = session.read->expiring(request.filter, within);
  session.read->finish();

  Report report("expiring", clock.now, request.filters);
  report.columns = {{"account", "ACCOUNT"},         {"name", "NAME"},
                    {"department", "DEPARTMENT"},   {"status", "STATUS"},
                    {"mandate", "MANDATE"},         {"mandate_name_fi", "NAME (FI)"},
                    {"valid_until", "VALID UNTIL"}, {"days_left", "DAYS LEFT"},
                    {"renew_item", "RENEW ITEM"},   {"renew_state", "RENEW STATE"}};
  for (const ExpiringRow& r : rows) {
    report.rows.push_back({r.account, r.name, r.department, r.status, r.mandate, r.mandate_name_fi,
                           r.valid_until, r.days_left, number_or_null(r.renew_item),
                           text_or_null(r.renew_state)});
  }
  report.summary = {{"grants", rows.size()}, {"within_days", within}};
  report.empty_text = "No grant ends within " + std::to_string(within) + " days.";
  print_report(ctx.out, report, request.format);
  return 0;
}

}  // namespace

std::vector<Command> report_commands() {
  return {
      {{"report", "leavers"}, "leavers who still hold mandates, days open", report_leavers},
      {{"report", "movers"},
       "movers holding mandates their new maps do not require",
       report_movers},
      {{"report", "holdings"},
       "held / required / pending per department and theme",
       report_holdings},
      {{"report", "sla"}, "open items against the path targets; median and p90", report_sla},
      {{"report", "expiring"},
       "grants ending within --within DAYS, with renew items",
       report_expiring},
      {{"report", "capability"},
       "themes we can grant and who holds the right to",
       report_capability},
      {{"report", "drift"},
       "ledger against maps: held not required, required missing",
       report_drift},
  };
}

}  // namespace valtuus
