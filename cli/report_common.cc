#include "cli/report_common.h"

#include <iostream>

#include "cli/policy_diagnostics.h"
#include "common/policy_options.h"
#include "connectors/postgres/postgres_options.h"
#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

void add_report_options(po::options_description& options) {
  options.add_options()("format", po::value<std::string>()->default_value("table"),
                        "table, csv or json")("department", po::value<std::string>(),
                                              "only people of this department (case ignored)")(
      "theme", po::value<std::string>(), "only this mandate theme (catalog id)");
}

ReportRequest report_request(const po::variables_map& values) {
  ReportRequest request;
  request.format = report_format(values);
  if (values.count("department")) {
    request.filter.department = values["department"].as<std::string>();
    request.filters["department"] = *request.filter.department;
  }
  if (values.count("theme")) {
    request.filter.theme = values["theme"].as<std::string>();
    request.filters["theme"] = *request.filter.theme;
  }
  return request;
}

TimePoint report_run_time() {
  return std::chrono::floor<std::chrono::seconds>(Clock::now());
}

ReportSession::ReportSession(const CommandContext& ctx, TimePoint now) : store(open_database(ctx)) {
  read = std::make_unique<ReportReader>(*store, now);
}

Policy load_configured_policy(const CommandContext& ctx) {
  const std::string dir = policy_options_from(ctx.config.values).dir;
  PolicyLoadResult loaded = load_policy_reporting(dir);
  if (loaded.policy) return std::move(*loaded.policy);
  print_refusal(std::cerr, dir, loaded);
  throw ConfigError("policy.dir: " + dir + ": the authorisation maps are refused");
}

}  // namespace valtuus
