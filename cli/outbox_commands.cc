// valtuusctl outbox ...: the notifications waiting, sent and dead (issue #8). Rows are enqueued
// by the database in the transaction of their cause and sent by valtuus-notify; here people
// look at them, preview a message and send a dead one again.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/table.h"
#include "connectors/postgres/outbox.h"
#include "core/errors.h"
#include "messages/message.h"
#include "messages/template.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

std::string time_text(TimePoint t) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S}Z", t);
}

std::string cause_text(const OutboxRow& row) {
  if (row.item_id) return fmt::format("item {}", *row.item_id);
  if (row.run_id) return fmt::format("run {}", *row.run_id);
  return "daily";
}

std::string to_text(const OutboxRow& row) {
  return row.recipient.empty() ? "(" + row.audience + ")" : row.recipient;
}

nlohmann::json row_json(const OutboxRow& row) {
  nlohmann::json j = {{"id", row.id},
                      {"created_at", time_text(row.created_at)},
                      {"event", row.event},
                      {"channel", row.channel},
                      {"audience", row.audience},
                      {"recipient", row.recipient},
                      {"language", row.language},
                      {"state", row.state},
                      {"attempts", row.attempts},
                      {"next_attempt_at", time_text(row.next_attempt_at)},
                      {"last_error", row.last_error},
                      {"sent_at", row.sent_at ? nlohmann::json(time_text(*row.sent_at)) : nullptr},
                      {"run_id", row.run_id ? nlohmann::json(*row.run_id) : nullptr},
                      {"item_id", row.item_id ? nlohmann::json(*row.item_id) : nullptr},
                      {"idempotency_key", row.idempotency_key}};
  return j;
}

Table row_table(const std::vector<OutboxRow>& rows) {
  Table table;
  table.header = {"ID",    "CREATED",  "EVENT",    "CHANNEL", "TO",        "LANG",
                  "STATE", "ATTEMPTS", "NEXT TRY", "CAUSE",   "LAST ERROR"};
  for (const OutboxRow& row : rows) {
    table.rows.push_back({std::to_string(row.id), time_text(row.created_at), row.event, row.channel,
                          to_text(row), row.language, row.state, std::to_string(row.attempts),
                          row.state == "pending" ? time_text(row.next_attempt_at) : "",
                          cause_text(row), row.last_error});
  }
  return table;
}

long long parse_id(const po::variables_map& values) {
  return positive_id_option(values, "id", "an outbox row's ID is needed", "an outbox row ID");
}

int outbox_list(CommandContext& ctx) {
  po::options_description options("outbox list");
  options.add_options()("format", po::value<std::string>()->default_value("table"),
                        "table, csv or json")("dead", po::bool_switch(), "only dead rows")(
      "pending", po::bool_switch(), "only pending rows (with --dead: both)")(
      "limit", po::value<int>()->default_value(1000), "at most this many rows, newest first");
  const auto values = parse_command_options(ctx, options);
  const std::string format = values["format"].as<std::string>();
  if (format != "table" && format != "csv" && format != "json") {
    throw UsageError("--format: '" + format + "' is not one of table, csv, json");
  }
  outbox::ListFilter filter;
  filter.dead = values["dead"].as<bool>();
  filter.pending = values["pending"].as<bool>();
  filter.limit = values["limit"].as<int>();
  if (filter.limit <= 0) throw UsageError("--limit: must be positive");
  auto store = open_database(ctx);
  const std::vector<OutboxRow> rows = list_outbox(*store, filter);
  if (format == "json") {
    nlohmann::json array = nlohmann::json::array();
    for (const OutboxRow& row : rows) array.push_back(row_json(row));
    ctx.out << array.dump(2) << '\n';
  } else if (format == "csv") {
    print_csv(ctx.out, row_table(rows));
  } else {
    if (rows.empty()) {
      ctx.out << (filter.dead ? "No dead notifications.\n" : "No notifications.\n");
    } else {
      print_text(ctx.out, row_table(rows));
      ctx.out << rows.size() << " row(s). A message: valtuusctl outbox show ID\n";
    }
    // A sync only announces its proposed grants; their notices appear once valtuus-notify has
    // written them. Said, so that a list right after a sync does not look like nobody is told.
    if (!filter.dead || filter.pending) {
      const long long waiting = count_unannounced_items(*store);
      if (waiting > 0) {
        ctx.out << fmt::format(
            "{} proposed grant(s) wait for valtuus-notify to write their \"grant proposed\" "
            "notices (at the start of its next pass).\n",
            waiting);
      }
    }
  }
  return 0;
}

