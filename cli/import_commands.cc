// valtuusctl import grants FILE.csv [--apply]: brings the mandates already held in Suomi.fi
// (the organisation's spreadsheet) into the grant ledger, so that the first sync proposes
// only what is really missing, and revokes what leavers still hold. A dry run by default;
// with any bad row nothing is written and every bad row is listed, so one round fixes all.
#include <ctime>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "cli/table.h"
#include "common/exit_codes.h"
#include "connectors/postgres/grant_import_store.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/postgres_options.h"
#include "core/grant_import.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

// Three times the ledger of a 300,000-person organisation: a bigger file is a wrong file. The
// file is read a chunk at a time, so memory grows with its rows (a few hundred bytes each),
// never with its text.
constexpr std::size_t kMaxRows = 1'000'000;

// Today in the local time zone: a mandate that ended yesterday in Finland has expired.
std::chrono::year_month_day local_today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return std::chrono::year_month_day{std::chrono::year{local.tm_year + 1900},
                                     std::chrono::month{static_cast<unsigned>(local.tm_mon + 1)},
                                     std::chrono::day{static_cast<unsigned>(local.tm_mday)}};
}

// Row by row, without a copy of the plan's cells: a file of 150,000 rows is as many lines.
void print_plan(std::ostream& out, const ImportPlan& plan) {
  print_text_rows(out, {"LINE", "ACCOUNT", "MANDATE", "VALID_FROM", "VALID_UNTIL", "ACTION"},
                  plan.rows.size(), [&](std::size_t row, std::size_t column) -> std::string {
                    const PlannedGrant& planned = plan.rows[row];
                    const GrantRecord& r = *planned.record;
                    switch (column) {
                      case 0:
                        return std::to_string(r.line);
                      case 1:
                        return r.account;
                      case 2:
                        return r.mandate;
                      case 3:
                        return format_iso_date(r.valid_from);
                      case 4:
                        return format_iso_date(r.valid_until);
                      default:
                        return to_string(planned.action);
                    }
                  });
}

void print_counts(std::ostream& out, const std::string& file, std::size_t rows,
                  const ImportPlan& plan, bool applied) {
  out << file << ": " << rows << " row(s): " << plan.added << (applied ? " added" : " to add")
      << ", " << plan.already_held << " already held (skipped), " << plan.new_stubs
      << " new stub(s) for accounts absent from the directory";
  if (plan.new_stubs) out << " (the next sync proposes revoking their grants)";
  out << '\n';
}

int import_grants(CommandContext& ctx) {
  po::options_description options("import grants");
  options.add_options()("file", po::value<std::string>(), "the CSV file")(
      "apply", po::bool_switch(), "write the grants (default: a dry run that writes nothing)");
  po::positional_options_description positional;
  positional.add("file", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  if (!values.count("file")) throw UsageError("import grants needs a FILE.csv");
  const std::string file = values["file"].as<std::string>();
  const bool apply = values["apply"].as<bool>();

  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "valtuusctl: " << file << ": cannot open it\n";
    return kExitUsage;
  }
  auto connection = open_database(ctx);
  // Before the directory has been read whole, every account would look absent and become a
  // leaver's stub, and the catalog the mandates are checked against is not there yet.
  if (!has_complete_sync_run(*connection)) {
    std::cerr << "valtuusctl: no complete sync run yet: run `valtuusd --once --bootstrap` "
                 "first, so that accounts and the mandate catalog are known\n";
    return kExitFailure;
  }
  const GrantImport checked =
      read_grant_csv(in, load_catalog_ids(*connection), local_today(), kMaxRows);
  // Rows that already ended are listed and left out; they never refuse the rest.
  for (const ImportProblem& warning : checked.warnings)
    std::cerr << format_problem(file, warning) << '\n';
  if (!checked.problems.empty()) {
    for (const ImportProblem& problem : checked.problems)
      std::cerr << format_problem(file, problem) << '\n';
    std::cerr << "valtuusctl: " << file << ": " << checked.problems.size()
              << " problem(s); nothing was written\n";
    return kExitDataError;
  }
  if (checked.records.empty()) {
    ctx.out << file << ": no grants held in the file; nothing to do\n";
    return kExitOk;
  }
  const ImportPlan plan = apply ? apply_grant_import(*connection, checked.records, file)
                                : plan_grant_import(*connection, checked.records, file);
  print_plan(ctx.out, plan);
  print_counts(ctx.out, file, checked.records.size(), plan, apply);
  if (!checked.warnings.empty()) {
    ctx.out << checked.warnings.size()
            << " row(s) that already ended were skipped (listed above)\n";
  }
  if (checked.has_identity_code_column) {
    ctx.out << "The identity_code column was checked but not stored.\n";
  }
  if (apply) {
    ctx.out << "Imported in one transaction; audit event " << plan.audit_event << ".\n";
  } else {
    ctx.out << "Dry run: nothing was written. To import, run again with --apply.\n";
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> import_commands() {
  return {{{"import", "grants"},
           "FILE.csv [--apply]: import mandates already held (dry run by default)",
           import_grants}};
}

}  // namespace valtuus
