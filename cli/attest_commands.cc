// valtuusctl attest THEME | attest record | attest differences | attest resolve: comparing
// Suomi.fi's own list of given mandates with the ledger (there is no API to read it).
//
// The rules, kept simple on purpose (docs/reports.md):
//  - `attest THEME` lists every grant of the theme the ledger shows in force, with the masked
//    identity code a person matches against Suomi.fi's list (never the clear code).
//  - `attest record THEME --confirmed` says the lists matched. Otherwise each difference is
//    named: `--missing ACCOUNT` (the ledger shows it, Suomi.fi does not) or
//    `--extra ACCOUNT[:YYYY-MM-DD]` (Suomi.fi shows it, with its end date; the ledger does not),
//    on the command line or in a CSV file (`--from`, columns difference,account,valid_until).
//  - Another reviewer accepts or rejects each difference (`attest resolve`). Accepting corrects
//    the ledger; the next sync proposes the grant (a missing theme the maps require) or the
//    revoke (an extra theme they do not) through the ordinary review.
#include <fstream>
#include <iterator>
#include <sstream>

#include "cli/report_common.h"
#include "connectors/postgres/attestations.h"
#include "core/csv.h"
#include "core/errors.h"
#include "core/text_fold.h"

namespace po = boost::program_options;
using nlohmann::json;

