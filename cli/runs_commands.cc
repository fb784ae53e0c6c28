// valtuusctl runs list | show | release | discard: sync runs, and the runs the guard held
// (issue #6). A held run's items wait in state 'held' until a person releases the run (they
// become proposed) or discards it; both go through the database's own functions, which refuse a
// run that is not held or was resolved, and write the audit trail.
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/table.h"
#include "connectors/postgres/runs.h"
#include "core/text_fold.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

long long parse_run_id(const po::variables_map& values) {
  return positive_id_option(values, "run", "name the run: RUN (its number, see runs list)",
                            "a run number");
}

po::positional_options_description run_positional() {
  po::positional_options_description positional;
  positional.add("run", 1);
  return positional;
}

po::options_description run_options(const char* caption) {
  po::options_description options(caption);
  options.add_options()("run", po::value<std::string>(), "the run's number");
  return options;
}

nlohmann::json run_json(const RunRow& run) {
  auto or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::json() : nlohmann::json(text);
  };
  return {{"id", run.id},
          {"started_at", run.started_at},
          {"finished_at", run.finished_at},
          {"source", run.source},
          {"entries_read", run.entries_read},
          {"entries_refused", run.entries_refused},
          {"complete", run.complete},
          {"incomplete_reason", run.incomplete_reason},
          {"items_added", run.items_added},
          {"items_superseded", run.items_superseded},
          {"status", run.hold_status()},
          {"held_reason", or_null(run.held_reason)},
          {"held_at", or_null(run.held_at)},
          {"released_at", or_null(run.released_at)},
          {"released_by", or_null(run.released_by)},
          {"discarded_at", or_null(run.discarded_at)},
          {"discarded_by", or_null(run.discarded_by)}};
}

// "released by anna at 2026-...", "discarded by ...", or "".
std::string resolution(const RunRow& run) {
  if (!run.released_at.empty()) return "released by " + run.released_by + " at " + run.released_at;
  if (!run.discarded_at.empty()) {
    return "discarded by " + run.discarded_by + " at " + run.discarded_at;
  }
  return "";
}

Table run_table(const std::vector<RunRow>& runs) {
  Table table;
  table.header = {"RUN",   "STARTED",    "FINISHED", "READ",        "COMPLETE",
                  "ADDED", "SUPERSEDED", "STATUS",   "HELD REASON", "RESOLVED"};
  for (const RunRow& run : runs) {
    table.rows.push_back({std::to_string(run.id), run.started_at, run.finished_at,
                          std::to_string(run.entries_read),
                          run.complete ? "yes" : "no: " + run.incomplete_reason,
                          std::to_string(run.items_added), std::to_string(run.items_superseded),
                          run.hold_status(), run.held_reason, resolution(run)});
  }
  return table;
}

int runs_list(CommandContext& ctx) {
  po::options_description options("runs list");
  options.add_options()("format", po::value<std::string>()->default_value("table"),
                        "table, csv or json")("held", po::bool_switch(),
                                              "only runs held and not yet released or discarded")(
      "limit", po::value<int>()->default_value(50), "at most this many runs, newest first");
  const auto values = parse_command_options(ctx, options);
  const std::string format = values["format"].as<std::string>();
  if (format != "table" && format != "csv" && format != "json") {
    throw UsageError("--format: '" + format + "' is not one of table, csv, json");
  }
  const int limit = values["limit"].as<int>();
  if (limit <= 0) throw UsageError("--limit: must be at least 1");
  auto store = open_database(ctx);
  const std::vector<RunRow> runs = list_runs(*store, values["held"].as<bool>(), limit);
  if (format == "json") {
    nlohmann::json array = nlohmann::json::array();
    for (const RunRow& run : runs) array.push_back(run_json(run));
    ctx.out << array.dump(2) << '\n';
  } else if (format == "csv") {
    print_csv(ctx.out, run_table(runs));
  } else if (runs.empty()) {
    ctx.out << (values["held"].as<bool>() ? "No held runs.\n" : "No sync runs yet.\n");
  } else {
    print_text(ctx.out, run_table(runs));
  }
  return 0;
}

