#include "notify/outbox_sender.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include "common/log.h"
#include "connectors/postgres/outbox.h"
#include "core/errors.h"

namespace valtuus {

namespace {

std::string utc_day(std::chrono::system_clock::time_point now, int* hour) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (hour) *hour = tm.tm_hour;
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

// Test hook: with VALTUUS_NOTIFY_TEST_CRASH_AFTER_SEND=1 the program dies right after the
// first successful send, before the row is marked and committed: what a power cut or a kill
// at that moment does. Tests use it to show the row is sent again with the same key.
bool crash_after_send() {
  const char* value = std::getenv("VALTUUS_NOTIFY_TEST_CRASH_AFTER_SEND");
  return value != nullptr && std::string_view(value) == "1";
}

std::string describe(const OutboxRow& row) {
  return fmt::format("outbox row {} ({}, {} to {})", row.id, row.event, row.channel, row.audience);
}

}  // namespace

OutboxSender::OutboxSender(StoreSession& store, const NotifyOptions& options, TemplateSet templates,
                           Backoff::Uniform uniform)
    : store_(store),
      options_(options),
      templates_(std::move(templates)),
      uniform_(std::move(uniform)) {
  recipients_.reviewers = options.reviewers;
  recipients_.security = options.security;
  recipients_.default_language = options.language;
  recipients_.console_url = options.console_url;
  if (options.smtp) smtp_.emplace(*options.smtp);
  if (options.webhook) webhook_.emplace(*options.webhook);
}

DeliveryResult OutboxSender::deliver(const Message& message) const {
  if (message.channel == "mail") {
    if (!smtp_) return {DeliveryOutcome::kPermanent, "mail: notify.smtp_url is not set"};
    MailContent mail{options_.mail_from,      message.to,
                     message.subject,         message.body,
                     message.idempotency_key, std::chrono::system_clock::now()};
    return smtp_->send(mail);
  }
  if (message.channel == "webhook") {
    if (!webhook_) return {DeliveryOutcome::kPermanent, "webhook: notify.webhook_url is not set"};
    return webhook_->send(message.json.dump(), message.idempotency_key);
  }
  return {DeliveryOutcome::kPermanent, "unknown channel '" + message.channel + "'"};
}

std::chrono::seconds OutboxSender::retry_delay(int attempts) {
  Backoff backoff(options_.backoff, uniform_);
  std::chrono::milliseconds delay{0};
  for (int i = 0; i <= attempts; ++i) delay = backoff.next_delay();
  // Whole seconds, at least one: a row is never due again within the same second.
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(delay);
  return std::max(seconds, std::chrono::seconds{1});
}

DrainStats OutboxSender::drain(const std::function<bool()>& stop) {
  DrainStats stats;
  // The syncs only announce their proposed grants (in their own transactions); the notices are
  // written here. A refusal (a missing grant, a schema older than this program) must not stop
  // the messages already waiting; a lost connection ends the pass as anywhere else.
  try {
    stats.announced = announce_proposed_grants(store_);
    if (stats.announced > 0) {
      log_info(fmt::format("wrote {} \"grant proposed\" notice(s) for newly proposed grants",
                           stats.announced));
    }
  } catch (const Refused& e) {
    log_error("announcing newly proposed grants: " + e.detail() +
              "; sending what the outbox already holds");
  }
  stats.skipped = skip_stale_outbox_rows(store_);
  if (stats.skipped > 0)
    log_info(fmt::format("skipped {} notice(s) whose item is no longer open", stats.skipped));
  std::set<long long> tried;
  while (!stop()) {
    // Released uncommitted (the row stays as it was) unless marked and committed below.
    const std::unique_ptr<OutboxClaim> claim = OutboxClaim::next(store_);
    if (!claim || tried.count(claim->row().id) > 0) break;
    const OutboxRow* row = &claim->row();
    tried.insert(row->id);
    DeliveryResult result;
    try {
      result = deliver(render(*row, templates_, recipients_));
    } catch (const RenderError& e) {
      result = {DeliveryOutcome::kPermanent, std::string("render: ") + e.what()};
    } catch (const TemplateError& e) {
      result = {DeliveryOutcome::kPermanent, std::string("template: ") + e.what()};
    }
    const std::string id = std::to_string(row->id);
    if (result.outcome == DeliveryOutcome::kSent) {
      claim->mark_sent();
      if (crash_after_send()) ::_exit(86);
      claim->commit();
      ++stats.sent;
      log(LogLevel::kInfo, "sent " + describe(*row),
          {{"VALTUUS_OUTBOX_ID", id}, {"VALTUUS_OUTBOX_EVENT", row->event}});
      continue;
    }
    const bool permanent = result.outcome == DeliveryOutcome::kPermanent;
    const std::chrono::seconds delay =
        permanent ? std::chrono::seconds{0} : retry_delay(row->attempts);
    // A permanent failure is dead at once: this attempt is the last one allowed.
    const int max_attempts = permanent ? row->attempts + 1 : options_.max_attempts;
    const std::string state = claim->mark_failed(result.detail, delay, max_attempts);
    claim->commit();
    if (state == "dead") {
      ++stats.dead;
      log(LogLevel::kError,
          fmt::format("{} is dead after {} attempt(s): {}", describe(*row), row->attempts + 1,
                      result.detail),
          {{"VALTUUS_OUTBOX_ID", id}, {"VALTUUS_OUTBOX_EVENT", row->event}});
    } else {
      ++stats.retry;
      log(LogLevel::kWarning,
          fmt::format("{} failed (attempt {}), retrying in {} s: {}", describe(*row),
                      row->attempts + 1, delay.count(), result.detail),
          {{"VALTUUS_OUTBOX_ID", id}, {"VALTUUS_OUTBOX_EVENT", row->event}});
    }
  }
  return stats;
}

bool OutboxSender::run_daily_jobs(std::chrono::system_clock::time_point now) {
  if (!options_.daily_jobs) return false;
  int hour = 0;
  const std::string day = utc_day(now, &hour);
  if (day == last_daily_day_ || hour < options_.daily_hour) return false;
  const DailyEnqueued enqueued =
      enqueue_daily_messages(store_, day, options_.path1_days, options_.path2_days);
  last_daily_day_ = day;
  log_info(fmt::format("daily messages for {}: overdue items {}, leavers digest {}", day,
                       enqueued.overdue ? "enqueued" : "none new",
                       enqueued.leavers ? "enqueued" : "none new"));
  return true;
}

}  // namespace valtuus
