#include "messages/message.h"

#include <fmt/format.h>

#include <algorithm>

#include "messages/console_link.h"

namespace valtuus {

std::string message_language(const OutboxRow& row, const Recipients& configured) {
  const auto& languages = template_languages();
  if (!row.language_from_person && !configured.default_language.empty() &&
      std::find(languages.begin(), languages.end(), configured.default_language) !=
          languages.end()) {
    return configured.default_language;
  }
  return row.language;
}

Message render(const OutboxRow& row, const TemplateSet& templates, const Recipients& configured) {
  Message m;
  m.channel = row.channel;
  m.audience = row.audience;
  m.language = message_language(row, configured);
  m.idempotency_key = row.idempotency_key;
  const Template& t = templates.get(row.event, m.language);
  // The link is the sender's to make: the database knows no console address.
  nlohmann::json payload = row.payload.is_object() ? row.payload : nlohmann::json::object();
  payload["link"] = console_link(row, configured.console_url);
  m.subject = t.subject(payload);
  m.body = t.body(payload);
  if (row.channel == "mail") {
    if (row.audience == "reviewers" || row.audience == "security") {
      m.to = row.audience == "reviewers" ? configured.reviewers : configured.security;
      if (m.to.empty()) {
        throw RenderError(fmt::format("outbox row {}: no {} address is configured", row.id,
                                      row.audience == "reviewers" ? "reviewers'" : "security's"));
      }
    } else {
      if (row.recipient.empty()) {
        throw RenderError(fmt::format("outbox row {}: no recipient for {}", row.id, row.audience));
      }
      m.to = {row.recipient};
    }
  }
  m.json = std::move(payload);
  m.json["event"] = row.event;
  m.json["audience"] = row.audience;
  m.json["language"] = m.language;
  m.json["subject"] = m.subject;
  m.json["text"] = m.body;
  return m;
}

}  // namespace valtuus