po::options_description id_options(const char* name) {
  po::options_description options(name);
  options.add_options()("id", po::value<std::string>(), "the outbox row's ID");
  return options;
}

int outbox_show(CommandContext& ctx) {
  po::options_description options = id_options("outbox show");
  options.add_options()("template-dir", po::value<std::vector<std::string>>(),
                        "templates to try first (may repeat); then /etc/valtuus/templates and "
                        "the installed ones")(
      "format", po::value<std::string>()->default_value("text"), "text or json");
  po::positional_options_description positional;
  positional.add("id", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  const long long id = parse_id(values);
  const std::string format = values["format"].as<std::string>();
  if (format != "text" && format != "json") {
    throw UsageError("--format: '" + format + "' is not one of text, json");
  }
  std::vector<std::filesystem::path> dirs;
  if (values.count("template-dir")) {
    for (const auto& d : values["template-dir"].as<std::vector<std::string>>()) dirs.push_back(d);
  }
  for (const auto& d : default_template_dirs()) dirs.push_back(d);

  auto store = open_database(ctx);
  const auto row = find_outbox_row(*store, id);
  if (!row) throw DataError(fmt::format("outbox row {} does not exist", id));
  // Reviewers' and security's addresses are valtuus-notify's configuration: shown by name.
  const Recipients configured{{"(notify.reviewers_mail)"}, {"(notify.security_mail)"}, ""};
  const Message message = render(*row, TemplateSet::load(dirs), configured);
  if (format == "json") {
    nlohmann::json j = row_json(*row);
    j["payload"] = row->payload;
    j["message"] = {{"to", message.to},
                    {"subject", message.subject},
                    {"body", message.body},
                    {"json", message.json},
                    {"language", message.language}};
    ctx.out << j.dump(2) << '\n';
    return 0;
  }
  ctx.out << fmt::format("Outbox row {}: {} by {} to {} ({}), {}", row->id, row->event,
                         row->channel, to_text(*row), row->language, row->state);
  if (row->state == "sent" && row->sent_at) ctx.out << " at " << time_text(*row->sent_at);
  if (row->state != "sent") ctx.out << fmt::format(", {} attempt(s)", row->attempts);
  ctx.out << fmt::format("; caused by {}\n", cause_text(*row));
  if (!row->last_error.empty()) ctx.out << "Last error: " << row->last_error << '\n';
  ctx.out << "Idempotency key: " << row->idempotency_key << "\n\n";
  if (row->channel == "mail") {
    ctx.out << "To: " << fmt::format("{}", fmt::join(message.to, ", ")) << '\n';
    ctx.out << "Subject: " << message.subject << "\n\n" << message.body;
  } else {
    ctx.out << message.json.dump(2) << '\n';
  }
  return 0;
}

int outbox_retry(CommandContext& ctx) {
  po::positional_options_description positional;
  positional.add("id", 1);
  const long long id =
      parse_id(parse_command_options(ctx, id_options("outbox retry"), &positional));
  auto store = open_database(ctx);
  const OutboxRetry retry = retry_outbox_row(*store, id);
  const auto& row = retry.row;
  if (!row) throw DataError(fmt::format("outbox row {} does not exist", id));
  if (!retry.retried) {
    std::cerr << fmt::format("valtuusctl: outbox row {} is {}, not dead: nothing to retry\n", id,
                             row->state);
    return 1;
  }
  ctx.out << fmt::format("Outbox row {} ({} to {}) is pending again; valtuus-notify sends it.\n",
                         id, row->event, to_text(*row));
  return 0;
}

}  // namespace

std::vector<Command> outbox_commands() {
  return {
      {{"outbox", "list"}, "list notifications (all, --dead or --pending)", outbox_list},
      {{"outbox", "show"}, "show one notification and a preview of its message", outbox_show},
      {{"outbox", "retry"}, "send a dead notification again (administrators)", outbox_retry},
  };
}

}  // namespace valtuus