std::string person(const ItemRow& item) {
  if (item.account.empty()) return "the organisation";
  return item.display_name.empty() ? item.account : item.display_name + " (" + item.account + ")";
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return text;
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Items by department, grouped by folded name as the policy matches them ("ELINKEINOASIAT "
// and "Elinkeinoasiat" are one), titled with the first spelling met.
void print_group(std::ostream& out, const char* heading, const char* sign,
                 const std::vector<const ItemRow*>& items) {
  if (items.empty()) return;
  std::map<std::string, std::pair<std::string, std::vector<const ItemRow*>>> groups;
  for (const ItemRow* item : items) {
    const std::string department = item->account.empty()      ? "(the organisation)"
                                   : item->department.empty() ? "(no department)"
                                                              : trimmed(item->department);
    auto [it, added] = groups.try_emplace(fold(department));
    if (added) it->second.first = department;
    it->second.second.push_back(item);
  }
  out << '\n' << heading << '\n';
  for (const auto& [key, group] : groups) {
    out << "  # " << group.first << '\n';
    for (const ItemRow* item : group.second) {
      out << "    " << sign << " " << item->id << "@" << item->version << " " << item->kind << " "
          << item->mandate << " for " << person(*item) << " [" << item->state
          << "]: " << item->reason << '\n';
    }
  }
}

// The items the way the plan printed them: revocations first, then the rest, then the open
// items the run superseded.
void print_items(std::ostream& out, const RunDetail& detail) {
  std::vector<const ItemRow*> revocations, additions, superseded;
  for (const ItemRow& item : detail.items) {
    (item.kind == "revoke" ? revocations : additions).push_back(&item);
  }
  for (const ItemRow& item : detail.superseded) superseded.push_back(&item);
  print_group(out, "Revocations:", "-", revocations);
  print_group(out, "Grants, applications and renewals:", "+", additions);
  print_group(out, "Superseded open items:", "~", superseded);
}

int runs_show(CommandContext& ctx) {
  const auto positional = run_positional();
  const long long id =
      parse_run_id(parse_command_options(ctx, run_options("runs show"), &positional));
  auto store = open_database(ctx);
  const RunDetail detail = load_run(*store, id);
  const RunRow& run = detail.run;
  ctx.out << "Run " << run.id << ": started " << run.started_at << ", finished " << run.finished_at
          << "; read " << run.entries_read << " entries from " << run.source
          << (run.complete ? " (complete)" : " (INCOMPLETE: " + run.incomplete_reason + ")") << "; "
          << run.items_added << " item(s) added, " << run.items_superseded << " superseded";
  if (run.entries_refused > 0) ctx.out << "; " << run.entries_refused << " entries refused";
  ctx.out << '\n';
  const std::string status = run.hold_status();
  if (status == "held") {
    ctx.out << "HELD since " << run.held_at << ": " << run.held_reason << '\n'
            << "  Its items wait; no one can decide them until the run is resolved:\n"
            << "  valtuusctl runs release " << run.id << " [--note TEXT]   (administrators)\n"
            << "  valtuusctl runs discard " << run.id << " --reason TEXT\n";
  } else if (!status.empty()) {
    ctx.out << "Was held (" << run.held_reason << "); " << resolution(run) << '\n';
  }
  if (!detail.refused.empty()) {
    // Refused people were treated as not read: nothing of theirs was revoked or superseded.
    ctx.out << "\nRefused entries: " << run.entries_refused
            << " (treated as not read; fix the values in the directory):\n";
    for (const RefusedRow& r : detail.refused) {
      ctx.out << "  " << r.dn;
      if (!r.account.empty()) ctx.out << " (account " << r.account << ")";
      ctx.out << ": " << r.field << ": " << r.reason << '\n';
    }
  }
  if (detail.items.empty() && detail.superseded.empty()) {
    ctx.out << "\nNo items.\n";
  } else {
    print_items(ctx.out, detail);
  }
  return 0;
}

int runs_release(CommandContext& ctx) {
  po::options_description options = run_options("runs release");
  options.add_options()("note", po::value<std::string>()->default_value(""),
                        "why releasing is right, e.g. 'the reorganisation of 1 March'");
  const auto positional = run_positional();
  const auto values = parse_command_options(ctx, options, &positional);
  const long long id = parse_run_id(values);
  auto store = open_database(ctx);
  const int released = release_run(*store, id, values["note"].as<std::string>());
  ctx.out << "released run " << id << ": " << released
          << " item(s) now proposed for review (valtuusctl changes list)\n";
  return 0;
}

int runs_discard(CommandContext& ctx) {
  po::options_description options = run_options("runs discard");
  options.add_options()("reason", po::value<std::string>(),
                        "why the run is wrong, e.g. 'the directory was being restored'");
  const auto positional = run_positional();
  const auto values = parse_command_options(ctx, options, &positional);
  const long long id = parse_run_id(values);
  if (!values.count("reason") || values["reason"].as<std::string>().empty()) {
    throw UsageError("runs discard needs --reason TEXT");
  }
  auto store = open_database(ctx);
  const int discarded = discard_run(*store, id, values["reason"].as<std::string>());
  ctx.out << "discarded run " << id << ": " << discarded << " item(s) discarded\n";
  return 0;
}

}  // namespace

std::vector<Command> runs_commands() {
  return {
      {{"runs", "list"}, "sync runs, newest first; --held: those waiting for a person", runs_list},
      {{"runs", "show"}, "one run: why it was held, and its items", runs_show},
      {{"runs", "release"}, "release a held run: its items become proposed", runs_release},
      {{"runs", "discard"}, "discard a held run, with --reason", runs_discard},
  };
}

}  // namespace valtuus
