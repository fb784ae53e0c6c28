// The console page a message is about (notify.console_url + its path), so that a message links
// to it instead of describing how to find it: a run's items or a held run for reviewers, the
// item for reviewers, the person's own page for an employee, the direct reports for a manager,
// the overdue queue, the leavers report. Pure.
#pragma once

#include <string>

#include "connectors/postgres/outbox_row.h"

namespace valtuus {

// `console_url` without a trailing slash ("https://valtuus.kunta.fi"). Empty `console_url`:
// the payload's `command` where the event has one (the valtuusctl way), else the page's path.
std::string console_link(const OutboxRow& row, const std::string& console_url);

// Why `url` cannot be the console's address (not http(s), a query or fragment, user
// information, white space), or "" when it can. The option's value, for ConfigError.
std::string console_url_problem(const std::string& url);

}  // namespace valtuus
