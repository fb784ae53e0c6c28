// valtuusctl policy check | explain | preview: the authorisation maps for people. `check`
// needs only the files; `explain` and `preview` also read the last directory snapshot and the
// ledger, in one read-only transaction, and write nothing.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/command.h"
#include "cli/policy_diagnostics.h"
#include "cli/policy_diff.h"
#include "cli/policy_explain.h"
#include "cli/policy_explain_print.h"
#include "cli/policy_preview_print.h"
#include "common/exit_codes.h"
#include "common/log.h"
#include "common/policy_options.h"
#include "common/reconcile_options.h"
#include "connectors/postgres/postgres_options.h"
#include "connectors/postgres/reports.h"
#include "core/errors.h"
#include "core/reconcile.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

std::string format_option(const po::variables_map& values,
                          const std::vector<std::string>& allowed) {
  const std::string format = values["format"].as<std::string>();
  if (std::find(allowed.begin(), allowed.end(), format) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw UsageError("--format: '" + format + "' is not one of " + list);
  }
  return format;
}

// Loads a policy the command needs, printing every error when it is refused. A refused
// policy.dir is a configuration error (78, as valtuusd treats it); a directory named on the
// command line is the person's input, so the command fails with 1.
std::optional<Policy> load_policy_or_report(const std::string& dir, bool configured) {
  PolicyLoadResult loaded = load_policy_reporting(dir);
  if (loaded.policy) return std::move(loaded.policy);
  print_refusal(std::cerr, dir, loaded);
  if (configured) throw ConfigError("policy.dir: " + dir + ": the authorisation maps are refused");
  return std::nullopt;
}

TimePoint now() {
  return std::chrono::floor<std::chrono::seconds>(Clock::now());
}

struct StoredView {
  Snapshot snapshot;
  ReconcileState state;
};

// The last snapshot and the state in one repeatable-read, read-only transaction, so that both
// describe the same moment even while valtuusd writes a run.
std::optional<StoredView> read_stored_view(const Configuration& config) {
  auto store = StoreSession::open(database_options_from(config.values));
  ReportReader read(*store, now());
  StoredView view{read.last_snapshot(), read.reconcile_state()};
  read.finish();
  if (view.snapshot.read_at == TimePoint{}) {
    log_error("no directory snapshot yet: run `valtuusd --once` first");
    return std::nullopt;
  }
  return view;
}

int policy_check(CommandContext& ctx) {
  po::options_description options("policy check");
  options.add_options()("format", po::value<std::string>()->default_value("text"), "text or json")(
      "dir", po::value<std::string>(), "policy directory");
  po::positional_options_description positional;
  positional.add("dir", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  const std::string format = format_option(values, {"text", "json"});
  const std::string dir = values.count("dir") ? values["dir"].as<std::string>()
                                              : policy_options_from(ctx.config.values).dir;
  const PolicyLoadResult result = load_policy_reporting(dir);
  if (format == "json") {
    ctx.out << check_json(result).dump(2) << '\n';
  } else {
    print_check_text(ctx.out, result);
  }
  return result.policy ? kExitOk : kExitFailure;
}

int policy_explain(CommandContext& ctx) {
  po::options_description options("policy explain");
  options.add_options()("format", po::value<std::string>()->default_value("text"), "text or json")(
      "policy-dir", po::value<std::string>(), "maps to explain with (default: policy.dir)")(
      "account", po::value<std::string>(), "the person's account (sAMAccountName)");
  po::positional_options_description positional;
  positional.add("account", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  const std::string format = format_option(values, {"text", "json"});
  if (!values.count("account")) throw UsageError("policy explain: say whose: ACCOUNT");
  const std::string account = values["account"].as<std::string>();
  const bool configured = !values.count("policy-dir");
  const std::string dir = configured ? policy_options_from(ctx.config.values).dir
                                     : values["policy-dir"].as<std::string>();
  const LeaverRules rules = leaver_rules_from(ctx.config.values);
  const std::optional<Policy> policy = load_policy_or_report(dir, configured);
  if (!policy) return kExitFailure;
  const std::optional<StoredView> view = read_stored_view(ctx.config);
  if (!view) return kExitFailure;

  const TimePoint at = now();
  const std::vector<const Employee*> found = find_by_account(view->snapshot, account, rules, at);
  if (found.empty()) {
    log_error("no person with account '" + account + "' in the directory as last read (" +
              std::to_string(view->snapshot.employees.size()) + " people)");
    return kExitFailure;
  }
  if (found.size() > 1) {
    log_warning(std::to_string(found.size()) + " people have the account '" + account +
                "'; explaining the one with key " + found.front()->key);
  }
  const Explanation explanation = explain_employee(*found.front(), *policy, view->state, rules, at);
  if (format == "json") {
    ctx.out << explanation_json(explanation, view->snapshot).dump(2) << '\n';
  } else {
    print_explanation(ctx.out, explanation, view->snapshot);
  }
  return kExitOk;
}

int policy_preview(CommandContext& ctx) {
  po::options_description options("policy preview");
  options.add_options()("format", po::value<std::string>()->default_value("table"),
                        "table, csv or json")("new-dir", po::value<std::string>(), "the new maps");
  po::positional_options_description positional;
  positional.add("new-dir", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  const std::string format = format_option(values, {"table", "csv", "json"});
  if (!values.count("new-dir")) throw UsageError("policy preview: say which maps: NEW_DIR");
  const std::string new_dir = values["new-dir"].as<std::string>();
  const std::string current_dir = policy_options_from(ctx.config.values).dir;
  const LeaverRules rules = leaver_rules_from(ctx.config.values);
  const std::optional<Policy> proposed_policy = load_policy_or_report(new_dir, false);
  if (!proposed_policy) return kExitFailure;
  const std::optional<Policy> current_policy = load_policy_or_report(current_dir, true);
  const std::optional<StoredView> view = read_stored_view(ctx.config);
  if (!view) return kExitFailure;

  // Both plans from the same inputs and the same moment: only the maps differ.
  const TimePoint at = now();
  const Plan current = reconcile({view->snapshot, *current_policy, view->state, rules, at});
  const Plan proposed = reconcile({view->snapshot, *proposed_policy, view->state, rules, at});
  const PlanDiff diff = diff_plans(current, proposed, view->snapshot, view->state);
  const PreviewContext context{current_dir, new_dir,         view->snapshot,  current,
                               proposed,    *current_policy, *proposed_policy};
  if (format == "json") {
    ctx.out << preview_json(diff, context).dump(2) << '\n';
  } else if (format == "csv") {
    print_preview_csv(ctx.out, diff, context);
  } else {
    print_preview_table(ctx.out, diff, context);
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> policy_commands() {
  return {
      {{"policy", "check"},
       "check the authorisation maps: [DIR] (default policy.dir)",
       policy_check},
      {{"policy", "explain"},
       "which maps apply to ACCOUNT and why each theme is needed",
       policy_explain},
      {{"policy", "preview"},
       "how the maps in NEW_DIR would change the plan; writes nothing",
       policy_preview},
  };
}

}  // namespace valtuus
