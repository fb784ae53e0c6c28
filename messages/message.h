// An outbox row rendered into the message a channel sends: recipients, subject and body from
// the row's templates, and the JSON document of a webhook. Pure: no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/postgres/outbox_row.h"
#include "messages/template.h"

namespace valtuus {

// Addresses from the sender's configuration: rows for reviewers and security carry none.
struct Recipients {
  std::vector<std::string> reviewers;
  std::vector<std::string> security;
  // The sender's default language (fi, sv or en); when set, it replaces the language of rows
  // whose language is the database's default rather than the person's own
  // (OutboxRow::language_from_person false). Empty: use the row's language.
  std::string default_language;
  // notify.console_url: each message's `link` is the console page it is about
  // (messages/console_link.h); empty: the valtuusctl command or the page's path.
  std::string console_url{};
};

struct Message {
  std::string channel, audience;
  std::vector<std::string> to;  // mail: the addresses; webhook: empty (the configured URL)
  std::string subject, body;
  nlohmann::json json;  // the payload plus event, audience, language, subject and text
  std::string idempotency_key;
  std::string language;  // the language rendered
};

// The language a row is rendered in (see Recipients::default_language).
std::string message_language(const OutboxRow& row, const Recipients& configured);

// Throws RenderError when the payload lacks a placeholder's value, or when a mail row for
// reviewers or security has no configured address; TemplateError for an unknown event.
Message render(const OutboxRow& row, const TemplateSet& templates, const Recipients& configured);

}  // namespace valtuus
