// What every `valtuusctl report ...` and `attest` command shares: the --format, --department
// and --theme options, the connection and the snapshot transaction a report reads in, and
// the policy for the reports that compare with the maps.
#pragma once

#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/report_output.h"
#include "connectors/postgres/reports.h"
#include "core/policy.h"

namespace valtuus {

// Adds --format, --department and --theme to a command's options.
void add_report_options(boost::program_options::options_description& options);

struct ReportRequest {
  std::string format;
  ReportFilter filter;
  nlohmann::json filters = nlohmann::json::object();  // as echoed in the JSON output
};
ReportRequest report_request(const boost::program_options::variables_map& values);

// The time a report command runs, to the second.
TimePoint report_run_time();

// One snapshot over a checked schema (connectors/postgres/reports.h): every statement of a
// report sees the same moment. The session outlives the snapshot.
// `now` is the report's run time (report_run_time()): one clock for all its ages and dates.
struct ReportSession {
  ReportSession(const CommandContext& ctx, TimePoint now);
  std::unique_ptr<StoreSession> store;
  std::unique_ptr<ReportReader> read;
};

// The maps as configured (policy.dir); throws ConfigError after printing every error when
// they are refused, as `policy explain` does.
Policy load_configured_policy(const CommandContext& ctx);

// Command runners of the reports that compare the ledger with the maps.
int report_movers(CommandContext& ctx);
int report_drift(CommandContext& ctx);
int report_holdings(CommandContext& ctx);
int report_capability(CommandContext& ctx);

}  // namespace valtuus
