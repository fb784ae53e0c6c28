// valtuusctl import grants FILE.csv [--apply]: brings the mandates already held in Suomi.fi
// (the organisation's spreadsheet) into the grant ledger, so that the first sync proposes
// only what is really missing, and revokes what leavers still hold. A dry run by default;
// with any bad row nothing is written and every bad row is listed, so one round fixes all.
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

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

// Far more than any organisation's spreadsheet (Porvoo's ~250 rows are ~30 kB); a bigger file
// is a wrong file, and reading it whole would only waste memory.
constexpr std::streamsize kMaxFileBytes = 16 * 1024 * 1024;

// Today in the local time zone: a mandate that ended yesterday in Finland has expired.
std::chrono::year_month_day local_today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return std::chrono::year_month_day{std::chrono::year{local.tm_year + 1900},
                                     std::chrono::month{static_cast<unsigned>(local.tm_mon + 1)},
                                     std::chrono::day{static_cast<unsigned>(local.tm_mday)}};
}

bool read_file(const std::string& path, std::string& text, std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot open it";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  if (in.bad()) {
    why = "cannot read it";
    return false;
  }
  if (static_cast<std::streamsize>(text.size()) > kMaxFileBytes) {
    why = "it is larger than 16 MiB; is it the right file?";
    return false;
  }
  return true;
}

Table plan_table(const ImportPlan& plan) {
  Table table;
  table.header = {"LINE", "ACCOUNT", "MANDATE", "VALID_FROM", "VALID_UNTIL", "ACTION"};
  for (const PlannedGrant& row : plan.rows) {
    const GrantRecord& r = *row.record;
    table.rows.push_back({std::to_string(r.line), r.account, r.mandate,
                          format_iso_date(r.valid_from), format_iso_date(r.valid_until),
                          to_string(row.action)});
  }
  return table;
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

  std::string text, why;
  if (!read_file(file, text, why)) {
    std::cerr << "valtuusctl: " << file << ": " << why << '\n';
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
  const GrantImport checked = read_grant_csv(text, load_catalog_ids(*connection), local_today());
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
                                : plan_grant_import(*connection, checked.records);
  print_text(ctx.out, plan_table(plan));
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