namespace valtuus {

namespace {

std::string theme_argument(const po::variables_map& values, const char* command) {
  if (!values.count("theme")) throw UsageError(std::string(command) + ": say which THEME");
  return values["theme"].as<std::string>();
}

int attest_checklist(CommandContext& ctx) {
  po::options_description options("attest");
  add_report_options(options);
  po::positional_options_description positional;
  positional.add("theme", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  ReportRequest request = report_request(values);
  const std::string theme = theme_argument(values, "attest");
  ReportSession session(ctx, report_run_time());
  const ReportClock clock = session.read->clock();
  const Checklist list = session.read->attestation_checklist(theme, request.filter);
  session.read->finish();

  Report report("attestation_checklist", clock.now, request.filters);
  report.columns = {{"surname", "SURNAME"},
                    {"given_name", "FIRST NAME"},
                    {"identity_code_masked", "IDENTITY CODE"},
                    {"account", "ACCOUNT"},
                    {"department", "DEPARTMENT"},
                    {"status", "STATUS"},
                    {"valid_from", "FROM"},
                    {"valid_until", "UNTIL"},
                    {"source", "SOURCE"},
                    {"open_revoke", "OPEN REVOKE"},
                    {"open_revoke_state", "REVOKE STATE"}};
  for (const ChecklistRow& r : list.rows) {
    report.rows.push_back({r.surname, r.given_name, text_or_null(r.identity_code_masked), r.account,
                           r.department, r.status, r.valid_from, text_or_null(r.valid_until),
                           r.source, r.open_revoke ? json(*r.open_revoke) : json(),
                           text_or_null(r.open_revoke_state)});
  }
  json last;
  if (list.last) {
    last = {{"id", list.last->id},
            {"at", list.last->at},
            {"by", list.last->by},
            {"result", list.last->result}};
  }
  report.summary = {{"mandate", list.mandate},
                    {"mandate_name_fi", list.name_fi},
                    {"suomifi_code", list.suomifi_code},
                    {"service", list.service},
                    {"grants", list.rows.size()},
                    {"last_attestation", last},
                    {"open_differences", list.open_differences}};
  report.empty_text = "The ledger shows no grant of " + theme + " in force.";
  report.summary_lines = {"Theme " + list.mandate + " (" + list.name_fi + ", " + list.service +
                              "): " + std::to_string(list.rows.size()) + " grant(s) in the ledger.",
                          "Compare with Suomi.fi's list of mandates given for " +
                              (list.suomifi_code.empty() ? list.mandate : list.suomifi_code) +
                              ", then record:",
                          "  valtuusctl attest record " + list.mandate +
                              " --confirmed | --missing ACCOUNT | --extra ACCOUNT[:YYYY-MM-DD]"};
  if (list.last) {
    report.summary_lines.push_back("Last attested " + list.last->at + " by " + list.last->by +
                                   ": " + list.last->result + ".");
  }
  if (list.open_differences > 0) {
    report.summary_lines.push_back(std::to_string(list.open_differences) +
                                   " difference(s) await a decision: valtuusctl attest "
                                   "differences --theme " +
                                   list.mandate);
  }
  print_report(ctx.out, report, request.format);
  return 0;
}

// "ACCOUNT" or "ACCOUNT:YYYY-MM-DD".
std::pair<std::string, std::optional<std::string>> extra_argument(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return {text, std::nullopt};
  const std::string date = text.substr(colon + 1);
  if (date.size() != 10 || date.find_first_not_of("0123456789-") != std::string::npos)
    throw UsageError("--extra: '" + text + "' is not ACCOUNT or ACCOUNT:YYYY-MM-DD");
  return {text.substr(0, colon), date};
}

// Differences from a CSV file with the header difference,account,valid_until.
void read_differences(const std::string& path, AttestationInput& input) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot be read");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const CsvResult csv = parse_csv(text);
  if (csv.error) {
    throw DataError(path + ":" + std::to_string(csv.error->line) + ":" +
                    std::to_string(csv.error->column) + ": " + csv.error->message);
  }
  if (csv.records.empty() || csv.records[0].fields.size() < 2 ||
      fold(csv.records[0].fields[0]) != "difference" || fold(csv.records[0].fields[1]) != "account")
    throw DataError(path + ":1: the header must be difference,account,valid_until");
  for (std::size_t i = 1; i < csv.records.size(); ++i) {
    const CsvRecord& record = csv.records[i];
    if (record.fields.size() == 1 && record.fields[0].empty()) continue;  // a blank line
    const std::string where = path + ":" + std::to_string(record.line) + ": ";
    if (record.fields.size() < 2) throw DataError(where + "say difference and account");
    const std::string kind = fold(record.fields[0]);
    const std::string account = record.fields[1];
    const std::string until = record.fields.size() > 2 ? fold(record.fields[2]) : "";
    if (kind == "missing") {
      input.missing.push_back(account);
    } else if (kind == "extra") {
      input.extra.emplace_back(account,
                               until.empty() ? std::nullopt : std::optional<std::string>(until));
    } else {
      throw DataError(where + "difference must be missing or extra");
    }
  }
}

int attest_record(CommandContext& ctx) {
  po::options_description options("attest record");
  options.add_options()("theme", po::value<std::string>(), "the theme attested (catalog id)")(
      "confirmed", "Suomi.fi's list matched the checklist")(
      "missing", po::value<std::vector<std::string>>()->composing(),
      "ACCOUNT held in the ledger but not in Suomi.fi (may repeat)")(
      "extra", po::value<std::vector<std::string>>()->composing(),
      "ACCOUNT[:YYYY-MM-DD] in Suomi.fi but not in the ledger (may repeat)")(
      "from", po::value<std::string>(), "CSV file of differences: difference,account,valid_until")(
      "note", po::value<std::string>()->default_value(""), "what you compared, for the record");
  po::positional_options_description positional;
  positional.add("theme", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  AttestationInput input;
  input.theme = theme_argument(values, "attest record");
  input.note = values["note"].as<std::string>();
  if (values.count("missing")) input.missing = values["missing"].as<std::vector<std::string>>();
  if (values.count("extra")) {
    for (const std::string& text : values["extra"].as<std::vector<std::string>>())
      input.extra.push_back(extra_argument(text));
  }
  if (values.count("from")) read_differences(values["from"].as<std::string>(), input);
  const bool differences = !input.missing.empty() || !input.extra.empty();
  if (values.count("confirmed") == differences) {
    throw UsageError(differences ? "attest record: --confirmed contradicts the differences given"
                                 : "attest record: say --confirmed, or name the differences");
  }
  auto store = open_database(ctx);
  const RecordedAttestation recorded = record_attestation(*store, input);
  ctx.out << "attestation " << recorded.id << " of " << input.theme << ": " << recorded.result
          << '\n';
  if (!recorded.differences.empty()) {
    ctx.out << recorded.differences.size()
            << " difference(s) for another reviewer to decide: valtuusctl attest resolve ID "
               "--accept | --reject --note WHY (ids";
    for (long long id : recorded.differences) ctx.out << ' ' << id;
    ctx.out << ")\n";
  }
  return 0;
}

int attest_differences(CommandContext& ctx) {
  po::options_description options("attest differences");
  add_report_options(options);
  options.add_options()("all", "decided ones too (default: only those awaiting a decision)");
  const auto values = parse_command_options(ctx, options);
  ReportRequest request = report_request(values);
  const bool all = values.count("all") > 0;
  ReportSession session(ctx, report_run_time());
  const ReportClock clock = session.read->clock();
  const auto rows = session.read->differences(!all, request.filter);
  session.read->finish();
  Report report("attestation_differences", clock.now, request.filters);
  report.columns = {{"id", "ID"},
                    {"attestation_id", "ATTESTATION"},
                    {"kind", "KIND"},
                    {"account", "ACCOUNT"},
                    {"name", "NAME"},
                    {"mandate", "MANDATE"},
                    {"valid_until", "UNTIL"},
                    {"state", "STATE"},
                    {"attested_by", "ATTESTED BY"},
                    {"attested_at", "ATTESTED AT"},
                    {"decided_by", "DECIDED BY"},
                    {"decision_note", "NOTE"}};
  for (const DifferenceRow& r : rows) {
    report.rows.push_back({r.id, r.attestation_id, r.kind, r.account, r.name, r.mandate,
                           text_or_null(r.valid_until), r.state, r.attested_by, r.attested_at,
                           text_or_null(r.decided_by), r.decision_note});
  }
  report.summary = {{"differences", rows.size()}};
  report.empty_text = all ? "No differences recorded." : "No difference awaits a decision.";
  print_report(ctx.out, report, request.format);
  return 0;
}

int attest_resolve(CommandContext& ctx) {
  po::options_description options("attest resolve");
  options.add_options()("id", po::value<long long>(), "the difference")(
      "accept", "correct the ledger as the difference says")(
      "reject", "leave the ledger as it is (needs --note)")(
      "note", po::value<std::string>()->default_value(""), "why");
  po::positional_options_description positional;
  positional.add("id", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  if (!values.count("id")) throw UsageError("attest resolve: say which difference: ID");
  if (values.count("accept") == values.count("reject"))
    throw UsageError("attest resolve: say --accept or --reject");
  const bool accept = values.count("accept") > 0;
  const std::string note = values["note"].as<std::string>();
  if (!accept && note.empty()) throw UsageError("attest resolve --reject: say why with --note");
  auto store = open_database(ctx);
  const long long id = values["id"].as<long long>();
  ctx.out << "difference " << id << ": " << resolve_difference(*store, id, accept, note) << '\n';
  return 0;
}

}  // namespace

std::vector<Command> attest_commands() {
  // Longer paths first: the first command whose words start the command line wins.
  return {
      {{"attest", "record"}, "record what Suomi.fi's list showed for a theme", attest_record},
      {{"attest", "differences"},
       "differences found by attestation, to decide",
       attest_differences},
      {{"attest", "resolve"}, "accept or reject one difference (another reviewer)", attest_resolve},
      {{"attest"}, "checklist of a theme's grants to compare with Suomi.fi", attest_checklist},
  };
}

}  // namespace valtuus
