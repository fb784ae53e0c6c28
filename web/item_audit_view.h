// The audit events of one item as the item page lists them: when, who, what (in the page's
// language), through the web or directly, and the note the person gave. Pure.
#pragma once

#include <kainjow/mustache.hpp>
#include <vector>

#include "connectors/postgres/item_audit.h"
#include "pages/i18n.h"

namespace valtuus {

kainjow::mustache::data audit_event_list(const std::vector<AuditEventRow>& events,
                                         Language language);

}  // namespace valtuus
